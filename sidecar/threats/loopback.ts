/** Loopback addresses (127.0.0.0/8, ::1): where an app talks to its own sidecars inside a pod. */
import type { Endpoint } from '#core/finding.ts';

export const isLoopback = (e: Endpoint): boolean => e.ip.startsWith('127.') || e.ip === '::1';
