import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { protocolEventKinds } from '#sidecar/engine/protocol-event-kinds.ts';
import { protocols } from '#sidecar/protocols/index.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { corpusDir } from '#test/helpers/corpus.ts';

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

describe('protocol event kinds (what the parse budget trusts)', () => {
  if (captures.length === 0)
    console.log('skip: nDPI corpus missing at', corpus, '(real-traffic fixture only)');

  it('lists every kind each registered parser emits on real captures, and events carry their bytes’ direction', async () => {
    const seen: Seen = { emitted: new Set(), misdirected: [] };
    // Every byte parsed: an observer that reads events without saying which.
    const observers = [{ onEvent: () => undefined }];
    for (const file of fixtures) await inspectFile(file, { protocols: recording(seen), observers });
    const unlisted = [...seen.emitted].filter((entry) => {
      const [id, kind] = entry.split(' ') as [keyof typeof protocolEventKinds, string];
      const listed = protocolEventKinds[id];
      return listed === undefined || ![...listed.kinds, ...(listed.tunnelled ?? [])].includes(kind as never);
    });
    expect(unlisted).toEqual([]);
    expect(seen.misdirected).toEqual([]);
    // The replay really covered the protocols (not a vacuous pass).
    expect(seen.emitted.size).toBeGreaterThanOrEqual(15);
  });

  it('lists every registered protocol', () => {
    for (const protocol of protocols) expect(protocolEventKinds[protocol.id], protocol.id).toBeDefined();
  });
});
