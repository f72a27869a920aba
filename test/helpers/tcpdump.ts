/** tcpdump in the capture tests: know when it is capturing, and stop it once what it holds is written. */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Netns } from './netns.ts';

/**
 * tcpdump's first arguments in the tests: a 32 MiB kernel buffer (`-B`, in KiB; libpcap's default is 2 MiB), so a
 * burst written while a loaded machine (CI on 2 cores) keeps tcpdump off the CPU is held, not dropped.
 */
export const tcpdumpBuffer: readonly string[] = ['-B', '32768'];

/** The count in tcpdump's closing `N packets dropped by kernel` line, or 0. */
export const droppedByKernel = (stderr: string): number =>
  Number(/(\d+) packets? dropped by kernel/.exec(stderr)?.[1] ?? 0);

/** Resolves once tcpdump says `listening on` (its stderr), or rejects with what it said after 10 s. */
export const tcpdumpListening = (child: ChildProcess): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start: ${err}`)), 10_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });

/**
 * Stops tcpdump with SIGINT after `settleMs`: libpcap hands packets over a block at a time, a block at most 1 s old
 * (tcpdump's default timeout), and tcpdump stops without draining the block in hand.
 */
export const stopTcpdump = async (child: ChildProcess, settleMs = 1_000): Promise<void> => {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  if (child.exitCode !== null || child.signalCode !== null) return;
  let said = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    said += chunk.toString();
  });
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  await exited;
  // A capture that lost packets explains a failing assertion on what it holds: say so where the failure is read.
  const dropped = droppedByKernel(said);
  if (dropped > 0)
    console.warn(`tcpdump: ${dropped} packets dropped by kernel (a loaded machine); the capture is short`);
};

/**
 * tcpdump on a namespace's loopback (`-s 0 -U -n`, whole packets written as they come), writing `pcap`, limited by
 * `filter`; resolves once it is capturing. Stop it with `stopTcpdump`.
 */
export const captureInNamespace = async (
  ns: Pick<Netns, 'spawn'>,
  pcap: string,
  filter: string,
): Promise<ChildProcess> => {
  const tcpdump = ns.spawn('tcpdump', [
    ...tcpdumpBuffer,
    '-i',
    'lo',
    '-s',
    '0',
    '-U',
    '-n',
    '-w',
    pcap,
    filter,
  ]);
  await tcpdumpListening(tcpdump);
  return tcpdump;
};
