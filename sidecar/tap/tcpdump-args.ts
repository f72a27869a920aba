/** tcpdump's command line for live capture: packet-buffered pcap on stdout, no name resolution, a bounded snap length. */

export type TcpdumpOptions = { iface: string; snaplen: number; filter: string; bufferKiB?: number };

export const tcpdumpArgs = (options: TcpdumpOptions): string[] => [
  '-i',
  options.iface,
  // -U flushes each packet to the pipe as it is captured, so the engine sees it without delay.
  '-U',
  '-n',
  '-s',
  String(options.snaplen),
  '-B',
  String(options.bufferKiB ?? 4096),
  '-w',
  '-',
  ...(options.filter === '' ? [] : [options.filter]),
];
