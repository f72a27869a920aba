/**
 * Segments the server's kernel drops on grounds the capture can leave in doubt, held aside until it acknowledges
 * them (held-aside.ts, ADR 37): data past the receive window, an ACK it refuses, an MD5 option it does not expect. A
 * harmless copy of either kind must not stand in for the real bytes; a segment that only looks refused because the
 * capture missed a window update or the server's data is read once the server acknowledges it. The real kernel is
 * the oracle in test/e2e/kernel-streams.test.ts (the `past-window`, `unsent-ack`, `old-ack` and `md5-option` tricks).
 */
import { describe, expect, it } from 'vitest';
import type { PacketRecord } from '#sidecar/capture/packet-record.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { flags, sllFrame, tcp4Frame } from '../decode/build-frame.ts';

const client = '10.1.0.1';
const server = '10.1.0.2';
let ts = 1_700_000_000_000;

/** A segment of the one connection (client 41000 → server 8080), client numbers from 1000, server's from 5000. */
const segment = (
  from: 'client' | 'server',
  o: { seq: number; ack: number; flags?: number; window?: number; payload?: string; options?: number[] },
): PacketRecord => {
  const fromClient = from === 'client';
  const ethernet = tcp4Frame({
    src: fromClient ? client : server,
    dst: fromClient ? server : client,
    srcPort: fromClient ? 41000 : 8080,
    dstPort: fromClient ? 8080 : 41000,
    flags: flags.ack | (o.payload === undefined ? 0 : flags.psh),
    ...o,
  });
  // Captured as the tap captures, at the server: a cooked header says the client's packets were received (0) and
  // the server's sent (4). The checks judge only what the capturing host received.
  const data = sllFrame(ethernet, fromClient ? 0 : 4);
  return { ts: ts++, linkType: 113, data, originalLength: data.length, offset: 0 };
};

/** A request of exactly `size` octets (a POST whose body pads it). */
const padRequest = (size: number): string => {
  const head = (length: number) => `POST /pad HTTP/1.1\r\nHost: shop\r\nContent-Length: ${length}\r\n\r\n`;
  let body = size - head(0).length;
  while (head(body).length + body > size) body -= 1;
  return head(body) + 'p'.repeat(size - head(body).length);
};

const attack = 'GET /items?id=1%27%20OR%20%271%27%3D%271 HTTP/1.1\r\nHost: shop\r\n\r\n';
const harmless = attack.replace('1%27%20OR%20%271%27%3D%271', 'x'.repeat(26));
const answer = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
/** The window scale option (RFC 7323 section 2.2), after a NOP. */
const scaleOption = (shift: number) => [1, 3, 3, shift];

const inspect = (records: readonly PacketRecord[]) => {
  const engine = createEngine({ observers: defaultObservers() });
  for (const r of records) engine.push(r);
  const findings = engine.flush();
  const { flows, threats } = splitFindings(findings);
  const [flow] = flows;
  return {
    flow,
    threats: threats.map((t) => t.threat),
    evasion: threats.find((t) => t.threat === 'tcp-evasion'),
  };
};

/** The handshake: the server offers `window` (unscaled on its SYN-ACK; its later windows shifted by `shift`). */
const handshake = (window: number, shift?: number): PacketRecord[] => [
  segment('client', {
    seq: 1000,
    ack: 0,
    flags: flags.syn,
    ...(shift === undefined ? {} : { options: scaleOption(7) }),
  }),
  segment('server', {
    seq: 5000,
    ack: 1001,
    flags: flags.syn | flags.ack,
    window,
    ...(shift === undefined ? {} : { options: scaleOption(shift) }),
  }),
  segment('client', { seq: 1001, ack: 5001 }),
];

/**
 * The server offers 1000 octets: a harmless copy at 2001 lies past them, and Linux drops it. Then 1000 octets of
 * padding and the real request at 2001, in the window once the server has acknowledged the padding.
 */
