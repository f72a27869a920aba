/**
 * Random schedules of overlapping segments against the real kernel (root): the `kernel-agreement` report's lab,
 * 60 connections, each a 48-octet message cut at random and mixed with harmless overlapping copies (valid, bad
 * checksum, no ACK) in random order. The tap must read, in every one, the octets the server application read.
 */
import { describe, expect, it } from 'vitest';
import { runKernelAgreement } from '#bench/kernel-agreement.bench.ts';
import { netnsUnavailable } from '#test/helpers/netns.ts';

const unavailable = netnsUnavailable(['tcpdump', 'iptables', 'python3', 'ss']);

describe.skipIf(unavailable !== undefined)(
  `random overlapping segments: the tap reads what the application read (real kernel)${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('agrees on 60 random schedules', async () => {
      const result = await runKernelAgreement(60);
      if ('skipped' in result) throw new Error(result.skipped);
      expect(result.disagreements).toEqual([]);
      expect(result.agree).toBe(60);
    }, 180_000);
  },
);
