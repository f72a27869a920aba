/**
 * Octets not kept while a flow's protocol was being detected (past the 4 KiB prefix) are told to the parser as lost,
 * with their count, so a parser framed by length can skip them and stay in frame (ADR 34). Before, the parser heard
 * of a loss of unknown length and stopped.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { tcpConversation } from './conversation.ts';

const endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 7000 };

/** A server-first protocol: detected from the server's `OK`, so the client's bytes wait in the prefix until then. */
const recording = (log: string[]): Protocol => ({
  id: 'nats',
  transport: 'tcp',
  ports: [],
  encrypted: false,
  detect: (bytes, direction) => {
    if (direction === 'to-server') return 'need-more';
    if (bytes[0] !== 0x4f) return 'no-match';
    if (bytes.length < 2) return 'need-more';
    return bytes[1] === 0x4b ? 'match' : 'no-match';
  },
  createParser: () => ({
    parse(chunk, direction) {
      log.push(`${direction} ${chunk.length}`);
      return [];
    },
    gap(direction, lost) {
      log.push(`${direction} gap ${lost}`);
    },
  }),
});

describe('octets past the detection prefix', () => {
  it('reach the parser as a loss of their exact count', () => {
    const log: string[] = [];
    // Two segments, 5000 octets: the prefix keeps 4096, and detection waits for the server (a full side alone
    // refused for `detectionAttempts` packets would give up).
    const records = tcpConversation(endpoints, [
      { from: 'client', data: 'c'.repeat(2500) },
      { from: 'client', data: 'c'.repeat(2500) },
      { from: 'server', data: 'OK\n' },
      { from: 'client', data: 'next' },
    ]);
    // An observer of every event, so both directions are parsed to their end.
    const engine = createEngine({ protocols: [recording(log)], observers: [{ onEvent: () => undefined }] });
    for (const r of records) engine.push(r);
    engine.flush();
    // The prefix replayed, the server's chunk that decided, then the client's 904 octets past the prefix as a loss
    // (before: no loss at all was told, so `next` read as following the prefix), then what came after.
    expect(log).toEqual(['to-server 4096', 'to-client 3', 'to-server gap 904', 'to-server 4']);
  });
});