const pastWindowTrick = (): PacketRecord[] => [
  ...handshake(1000),
  segment('client', { seq: 2001, ack: 5001, payload: harmless }),
  segment('client', { seq: 1001, ack: 5001, payload: padRequest(1000) }),
  segment('server', { seq: 5001, ack: 2001, window: 1000, payload: answer }),
  segment('client', { seq: 2001, ack: 5001 + answer.length, payload: attack }),
  segment('server', { seq: 5001 + answer.length, ack: 2001 + attack.length, window: 1000, payload: answer }),
];

describe('data past the receive window', () => {
  it('does not read a harmless copy sent a window ahead in place of the request sent there later', () => {
    const seen = inspect(pastWindowTrick());
    expect(seen.flow?.protocol).toBe('http');
    expect(seen.flow?.l7?.http?.paths).toEqual(['/pad', '/items']);
    expect(seen.threats).toContain('sql-injection');
  });

  it('reports the copy as an evasion trick once its octets came again, not a copy never acknowledged', () => {
    const tricked = inspect(pastWindowTrick());
    expect(tricked.evasion?.evidence).toMatch(/1 copies past the receive window, refused and sent again/);
    expect(tricked.flow?.notes).toContain(
      'to-server: 1 copies past the receive window refused by the receiver, their octets sent again',
    );
    // Far past the window and never acknowledged: a capture that ends early leaves the same, so it is not counted.
    const ahead = inspect([
      ...handshake(1000),
      segment('client', { seq: 1001, ack: 5001, payload: attack }),
      segment('client', { seq: 9001, ack: 5001, payload: harmless }),
      segment('server', { seq: 5001, ack: 1001 + attack.length, window: 1000, payload: answer }),
    ]);
    expect(ahead.threats).toEqual(['sql-injection']);
  });

  it('reads a segment that looked past the window because the window update was not captured', () => {
    // The server's ACK opening the window to 3000 octets is missing from the capture; the next one covers the bytes.
    const pad = padRequest(1000);
    const seen = inspect([
      ...handshake(1000),
      segment('client', { seq: 1001, ack: 5001, payload: pad }),
      segment('client', { seq: 2001, ack: 5001, payload: attack }),
      segment('server', { seq: 5001, ack: 2001 + attack.length, window: 3000, payload: answer }),
    ]);
    expect(seen.flow?.l7?.http?.paths).toEqual(['/pad', '/items']);
    expect(seen.threats).toEqual(['sql-injection']);
  });

  it('scales the window as the SYNs agreed: a scaled window is not mistaken for a small one', () => {
    // Both SYNs carry the option; the server shifts by 4, so a window field of 100 offers 1600 octets.
    const pad = padRequest(1000);
    const records = [
      ...handshake(1000, 4),
      segment('server', { seq: 5001, ack: 1001, window: 100 }),
      segment('client', { seq: 1001, ack: 5001, payload: pad }),
      segment('client', { seq: 2001, ack: 5001, payload: attack }),
    ];
    const seen = inspect(records);
    expect(seen.flow?.l7?.http?.paths).toEqual(['/pad', '/items']);
    expect(seen.threats).toEqual(['sql-injection']);
    // Without the client's option no scaling is in effect (RFC 7323): 100 octets, so the window stays at the 1000
    // the SYN-ACK offered (it never shrinks), and the request past it waits for an ACK that never comes.
    const unscaled = inspect([
      segment('client', { seq: 1000, ack: 0, flags: flags.syn }),
      ...records.slice(1),
    ]);
    expect(unscaled.flow?.l7?.http?.paths).toEqual(['/pad']);
  });

  it('does not check a capture taken elsewhere than at the receiver (Ethernet: who received what is unknown)', () => {
    // A filter that drops small packets, or a vantage point that sees ACKs late, would make every bulk transfer look
    // past the window there; the same harmless copy is then read, as before.
    const pad = padRequest(1000);
    // The cooked header as Ethernet: a destination MAC, the source MAC it holds, then its protocol and the packet.
    const ethernet = (r: PacketRecord): PacketRecord => {
      const data = Uint8Array.from([
        ...[2, 0, 0, 0, 0, 1],
        ...r.data.subarray(6, 12),
        ...r.data.subarray(14),
      ]);
      return { ...r, linkType: 1, data, originalLength: data.length };
    };
    const seen = inspect(
      [
        ...handshake(1000),
        segment('client', { seq: 2001, ack: 5001, payload: harmless }),
        segment('client', { seq: 1001, ack: 5001, payload: pad }),
        segment('client', { seq: 2001, ack: 5001, payload: attack }),
      ].map(ethernet),
    );
    expect(seen.flow?.l7?.http?.paths).toEqual(['/pad', '/items']);
    expect(seen.threats).toEqual([]);
  });

  it('does not check a connection whose handshake it did not see (the scale is unknown)', () => {
    const seen = inspect([
      segment('client', { seq: 1001, ack: 5001, payload: padRequest(1000) }),
      segment('server', { seq: 5001, ack: 2001, window: 10 }),
      segment('client', { seq: 2001, ack: 5001, payload: attack }),
    ]);
    expect(seen.flow?.l7?.http?.paths).toEqual(['/pad', '/items']);
    expect(seen.threats).toEqual(['sql-injection']);
  });
});

