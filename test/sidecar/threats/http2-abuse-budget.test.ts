/**
 * What MadeYouReset's counting costs the server's side through the engine with the threat runner: a 10 MiB answer
 * (640 DATA frames of 16 KiB) is handed to the HTTP/2 parser no further than the summary bound, as before, so neither
 * its HEADERS nor its DATA past it reach HPACK or the body reader; the client's stream-error frames after it are still
 * counted (its side is read to the end) and reported, while the server's resets past the bound are not seen.
 */
import { describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import type { Direction, ProtocolEvent } from '#sidecar/events.ts';
import { http2 } from '#sidecar/protocols/http2.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { type Endpoints, type Message, tcpConversation } from '../engine/conversation.ts';
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
    };
  },
});

const web: Endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };
const u32 = (value: number) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
};

describe('MadeYouReset after a large answer', () => {
  it('parses 32 KiB of a 10 MiB answer, as before, and reports the client’s zero WINDOW_UPDATEs after it', () => {
    const chunk = new Uint8Array(16_384).fill(0x61);
    const messages: Message[] = [
      { from: 'client', data: concat(preface, frame(0x4, 0, 0), frame(0x1, 0x5, 1, getBlock)) },
      { from: 'server', data: concat(frame(0x4, 0, 0), frame(0x1, 0x4, 1, hex('88'))) }, // :status 200
    ];
    for (let i = 0; i < 640; i++)
      messages.push({ from: 'server', data: frame(0x0, i === 639 ? 1 : 0, 1, chunk) });
    for (let first = 0; first < 300; first += 10) {
      const batch: Uint8Array[] = [];
      const resets: Uint8Array[] = [];
      for (let i = first; i < first + 10; i++) {
        const stream = 3 + 2 * i;
        batch.push(frame(0x1, 0x5, stream, getBlock), frame(0x8, 0, stream, u32(0)));
        resets.push(frame(0x3, 0, stream, u32(0x1))); // PROTOCOL_ERROR
      }
      messages.push({ from: 'client', data: concat(...batch) }, { from: 'server', data: concat(...resets) });
    }
    const handed: Record<Direction, number> = { 'to-server': 0, 'to-client': 0 };
    const events: ProtocolEvent[] = [];
    const engine = createEngine({
      protocols: [counting(handed, events)],
      observers: [createThreatRunner({ policyDir: false })],
    });
    for (const record of tcpConversation(web, messages)) engine.push(record);
    const threats = engine.flush().filter((f): f is ThreatFinding => f.type === 'threat');
    // The summary bound (32 KiB) and the segment that crosses it: two DATA frames, not 640.
    expect(handed['to-client']).toBeLessThanOrEqual(32 * 1024 + 16_393);
    expect(handed['to-server']).toBeGreaterThan(300 * 30);
    expect(events.filter((e) => e.kind === 'http-response')).toHaveLength(1);
    expect(events.flatMap((e) => (e.kind === 'http2-control' ? [[e.control, e.count]] : []))).toEqual([
      ['stream-errors', 64],
      ['stream-errors', 128],
      ['stream-errors', 256],
    ]);
    expect(threats.map((t) => [t.threat, t.evidence])).toEqual([
      [
        'http2-abuse',
        expect.stringMatching(/^client sent 128 frames that are stream errors on the 129 streams it opened/),
      ],
    ]);
  }, 30_000);
});
