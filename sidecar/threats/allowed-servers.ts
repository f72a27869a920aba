/** A policy's list of servers allowed to do what a detector reports: each an address, or address:port. */
import type { Endpoint } from '#core/finding.ts';

export const isAllowedServer = (server: Endpoint | undefined, allowed: readonly string[]): boolean =>
  server !== undefined && allowed.some((s) => s === server.ip || s === `${server.ip}:${server.port}`);