describe('segments with an acknowledgement or an option the receiver refuses', () => {
  /** A TCP MD5 signature option (RFC 2385: kind 19, 18 octets) and two NOPs. */
  const md5 = [19, 18, ...Array.from({ length: 16 }, (_, i) => i), 1, 1];
  const reply = segment('server', { seq: 5001, ack: 1001 + attack.length, payload: answer });

  it.each([
    ['an ACK of data the server never sent', { ack: 5001 + 100_000 }, 'acknowledgement the receiver refuses'],
    ['an ACK far behind what the server has had acknowledged', { ack: 5001 - 1_000_000 }, 'acknowledgement'],
    [
      'an MD5 signature on a connection whose SYNs carried none',
      { ack: 5001, options: md5 },
      'MD5 or AO option',
    ],
  ])('does not read a harmless copy with %s in place of the request', (_name, chaff, evidence) => {
    const seen = inspect([
      ...handshake(65535),
      segment('client', { seq: 1001, payload: harmless, ...chaff }),
      segment('client', { seq: 1001, ack: 5001, payload: attack }),
      reply,
    ]);
    expect(seen.flow?.l7?.http?.paths).toEqual(['/items']);
    expect(seen.threats).toEqual(expect.arrayContaining(['sql-injection', 'tcp-evasion']));
    expect(seen.evasion?.evidence).toContain(evidence);
  });

  it('reads a request whose ACK names server data the capture missed, once the server acknowledges it', () => {
    // The server's 100-octet answer is not in the capture; the client acknowledges it with its next request.
    const seen = inspect([
      ...handshake(65535),
      segment('client', { seq: 1001, ack: 5101, payload: attack }),
      segment('server', { seq: 5101, ack: 1001 + attack.length, payload: answer }),
    ]);
    expect(seen.flow?.l7?.http?.paths).toEqual(['/items']);
    expect(seen.threats).toEqual(['sql-injection']);
  });

  it('reads every segment of a connection that signs from its SYNs on (a BGP-style MD5 session)', () => {
    const signed = [
      segment('client', { seq: 1000, ack: 0, flags: flags.syn, options: md5 }),
      segment('server', { seq: 5000, ack: 1001, flags: flags.syn | flags.ack, options: md5 }),
      segment('client', { seq: 1001, ack: 5001, options: md5 }),
      segment('client', { seq: 1001, ack: 5001, options: md5, payload: attack }),
    ];
    const seen = inspect(signed);
    expect(seen.flow?.l7?.http?.paths).toEqual(['/items']);
    expect(seen.threats).toEqual(['sql-injection']);
  });
});
