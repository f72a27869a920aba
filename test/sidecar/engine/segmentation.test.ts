/**
 * Segmentation evasion: the same real sessions (bench/fixtures/sessions.json) cut into different TCP segments must get
 * the same protocol and the same layer-7 summary. An attacker who splits a request at an odd octet (fragroute-style)
 * must not turn an identified flow into `unknown`, nor hide what it did.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Message, tcpConversation } from './conversation.ts';

type Session = { label: string; transport: 'tcp' | 'udp'; messages: { fromClient: boolean; hex: string }[] };

const sessions = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../../../bench/fixtures/sessions.json'), 'utf8')) as {
    sessions: Session[];
  }
).sessions.filter((s) => s.transport === 'tcp');

const endpoints = { client: '10.1.0.1', server: '10.1.0.2', clientPort: 41000, serverPort: 7000 };

const messagesOf = (session: Session): Message[] =>
  session.messages.map((m) => ({
    from: m.fromClient ? 'client' : 'server',
    data: Uint8Array.from(Buffer.from(m.hex, 'hex')),
  }));

/**
 * What must not depend on segmentation or order: the protocol and the layer-7 summary (not packet counts), from
 * records (reordered packets keep their sequence numbers).
 */
const verdictOf = (records: ReturnType<typeof tcpConversation>) => {
  const engine = createEngine();
  for (const r of records) engine.push(r);
  const { flows } = splitFindings(engine.flush());
  return flows.map((f) => ({ protocol: f.protocol, l7: f.l7, tls: f.tls }));
};

/** The same, for a conversation of these messages, each one segment. */
const verdict = (messages: readonly Message[]) => verdictOf(tcpConversation(endpoints, messages));

const bytesOf = (m: Message): Uint8Array => (typeof m.data === 'string' ? Buffer.from(m.data) : m.data);

/** The session with message `index` cut at each of `cuts` (ascending octet offsets). */
const cutAt = (messages: readonly Message[], index: number, cuts: readonly number[]): Message[] => {
  const target = messages[index] as Message;
  const data = bytesOf(target);
  const bounds = [0, ...cuts.filter((c) => c > 0 && c < data.length), data.length];
  const pieces = bounds
    .slice(1)
    .map((end, i) => ({ from: target.from, data: data.subarray(bounds[i], end) }));
  return [...messages.slice(0, index), ...pieces, ...messages.slice(index + 1)];
};

const firstOf = (messages: readonly Message[], from: 'client' | 'server'): number =>
  messages.findIndex((m) => m.from === from);

describe('segmentation does not change what the engine sees', () => {
  it('has real TCP sessions of many protocols', () => {
    const protocols = new Set(sessions.flatMap((s) => verdict(messagesOf(s)).map((v) => v.protocol)));
    expect(sessions.length).toBeGreaterThan(40);
    expect(protocols.size).toBeGreaterThan(12);
  });

  it.each(sessions.map((s) => [s.label, s] as const))(
    '%s: each first message cut once at every octet up to 48',
    (_label, session) => {
      const messages = messagesOf(session);
      const whole = verdict(messages);
      const changed: string[] = [];
      for (const from of ['client', 'server'] as const) {
        const index = firstOf(messages, from);
        if (index < 0) continue;
        const length = bytesOf(messages[index] as Message).length;
        for (let cut = 1; cut < Math.min(length, 48); cut++)
          if (JSON.stringify(verdict(cutAt(messages, index, [cut]))) !== JSON.stringify(whole))
            changed.push(`${from} cut at ${cut}`);
      }
      expect(changed).toEqual([]);
    },
  );

  it.each(sessions.map((s) => [s.label, s] as const))(
    '%s: first messages sent one octet at a time',
    (_label, session) => {
      let messages = messagesOf(session);
      const whole = verdict(messages);
      for (const from of ['client', 'server'] as const) {
        const index = firstOf(messages, from);
        if (index < 0) continue;
        const length = Math.min(bytesOf(messages[index] as Message).length, 64);
        messages = cutAt(
          messages,
          index,
          Array.from({ length }, (_, i) => i + 1),
        );
      }
      expect(verdict(messages)).toEqual(whole);
    },
  );
});

describe('out-of-order delivery does not change what the engine sees', () => {
  it.each(sessions.map((s) => [s.label, s] as const))(
    '%s: first client message in 8-octet segments delivered last to first',
    (_label, session) => {
      const messages = messagesOf(session);
      const index = firstOf(messages, 'client');
      if (index < 0) return;
      const length = bytesOf(messages[index] as Message).length;
      // More pieces than the 64 segments the reassembler holds ahead of a hole: contiguous ones are joined.
      const cuts = Array.from({ length: Math.ceil(length / 8) - 1 }, (_, i) => (i + 1) * 8);
      const cut = cutAt(messages, index, cuts);
      const records = tcpConversation(endpoints, cut);
      // Three handshake packets, then one packet per message: reverse the pieces of the cut message.
      const first = 3 + index;
      const pieces = records.splice(first, cuts.length + 1);
      records.splice(first, 0, ...pieces.reverse());
      expect(verdictOf(records)).toEqual(verdict(messages));
    },
  );
});
