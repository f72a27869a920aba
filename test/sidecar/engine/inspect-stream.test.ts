import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CaptureProblem } from '#sidecar/capture/capture-problem.ts';
import { inspectStream } from '#sidecar/engine/inspect-stream.ts';

/** A source that counts how many chunks the reader pulled. */
const counted = (chunks: Uint8Array[]) => {
  const source = {
    pulled: 0,
    async *[Symbol.asyncIterator]() {
      for (const chunk of chunks) {
        source.pulled += 1;
        yield chunk;
      }
    },
  };
  return source;
};

const drain = async (source: AsyncIterable<Uint8Array>) => {
  const problems: CaptureProblem[] = [];
  let flows = 0;
  for await (const update of inspectStream(source)) {
    problems.push(...update.problems);
    flows += update.findings.length;
  }
  return { problems, flows };
};

describe('inspectStream', () => {
  it('stops pulling bytes once they are not a capture, and says so once', async () => {
    const junk = counted(Array.from({ length: 100 }, () => new Uint8Array(64 * 1024).fill(0x41)));
    const { problems, flows } = await drain(junk);
    expect(junk.pulled).toBe(1);
    expect(flows).toBe(0);
    expect(problems).toEqual([
      { offset: 0, reason: 'not a pcap or pcapng file (starts with 4141414141414141)', fatal: true },
    ]);
  });

  it('reads a capture split into chunks of any size to its end', async () => {
    const capture = new Uint8Array(readFileSync('test/fixtures/pcap/three-flows.pcap'));
    const pieces = Array.from({ length: Math.ceil(capture.length / 7) }, (_, i) =>
      capture.subarray(i * 7, i * 7 + 7),
    );
    const source = counted(pieces);
    const { problems, flows } = await drain(source);
    expect([source.pulled, problems, flows]).toEqual([pieces.length, [], 3]);
  });
});
