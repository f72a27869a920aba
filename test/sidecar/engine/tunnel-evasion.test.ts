/**
 * Tunnel evasion: a pod that opens a CONNECT tunnel through a forward proxy (HTTP or SOCKS) and sends its attack
 * inside it in the clear. The tunnel used to be read for TLS hellos only, so every detector missed what it carried;
 * its inner protocol is now detected from its bytes and read as the flow's events.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import type { InspectOptions } from '#sidecar/engine/inspect-stream.ts';
import type { ObservedFlow } from '#sidecar/engine-observer.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { protocols } from '#sidecar/protocols/index.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { withBuggyParser } from '#test/helpers/buggy-parser.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Message, tcpConversation } from './conversation.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-tunnel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const inspect = (messages: Message[], serverPort = 3128, options: InspectOptions = {}) => {
  const file = join(dir, `t${n++}.pcap`);
  const endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort };
  writeFileSync(file, writePcap(tcpConversation(endpoints, messages)).bytes);
  return inspectFile(file, { observers: defaultObservers(), ...options });
};
const findingsOf = async (messages: Message[], serverPort?: number) =>
  (await inspect(messages, serverPort)).findings;
const threats = (findings: readonly Finding[]): string[] =>
  splitFindings(findings).threats.map((f) => f.threat);
const threatsOf = async (messages: Message[], serverPort?: number): Promise<string[]> =>
  threats(await findingsOf(messages, serverPort));
const flowOf = (findings: readonly Finding[]) => splitFindings(findings).flows[0];

const connect = (target: string): Message[] => [
  { from: 'client', data: `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n` },
  { from: 'server', data: 'HTTP/1.1 200 Connection established\r\n\r\n' },
];
const config = '*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$3\r\ndir\r\n$10\r\n/root/.ssh\r\n';
const redis: Message[] = [
  { from: 'client', data: config },
  { from: 'server', data: '+OK\r\n' },
];
const injection: Message[] = [
  { from: 'client', data: "GET /items?id=1'%20OR%20'1'='1 HTTP/1.1\r\nHost: backend\r\n\r\n" },
  { from: 'server', data: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n' },
];

describe('an attack sent in the clear inside a CONNECT tunnel', () => {
  it('is a SQL injection there as it is outside one', async () => {
    expect(await threatsOf(injection)).toContain('sql-injection');
    expect(await threatsOf([...connect('backend:80'), ...injection])).toContain('sql-injection');
  });

  it('is Redis abuse when the tunnel carries CONFIG SET dir', async () => {
    expect(await threatsOf(redis)).toContain('redis-abuse');
    expect(await threatsOf([...connect('cache:6379'), ...redis])).toContain('redis-abuse');
  });

  it('is a SIP sweep after 40 KiB of answers: the layer’s detectors read the tunnel to its end', async () => {
    const head = (n: number, user: string) =>
      `Via: SIP/2.0/TCP 10.0.0.1:40000;branch=z9hG4bK${n}\r\nTo: <sip:${user}@pbx>\r\nFrom: <sip:${user}@pbx>;tag=t${n}\r\n` +
      `Call-ID: c${n}\r\nCSeq: ${n} REGISTER\r\n`;
    const exchange = (n: number, user: string, answer: string, extra = ''): Message[] => [
      { from: 'client', data: `REGISTER sip:pbx SIP/2.0\r\n${head(n, user)}Content-Length: 0\r\n\r\n` },
      { from: 'server', data: `SIP/2.0 ${answer}\r\n${head(n, user)}${extra}Content-Length: 0\r\n\r\n` },
    ];
    // A phone's refreshes, each answered 200 OK with a long Contact list: past the 32 KiB summary bound.
    const contacts = `Contact: ${'<sip:1000@10.0.0.1:40000;transport=tcp>;expires=600, '.repeat(12)}\r\n`;
    const refreshes = Array.from({ length: 60 }, (_, i) =>
      exchange(100 + i, '1000', '200 OK', contacts),
    ).flat();
    const sweep = Array.from({ length: 24 }, (_, i) =>
      exchange(i + 1, `${3000 + i}`, '404 Not Found'),
    ).flat();
    expect(await threatsOf([...connect('pbx:5060'), ...refreshes, ...sweep])).toContain('sip-scan');
  });

  it("is the HTTP flow's, whose summary names the protocol inside and its facts", async () => {
    const findings = await findingsOf([...connect('backend:80'), ...injection]);
    const flow = flowOf(findings);
    expect(flow?.protocol).toBe('http');
    expect(flow?.l7?.operations).toEqual(['tunnel http']);
    expect(flow?.l7?.http?.methods).toEqual(['CONNECT', 'GET']);
  });
});

// RFC 1928 (no authentication, CONNECT by name to backend:80) and SOCKS 4A (CONNECT to cache:6379 by name).
const socks5: Message[] = [
  { from: 'client', data: Buffer.from('050100', 'hex') },
  { from: 'server', data: Buffer.from('0500', 'hex') },
  {
    from: 'client',
    data: Buffer.concat([
      Buffer.from('0501000307', 'hex'),
      Buffer.from('backend'),
      Buffer.from('0050', 'hex'),
    ]),
  },
  { from: 'server', data: Buffer.from('050000010a0000020050', 'hex') },
];
const socks4a: Message[] = [
  { from: 'client', data: Buffer.concat([Buffer.from('040118eb0000000100', 'hex'), Buffer.from('cache\0')]) },
  { from: 'server', data: Buffer.from('005a000000000000', 'hex') },
];

describe('an attack sent in the clear through a SOCKS proxy', () => {
  it('is a SQL injection inside a SOCKS5 CONNECT, the relay reported too', async () => {
    const threats = await threatsOf([...socks5, ...injection], 1080);
    expect(threats).toContain('sql-injection');
    expect(threats).toContain('socks-proxy');
  });

  it('is Redis abuse inside a SOCKS 4A CONNECT', async () => {
    expect(await threatsOf([...socks4a, ...redis], 1080)).toContain('redis-abuse');
  });

  it("is the SOCKS flow's, whose summary names the protocol inside and its facts", async () => {
    const findings = await findingsOf([...socks5, ...injection], 1080);
    const flow = flowOf(findings);
    expect(flow?.protocol).toBe('socks');
    expect(flow?.l7?.operations).toEqual(expect.arrayContaining(['CONNECT', 'reply', 'tunnel http']));
    expect(flow?.l7?.http?.methods).toEqual(['GET']);
  });
});

describe('a tunnel read by an engine', () => {
  const redisReader = protocols.find((p) => p.id === 'redis') as Protocol;

  it('carries only the protocols the engine was given: none it was not is found inside', async () => {
    const withoutRedis = protocols.filter((p) => p !== redisReader);
    const result = await inspect([...connect('cache:6379'), ...redis], 3128, { protocols: withoutRedis });
    expect(threats(result.findings)).not.toContain('redis-abuse');
    expect(flowOf(result.findings)?.l7?.operations).toBeUndefined();
  });

  it("whose parser throws is no longer read: a parser error and a note, the flow's own parser and events stay", async () => {
    const buggy = protocols.map((p) => (p === redisReader ? withBuggyParser(redisReader) : p));
    // The command right behind the CONNECT is handed to the tunnel in the call that reads the 200.
    const messages: Message[] = [
      { from: 'client', data: `CONNECT cache:6379 HTTP/1.1\r\nHost: cache:6379\r\n\r\n${config}` },
      { from: 'server', data: 'HTTP/1.1 200 Connection established\r\n\r\n' },
      ...redis,
    ];
    const result = await inspect(messages, 3128, { protocols: buggy });
    expect(result.stats.parserErrors).toBe(1);
    const flow = flowOf(result.findings);
    expect(flow?.notes).toContain("redis parser inside the tunnel failed: the tunnel's reading stopped");
    expect(flow?.notes).not.toContain('protocol parser failed: parsing stopped');
    expect(flow?.l7?.operations).toEqual(['tunnel redis', 'tunnel-failed']);
    expect(flow?.l7?.http?.statuses).toEqual(['2xx']);
  });

  it('names every layer its tunnels carry on the flow, outermost first', async () => {
    const layers: (readonly string[] | undefined)[] = [];
    const observer = { onFlowEnd: (flow: ObservedFlow) => layers.push(flow.tunnelled) };
    const messages = [...connect('socks:1080'), ...socks5, ...injection];
    await inspect(messages, 3128, { observers: [observer] });
    expect(layers).toEqual([['socks', 'http']]);
  });
});
