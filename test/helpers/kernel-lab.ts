/**
 * Two network namespaces joined by one veth pair, a server in one and a raw-frame client in the other, with the
 * server side captured by `tcpdump -i any` as the tap captures: the lab of the tests and the report that use the
 * real kernel as the oracle for what a pod receives. Everything stays inside the namespaces.
 */
import { execFileSync } from 'node:child_process';
import { createNetns, type Netns } from './netns.ts';
import { stopTcpdump, tcpdumpListening } from './tcpdump.ts';

export type KernelLab = {
  serverNs: Netns;
  clientNs: Netns;
  /** The client's and the server's MAC addresses, for frames written by hand. */
  macs: [string, string];
  /** The client-side and server-side interface names. */
  clientDev: string;
  /**
   * Starts tcpdump on the server side (`-i any` unless an interface is named: nDPI 4.2 cannot read the Linux cooked
   * v2 frames `-i any` writes); the returned function stops it after letting the last packets in.
   */
  capture(pcap: string, filter: string, dev?: string): Promise<() => Promise<void>>;
  /** The server-side interface name. */
  serverDev: string;
  destroy(): void;
};

export type KernelLabOptions = {
  prefix: string;
  server: string;
  client: string;
  /** IPv6 addresses too (added without duplicate address detection, so they work at once). */
  server6?: string;
  client6?: string;
  /** The raw client's connections are unknown to its own kernel: drop the resets it would send. */
  dropClientResets?: boolean;
};

const mac = (ns: Netns, dev: string): string =>
  /link\/ether ([0-9a-f:]{17})/.exec(ns.exec('ip', ['link', 'show', 'dev', dev]))?.[1] ?? '';

const startCapture = async (
  ns: Netns,
  pcap: string,
  filter: string,
  dev = 'any',
): Promise<() => Promise<void>> => {
  const capture = ns.spawn('tcpdump', [
    // Immediate mode rings hold few snaplen-sized frames: a small snap length and a large buffer keep bursts.
    ...['-i', dev, '--immediate-mode', '-s', '4096', '-B', '32768'],
    ...['-U', '-n', '-w', pcap, filter],
  ]);
  await tcpdumpListening(capture);
  return () => stopTcpdump(capture);
};

export const createKernelLab = (o: KernelLabOptions): KernelLab => {
  const serverNs = createNetns(`${o.prefix}s`);
  const clientNs = createNetns(`${o.prefix}c`);
  const destroy = () => {
    serverNs.destroy();
    clientNs.destroy();
  };
  try {
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const [serverDev, clientDev] = [`${o.prefix}a`, `${o.prefix}b`];
    ip(
      '-n',
      serverNs.name,
      'link',
      'add',
      serverDev,
      'type',
      'veth',
      'peer',
      'name',
      clientDev,
      'netns',
      clientNs.name,
    );
    ip('-n', serverNs.name, 'addr', 'add', `${o.server}/24`, 'dev', serverDev);
    ip('-n', clientNs.name, 'addr', 'add', `${o.client}/24`, 'dev', clientDev);
    if (o.server6 !== undefined && o.client6 !== undefined) {
      ip('-n', serverNs.name, 'addr', 'add', `${o.server6}/64`, 'dev', serverDev, 'nodad');
      ip('-n', clientNs.name, 'addr', 'add', `${o.client6}/64`, 'dev', clientDev, 'nodad');
    }
    ip('-n', serverNs.name, 'link', 'set', serverDev, 'up');
    ip('-n', clientNs.name, 'link', 'set', clientDev, 'up');
    if (o.dropClientResets === true)
      clientNs.exec('iptables', ['-A', 'OUTPUT', '-p', 'tcp', '--tcp-flags', 'RST', 'RST', '-j', 'DROP']);
    return {
      serverNs,
      clientNs,
      macs: [mac(clientNs, clientDev), mac(serverNs, serverDev)],
      clientDev,
      serverDev,
      capture: (pcap, filter, dev) => startCapture(serverNs, pcap, filter, dev),
      destroy,
    };
  } catch (error) {
    destroy();
    throw error;
  }
};
