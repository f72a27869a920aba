import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { protocolEventKinds } from '#sidecar/engine/protocol-event-kinds.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { protocols } from '#sidecar/protocols/index.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { corpusDir } from '#test/helpers/corpus.ts';
import { tcpConversation } from './conversation.ts';

/**
 * The engine stops parsing a direction nobody reads by trusting protocol-event-kinds.ts: replay real captures
 * (nDPI's corpus and the real-traffic fixture) through every registered parser and check each event they emit
 * is listed for its protocol and carries the direction of the bytes that produced it.
 */
const corpus = corpusDir('ndpi');
const captures = (() => {
  try {
    return readdirSync(corpus)
      .filter((name) => /\.(pcap|pcapng|cap)$/.test(name))
      .map((name) => join(corpus, name));
  } catch {
    return [];
  }
})();
const fixtures = [...captures, 'bench/fixtures/real-traffic.pcap'];

type Seen = { emitted: Set<string>; misdirected: string[] };

/** The registry, each parser wrapped to record what it emits while parsing which direction. */
const recording = (seen: Seen): Protocol[] =>
  protocols.map((protocol) => ({
    ...protocol,
    createParser() {
      const inner = protocol.createParser();
      return {
        parse(chunk, direction, ts) {
          const events = inner.parse(chunk, direction, ts);
          for (const event of events) {
            seen.emitted.add(`${protocol.id} ${event.kind}`);
            if (event.direction !== direction) seen.misdirected.push(`${protocol.id} ${event.kind}`);
          }
          return events;
        },
        gap: (direction) => inner.gap(direction),
      };
    },
  }));

/** `protocol kind` pairs emitted but not listed for the protocol. */
const unlisted = (seen: Seen): string[] =>
  [...seen.emitted].filter((entry) => {
    const [id, kind] = entry.split(' ') as [keyof typeof protocolEventKinds, string];
    const listed = protocolEventKinds[id];
    return listed === undefined || ![...listed.kinds, ...(listed.tunnelled ?? [])].includes(kind as never);
  });

const dir = mkdtempSync(join(tmpdir(), 'meshward-kinds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('protocol event kinds (what the parse budget trusts)', () => {
  if (captures.length === 0)
    console.log('skip: nDPI corpus missing at', corpus, '(real-traffic fixture only)');

  it('lists every kind each registered parser emits on real captures, and events carry their bytes’ direction', async () => {
    const seen: Seen = { emitted: new Set(), misdirected: [] };
    // Every byte parsed: an observer that reads events without saying which.
    const observers = [{ onEvent: () => undefined }];
    for (const file of fixtures) await inspectFile(file, { protocols: recording(seen), observers });
    expect(unlisted(seen)).toEqual([]);
    expect(seen.misdirected).toEqual([]);
    // The replay really covered the protocols (not a vacuous pass).
    expect(seen.emitted.size).toBeGreaterThanOrEqual(15);
  });

  it('lists as a SOCKS tunnel’s what it carries: plain HTTP, as through an HTTP CONNECT', async () => {
    const file = join(dir, 'socks-http.pcap');
    const endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 1080 };
    const conversation = tcpConversation(endpoints, [
      { from: 'client', data: Buffer.from('050100', 'hex') },
      { from: 'server', data: Buffer.from('0500', 'hex') },
      { from: 'client', data: Buffer.from('050100010a0000030050', 'hex') },
      { from: 'server', data: Buffer.from('050000010a0000030050', 'hex') },
      { from: 'client', data: 'GET / HTTP/1.1\r\nHost: backend\r\n\r\n' },
      { from: 'server', data: 'HTTP/1.1 204 No Content\r\n\r\n' },
    ]);
    writeFileSync(file, writePcap(conversation).bytes);
    const seen: Seen = { emitted: new Set(), misdirected: [] };
    await inspectFile(file, { protocols: recording(seen), observers: [{ onEvent: () => undefined }] });
    expect(seen.emitted).toContain('socks http-request');
    expect(unlisted(seen)).toEqual([]);
  });

  it('lists every registered protocol', () => {
    for (const protocol of protocols) expect(protocolEventKinds[protocol.id], protocol.id).toBeDefined();
  });
});
