/** When the tap drops a segment for its checksum, and when it stops summing a local sender's (checksum-check.ts). */
import { describe, expect, it } from 'vitest';
import { createPacketDecoder } from '#sidecar/decode/packet-decoder.ts';
import { checksumRejects } from '#sidecar/engine/checksum-check.ts';
import { createFlowState } from '#sidecar/engine/flow-state.ts';
import { badTcpChecksum, sealed, tcp4Frame } from '../decode/build-frame.ts';

const frame = tcp4Frame({
  src: '10.0.0.1',
  dst: '10.0.0.2',
  srcPort: 40000,
  dstPort: 80,
  seq: 9,
  payload: 'x',
});
const kinds = {
  valid: sealed(frame),
  offloaded: sealed(frame, { offloaded: true }),
  bad: badTcpChecksum(frame),
};

/** Whether each segment of the sequence would be dropped, in one direction. */
const verdicts = (sequence: (keyof typeof kinds)[]): boolean[] => {
  const side = createFlowState(true, 0).toServer;
  const decoder = createPacketDecoder();
  return sequence.map((kind) => {
    const data = kinds[kind];
    decoder.decode({ ts: 1, linkType: 1, data, originalLength: data.length, offset: 0 });
    return checksumRejects(side, decoder.packet);
  });
};

describe('checksum check', () => {
  it('drops a bad checksum only after the sender has sent a valid one', () => {
    expect(verdicts(['bad', 'valid', 'bad', 'offloaded'])).toEqual([false, false, true, false]);
  });

  it('stops summing a sender whose first eight checksums are unfinished (a local sender: they never will be)', () => {
    const local = Array<keyof typeof kinds>(8).fill('offloaded');
    expect(verdicts([...local, 'valid', 'bad']).slice(-1)).toEqual([false]);
    expect(verdicts([...local.slice(1), 'valid', 'bad']).slice(-1)).toEqual([true]);
  });
});
