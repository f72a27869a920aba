/** tcpdump in the capture tests: know when it is capturing, and stop it once what it holds is written. */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

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
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  await exited;
};
