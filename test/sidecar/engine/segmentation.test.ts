/**
 * Segmentation evasion: the same real sessions (bench/fixtures/sessions.json) cut into different TCP segments must get
 * the same protocol and the same layer-7 summary. An attacker who splits a request at an odd octet (fragroute-style)
 * must not turn an identified flow into `unknown`, nor hide what it did.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlowFinding } from '#core/finding.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { ethernetFrame, flags, ipv4Packet, tcp4Frame } from '../decode/build-frame.ts';
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

/** What must not depend on segmentation: the protocol and the layer-7 summary (not packet counts). */
const verdict = (messages: readonly Message[]) => {
  const engine = createEngine();
  for (const r of tcpConversation(endpoints, messages)) engine.push(r);
  const flows = engine.flush().filter((f): f is FlowFinding => f.type === 'flow');
  return flows.map((f) => ({ protocol: f.protocol, l7: f.l7, tls: f.tls }));
};

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
  /** The engine's verdict on records (not messages): reordered packets keep their sequence numbers. */
  const verdictOf = (records: ReturnType<typeof tcpConversation>) => {
    const engine = createEngine();
    for (const r of records) engine.push(r);
    return engine
      .flush()
      .filter((f): f is FlowFinding => f.type === 'flow')
      .map((f) => ({ protocol: f.protocol, l7: f.l7, tls: f.tls }));
  };

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

