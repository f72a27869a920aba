/**
 * What MadeYouReset's counting costs the server's side through the engine with the threat runner: a 10 MiB answer
 * (640 DATA frames of 16 KiB, in segments of 1,448 octets) reaches the HTTP/2 parser as its first 8 KiB and each later
 * frame's first segment; the rest of each frame is let pass unread (http2-pass.ts, ADR 58). The server's side is read
 * to its end (answers are counted by http-auth-brute-force however deep), so the client's stream-error frames after
 * the answer are counted, and the server's resets after it too: with windows pushed past 2^31-1, which the server
 * resets, the server's resets tell first.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import type { Direction, ProtocolEvent } from '#sidecar/events.ts';
import { http2 } from '#sidecar/protocols/http2.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Endpoints, type Message, segments, tcpConversation } from '../engine/conversation.ts';
import { frame, getBlock, preface } from '../protocols/http2-frames.ts';

/** The registered HTTP/2 protocol, counting the octets its parsers are handed per direction. */
const counting = (handed: Record<Direction, number>, events: ProtocolEvent[]): Protocol => ({
  ...http2,
  createParser(context) {
    const parser = http2.createParser(context);
    return {
      parse(chunk, direction, ts) {
        handed[direction] += chunk.length;
        const out = parser.parse(chunk, direction, ts);
        events.push(...out);
        return out;
      },
      gap: (direction, lost) => parser.gap(direction, lost),
      pass: (direction) => parser.pass?.(direction) ?? 0,
    };
  },
});

const web: Endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };
const u32 = (value: number) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
};

const chunk = new Uint8Array(16_384).fill(0x61);

/**
 * A 10 MiB answer on stream 1 (granted back on the stream and the connection as it comes when `grant`), then `n` new
 * streams in batches of 10, each a GET and `after` on it, which the server resets with `code`.
 */
const largeAnswerThen = (n: number, after: (stream: number) => Uint8Array, code: number, grant: boolean) => {
  const messages: Message[] = [
    { from: 'client', data: concat(preface, frame(0x4, 0, 0), frame(0x1, 0x5, 1, getBlock)) },
    { from: 'server', data: concat(frame(0x4, 0, 0), frame(0x1, 0x4, 1, hex('88'))) }, // :status 200
  ];
  const granted = concat(frame(0x8, 0, 1, u32(chunk.length)), frame(0x8, 0, 0, u32(chunk.length)));
  for (let i = 0; i < 640; i++) {
    messages.push(...segments('server', frame(0x0, i === 639 ? 1 : 0, 1, chunk)));
    if (grant) messages.push({ from: 'client', data: granted });
  }
  for (let first = 0; first < n; first += 10) {
    const batch: Uint8Array[] = [];
    const resets: Uint8Array[] = [];
    for (let i = first; i < first + 10; i++) {
      const stream = 3 + 2 * i;
      batch.push(frame(0x1, 0x5, stream, getBlock), after(stream));
      resets.push(frame(0x3, 0, stream, u32(code)));
    }
    messages.push({ from: 'client', data: concat(...batch) }, { from: 'server', data: concat(...resets) });
  }
  return messages;
};

/** The conversation through the engine with the threat runner: octets handed per direction, events, findings. */
const inspect = (messages: readonly Message[]) => {
  const handed: Record<Direction, number> = { 'to-server': 0, 'to-client': 0 };
  const events: ProtocolEvent[] = [];
  const engine = createEngine({
    protocols: [counting(handed, events)],
    observers: [createThreatRunner({ policyDir: false })],
  });
  for (const record of tcpConversation(web, messages)) engine.push(record);
  const { threats } = splitFindings(engine.flush());
  return { handed, events, threats };
};

const controls = (events: readonly ProtocolEvent[]) =>
  events.flatMap((e) => (e.kind === 'http2-control' ? [[e.control, e.count]] : []));

describe('MadeYouReset after a large answer', () => {
  it('lets most of a 10 MiB answer pass, and reports the client’s zero WINDOW_UPDATEs after it', () => {
    // PROTOCOL_ERROR resets.
    const zero = (stream: number) => frame(0x8, 0, stream, u32(0));
    const { handed, events, threats } = inspect(largeAnswerThen(300, zero, 0x1, false));
    // The summary bound (32 KiB) and the segment that crosses it: two DATA frames, not 640.
    expect(handed['to-client']).toBeLessThanOrEqual(640 * 1448 + 48 * 1024);
    expect(handed['to-server']).toBeGreaterThan(300 * 30);
    expect(events.filter((e) => e.kind === 'http-response')).toHaveLength(1);
    expect(controls(events)).toEqual([
      ['stream-errors', 64],
      ['server-resets', 64],
      ['stream-errors', 128],
      ['server-resets', 128],
      ['stream-errors', 256],
      ['server-resets', 256],
    ]);
    expect(threats.map((t) => [t.threat, t.evidence])).toEqual([
      [
        'http2-abuse',
        expect.stringMatching(/^client sent 128 frames that are stream errors on the 129 streams it opened/),
      ],
    ]);
  }, 30_000);

  it('reports windows pushed past 2^31-1 after a 10 MiB answer, the server’s resets of them first', () => {
    // FLOW_CONTROL_ERROR resets, read now: they tell first. The client's frames are counted all the same: the answer's
    // 10 MiB of window covers 161 of the streams' 65,535 octets past 2^31-1, and the other 439 are counted.
    const overflow = (stream: number) => frame(0x8, 0, stream, u32(0x7fffffff));
    const { handed, events, threats } = inspect(largeAnswerThen(600, overflow, 0x3, true));
    expect(handed['to-client']).toBeLessThanOrEqual(640 * 1448 + 48 * 1024);
    expect(controls(events)).toEqual([
      ['server-resets', 64],
      ['server-resets', 128],
      ['stream-errors', 64],
      ['server-resets', 256],
      ['stream-errors', 128],
      ['stream-errors', 256],
      ['server-resets', 512],
    ]);
    expect(threats.map((t) => [t.threat, t.evidence])).toEqual([
      [
        'http2-abuse',
        expect.stringMatching(
          /^server reset 128 of the client's first 129 streams for the client's errors \(FLOW_CONTROL_ERROR ×128\)/,
        ),
      ],
    ]);
  }, 30_000);
});
