/** The control plane's addresses and port, for the capture filter and for quarantine's allowed channel. */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export type ControlPlaneAddress = { host: string; port: number; ips: string[] };

export const controlPlaneAddress = async (
  url: string,
  resolve: (host: string) => Promise<string[]> = async (host) =>
    (await lookup(host, { all: true })).map((entry) => entry.address),
): Promise<ControlPlaneAddress> => {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || (target.protocol === 'http:' ? 80 : 443));
  const ips = isIP(host) !== 0 ? [host] : await resolve(host).catch(() => []);
  return { host, port, ips };
};