describe('tiny-segment evasion of threat detection', () => {
  const attack = `GET /items?id=1%27%20OR%20%271%27%3D%271 HTTP/1.1\r\nHost: shop.local\r\nUser-Agent: curl/8.5\r\n\r\n`;
  const threatsOf = (messages: readonly Message[]) => {
    const engine = createEngine({ observers: defaultObservers() });
    for (const r of tcpConversation({ ...endpoints, serverPort: 8080 }, messages)) engine.push(r);
    const findings = engine.flush();
    return {
      protocols: findings.filter((f): f is FlowFinding => f.type === 'flow').map((f) => f.protocol),
      threats: findings.filter((f) => f.type === 'threat').map((f) => (f as { threat: string }).threat),
    };
  };
  const reply: Message = { from: 'server', data: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' };

  it('finds the SQL injection in a request sent whole', () => {
    const seen = threatsOf([{ from: 'client', data: attack }, reply]);
    expect(seen.protocols).toEqual(['http']);
    expect(seen.threats).toContain('sql-injection');
  });

  it('finds it when the request segment comes as 8-octet IP fragments, last to first', () => {
    // A long Accept header makes the segment ~800 octets: over 64 fragments of 8.
    const long = attack.replace('\r\n\r\n', `\r\nAccept: ${'text/html;q=0.9, '.repeat(40)}*/*\r\n\r\n`);
    const records = tcpConversation({ ...endpoints, serverPort: 8080 }, [
      { from: 'client', data: long },
      reply,
    ]);
    // Three handshake packets, then the request: Ethernet (14) and IPv4 (20) headers, then the TCP segment.
    const request = records[3] as (typeof records)[number];
    const segment = request.data.subarray(34);
    const fragments = [];
    for (let at = 0; at < segment.length; at += 8) {
      const data = ethernetFrame(
        ipv4Packet({
          src: endpoints.client,
          dst: endpoints.server,
          protocol: 6,
          id: 77,
          more: at + 8 < segment.length,
          fragmentOffset: at,
          payload: segment.subarray(at, at + 8),
        }),
        0x0800,
      );
      fragments.push({ ...request, data, originalLength: data.length });
    }
    records.splice(3, 1, ...fragments.reverse());
    const engine = createEngine({ observers: defaultObservers() });
    for (const r of records) engine.push(r);
    const findings = engine.flush();
    expect(fragments.length).toBeGreaterThan(64);
    expect(findings.filter((f): f is FlowFinding => f.type === 'flow').map((f) => f.protocol)).toEqual([
      'http',
    ]);
    expect(
      findings.filter((f) => f.type === 'threat').map((f) => (f as { threat: string }).threat),
    ).toContain('sql-injection');
  });

  /** A keep-alive connection: a harmless request and its answer, then `injected` client packets, then the attack. */
  const afterInjected = (injected: { seq: number; flags: number; payload?: string }[]) => {
    const records = tcpConversation({ ...endpoints, serverPort: 8080 }, [
      { from: 'client', data: 'GET / HTTP/1.1\r\nHost: shop.local\r\n\r\n' },
      { from: 'server', data: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' },
      { from: 'client', data: attack },
      reply,
    ]);
    const packets = injected.map((p) => {
      const data = tcp4Frame({
        src: endpoints.client,
        dst: endpoints.server,
        srcPort: endpoints.clientPort,
        dstPort: 8080,
        seq: p.seq,
        flags: p.flags,
        ...(p.payload === undefined ? {} : { payload: p.payload }),
      });
      return { ...(records[3] as (typeof records)[number]), data, originalLength: data.length };
    });
    records.splice(5, 0, ...packets);
    const engine = createEngine({ observers: defaultObservers() });
    for (const r of records) engine.push(r);
    return engine
      .flush()
      .filter((f) => f.type === 'threat')
      .map((f) => (f as { threat: string }).threat);
  };

  it('finds it after a reset the server would drop (not the next sequence number: RFC 5961)', () => {
    expect(afterInjected([{ seq: 0x7000_0000, flags: flags.rst }])).toContain('sql-injection');
    expect(afterInjected([{ seq: 1001 + 10, flags: flags.rst | flags.ack }])).toContain('sql-injection');
  });

  it('finds it after a reset made to look in order by a forged segment far ahead', () => {
    // The forged segment lies far beyond what the server acknowledged (it drops or holds it); the reset that follows
    // carries the sequence number just after it, which is not the next one the server expects.
    const far = 1001 + 37 + 100_000;
    const threats = afterInjected([
      { seq: far, flags: flags.ack | flags.psh, payload: 'junk' },
      { seq: far + 4, flags: flags.rst },
    ]);
    expect(threats).toContain('sql-injection');
  });

  it('finds it after a stale FIN (a sequence number already passed) from the client', () => {
    // conversation.ts starts the client at 1000: its data begins at 1001, so a FIN there is long past.
    expect(afterInjected([{ seq: 1001, flags: flags.fin | flags.ack }])).toContain('sql-injection');
  });

  it('finds it when overlapping out-of-order segments carry a harmless copy first (Linux keeps the other)', () => {
    const records = tcpConversation({ ...endpoints, serverPort: 8080 }, [reply]);
    const request = Buffer.from(attack);
    const harmless = Buffer.from(request);
    harmless.fill('a'.charCodeAt(0), 20, 40);
    const segment = (offset: number, payload: Uint8Array) => {
      const data = tcp4Frame({
        src: endpoints.client,
        dst: endpoints.server,
        srcPort: endpoints.clientPort,
        dstPort: 8080,
        seq: 1001 + offset,
        ack: 5001,
        flags: flags.ack | flags.psh,
        payload,
      });
      return { ...(records[0] as (typeof records)[number]), data, originalLength: data.length };
    };
    // Held ahead of the hole at 0..5: first the harmless bytes from 20, then the real ones from 5, which start
    // earlier and so replace them in Linux's queue; then the hole fills.
    records.splice(
      3,
      0,
      segment(20, harmless.subarray(20)),
      segment(5, request.subarray(5)),
      segment(0, request.subarray(0, 5)),
    );
    const engine = createEngine({ observers: defaultObservers() });
    for (const r of records) engine.push(r);
    const threats = engine
      .flush()
      .filter((f) => f.type === 'threat')
      .map((f) => (f as { threat: string }).threat);
    expect(threats).toContain('sql-injection');
  });

  it('finds it when an urgent octet the server reads out of band is slipped into the request line', () => {
    const records = tcpConversation({ ...endpoints, serverPort: 8080 }, [reply]);
    // A space after "id=1", sent with URG and an urgent pointer just past it: Linux takes that octet out of band
    // (SO_OOBINLINE is off by default), so the server reads the injection; a tap that kept the space would read a
    // request line cut short before it.
    const at = attack.indexOf('%27');
    const data = tcp4Frame({
      src: endpoints.client,
      dst: endpoints.server,
      srcPort: endpoints.clientPort,
      dstPort: 8080,
      seq: 1001,
      ack: 5001,
      flags: flags.ack | flags.psh | flags.urg,
      urgentPointer: at + 1,
      payload: `${attack.slice(0, at)} ${attack.slice(at)}`,
    });
    records.splice(3, 0, { ...(records[0] as (typeof records)[number]), data, originalLength: data.length });
    const engine = createEngine({ observers: defaultObservers() });
    for (const r of records) engine.push(r);
    const threats = engine
      .flush()
      .filter((f) => f.type === 'threat')
      .map((f) => (f as { threat: string }).threat);
    expect(threats).toContain('sql-injection');
  });

  it('finds it when the whole request comes one octet per segment', () => {
    const octets = [...Buffer.from(attack)].map((b): Message => ({ from: 'client', data: Uint8Array.of(b) }));
    const seen = threatsOf([...octets, reply]);
    expect(octets.length).toBeGreaterThan(90);
    expect(seen.protocols).toEqual(['http']);
    expect(seen.threats).toContain('sql-injection');
  });
});
