/**
 * DNS over HTTPS read where it is plaintext, through the whole engine: a DoH tunnel (dnstt and its kind carry data in
 * the names asked, and DoH keeps them off port 53) is told by dns-tunnel as on port 53, the flow's summary lists the
 * names, and encrypted-dns reports the road taken. The same HTTP with ordinary requests tells none of it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { dnsQuery } from '#test/fixtures/protocols/socks-udp-datagrams.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Message, tcpConversation } from './conversation.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-doh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 41000, serverPort: 8053 };

/** Deterministic base32 labels, as a tunnel encodes data. */
const label = (seed: number, length: number): string => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let x = seed * 2_654_435_761;
  let out = '';
  for (let i = 0; i < length; i++) {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    out += alphabet[(x >>> 16) % 32];
  }
  return out;
};

const answer = 'HTTP/1.1 200 OK\r\nContent-Type: application/dns-message\r\nContent-Length: 0\r\n\r\n';

const inspect = async (messages: Message[]) => {
  const file = join(dir, `${messages.length}-${Math.random().toString(36).slice(2)}.pcap`);
  writeFileSync(file, writePcap(tcpConversation(endpoints, messages)).bytes);
  const { findings } = await inspectFile(file, { observers: defaultObservers() });
  const { flows, threats } = splitFindings(findings);
  return { threats, flow: flows[0] };
};

describe('DNS over HTTP through the engine', () => {
  it('tells a tunnel in DoH GETs and POSTs as dns-tunnel, lists the names, and reports the road', async () => {
    const messages: Message[] = [];
    for (let i = 0; i < 40; i++) {
      const query = dnsQuery(i, `${label(i, 60)}.${label(i + 500, 40)}.t.tunnel.example`, 16);
      const get = `GET /dns-query?dns=${Buffer.from(query).toString('base64url')} HTTP/1.1\r\nHost: r\r\n\r\n`;
      const post = `POST /dns-query HTTP/1.1\r\nHost: r\r\nContent-Type: application/dns-message\r\nContent-Length: ${query.length}\r\n\r\n`;
      messages.push(
        i % 2 === 0
          ? { from: 'client', data: get }
          : { from: 'client', data: Buffer.concat([Buffer.from(post), query]) },
        { from: 'server', data: answer },
      );
    }
    const { threats, flow } = await inspect(messages);
    expect(flow?.protocol).toBe('http');
    expect(flow?.l7?.dns?.queries?.[0]).toEqual({
      name: expect.stringMatching(/^[a-z2-7]{60}\.[a-z2-7]{40}\.t\.tunnel\.example$/),
      type: 'TXT',
    });
    expect(threats.find((t) => t.threat === 'dns-tunnel')?.evidence).toMatch(/under tunnel\.example$/);
    expect(threats.find((t) => t.threat === 'encrypted-dns')?.evidence).toMatch(
      /^DNS over HTTP for [a-z2-7.]+\.t\.tunnel\.example TXT to 10\.0\.0\.2:8053, read in plaintext$/,
    );
  });

  it('tells nothing of the kind for ordinary requests on the same port', async () => {
    const messages: Message[] = [];
    for (let i = 0; i < 40; i++)
      messages.push(
        { from: 'client', data: `GET /search?name=${label(i, 30)}&dns=no HTTP/1.1\r\nHost: r\r\n\r\n` },
        { from: 'server', data: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}' },
      );
    const { threats, flow } = await inspect(messages);
    expect(flow?.l7?.dns).toBeUndefined();
    expect(threats.filter((t) => t.threat === 'dns-tunnel' || t.threat === 'encrypted-dns')).toEqual([]);
  });
});
