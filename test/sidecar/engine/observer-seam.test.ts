/** The engine's side of ADR 0015: packet events only for the classes observers read, a timer, and the view of connections. */
import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import type { ConnectionFacts, EngineView } from '#sidecar/engine/engine-view.ts';
import type { EngineObserver } from '#sidecar/engine-observer.ts';
import { flags } from '../decode/build-frame.ts';
import { type Endpoints, tcpConversation, udpExchange } from './conversation.ts';

const web: Endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 80 };
const dns: Endpoints = { client: '10.0.0.1', server: '10.0.0.3', clientPort: 5353, serverPort: 53 };

const traffic = () => [
  ...tcpConversation(web, [
    { from: 'client', data: 'GET / HTTP/1.1\r\n\r\n' },
    { from: 'server', data: 'HTTP/1.1 200 OK\r\n\r\n' },
  ]),
  ...udpExchange(dns, [
    { from: 'client', data: 'query' },
    { from: 'server', data: 'answer' },
  ]),
];

const packetsSeen = (observer: EngineObserver & { seen: string[] }) => {
  const engine = createEngine({ observers: [observer] });
  for (const r of traffic()) engine.push(r);
  engine.flush();
  return observer.seen;
};

describe('engine observers: packet classes, timer, connection view', () => {
  it('builds packet events only for the classes an observer declares', () => {
    const synsOnly = {
      seen: [] as string[],
      packets: ['tcp-syn'] as const,
      onPacket(p: { transport: string; tcpFlags?: number | undefined }) {
        this.seen.push(`${p.transport} ${p.tcpFlags}`);
      },
    };
    expect(packetsSeen(synsOnly)).toEqual([`tcp ${flags.syn}`]);
    const udp = { ...synsOnly, seen: [] as string[], packets: ['udp'] as const };
    expect(packetsSeen(udp)).toEqual(['udp undefined', 'udp undefined']);
  });

  it('tells an observer that declares nothing every packet, and two observers the union of what they read', () => {
    const every = {
      seen: [] as string[],
      onPacket(p: { transport: string }) {
        this.seen.push(p.transport);
      },
    };
    const all = traffic().length;
    expect(packetsSeen(every)).toHaveLength(all);
    const syns: string[] = [];
    const udps: string[] = [];
    const engine = createEngine({
      observers: [
        { packets: ['tcp-syn'], onPacket: (p) => syns.push(p.transport) },
        { packets: ['udp'], onPacket: (p) => udps.push(p.transport) },
      ],
    });
    for (const r of traffic()) engine.push(r);
    // Each observer is shown the union: an observer filters by class itself (the threat runner does).
    expect(syns).toEqual(udps);
    expect(syns).toEqual(['tcp', 'udp', 'udp']);
  });

  it('ticks about once a second of capture time, and on a flush with a time', () => {
    const ticks: number[] = [];
    const engine = createEngine({ observers: [{ onTick: (now) => ticks.push(now) }] });
    const start = 1_700_000_000_000;
    const records = tcpConversation(
      web,
      Array.from({ length: 8 }, () => ({ from: 'client' as const, data: 'x' })),
      {
        start,
      },
    );
    records.forEach((r, i) => {
      engine.push({ ...r, ts: start + i * 400 });
    });
    engine.flush(start + 60_000);
    // Packets 400 ms apart: every third one is a second past the last tick.
    const expected = records.flatMap((_, i) => (i % 3 === 0 ? [start + i * 400] : []));
    expect(expected.length).toBeGreaterThan(3);
    expect(ticks).toEqual([...expected, start + 60_000]);
  });

  it('answers for a live TCP connection: when it opened, what its client sent, whether it closed', () => {
    let view: EngineView | undefined;
    const engine = createEngine({ observers: [{ attach: (v) => (view = v) }] });
    const start = 1_700_000_000_000;
    const records = tcpConversation(
      web,
      [
        { from: 'client', data: 'GET / HTTP/1.1\r\n\r\n' },
        { from: 'server', data: 'HTTP/1.1 200 OK\r\n\r\n' },
      ],
      { start },
    );
    const client = { ip: web.client, port: web.clientPort };
    const server = { ip: web.server, port: web.serverPort };
    const ask = (): ConnectionFacts | undefined => {
      const facts = view?.connection(client, server);
      return facts === undefined ? undefined : { ...facts };
    };
    expect(view).toBeDefined();
    expect(ask()).toBeUndefined();
    for (const r of records.slice(0, 4)) engine.push(r);
    expect(ask()).toEqual({ opened: start, sent: 18, closed: false });
    // Asked from the server's side: what the server sent.
    expect(view?.connection(server, client)?.sent).toBe(0);
    // The client's FIN first (tcpConversation closes from the client): over for the client, not for the server yet.
    const clientFin = records.findIndex((r, i) => i >= 4 && (r.data[47] ?? 0) & 1);
    expect(clientFin).toBeGreaterThan(4);
    for (const r of records.slice(4, clientFin + 1)) engine.push(r);
    expect(ask()).toMatchObject({ sent: 18, closed: true });
    expect(view?.connection(server, client)?.closed).toBe(false);
    for (const r of records.slice(clientFin + 1)) engine.push(r);
    expect(ask()).toMatchObject({ sent: 18, closed: true });
    expect(view?.connection(server, client)?.closed).toBe(true);
    expect(view?.connection({ ...client, port: 1 }, server)).toBeUndefined();
    engine.flush();
    expect(ask()).toBeUndefined();
  });
});
