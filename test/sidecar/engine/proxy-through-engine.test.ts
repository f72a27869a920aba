/**
 * A load balancer's PROXY header through the whole engine (ADR 25): read off the client's side before detection, so
 * the protocol inside is identified and parsed as if it were not there, and the flow and its threats name the client
 * the header gave. Without it, an ingress behind an AWS NLB showed `PROXY` as an HTTP method and hid the requests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PacketRecord } from '#sidecar/capture/packet-record.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { formatFindings } from '#sidecar/engine/format-findings.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { ascii, concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { wireSamples } from '#test/fixtures/protocols/wire-samples.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Message, tcpConversation } from './conversation.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-proxy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const balancer = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };
const v1 = 'PROXY TCP4 203.0.113.9 10.0.0.2 51234 8080\r\n';
const injection = "GET /search?q=1'%20OR%20'1'='1 HTTP/1.1\r\nHost: shop\r\nUser-Agent: sqlmap/1.7\r\n\r\n";
const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

let n = 0;
const inspect = async (records: PacketRecord[]) => {
  const file = join(dir, `c${n++}.pcap`);
  writeFileSync(file, writePcap(records).bytes);
  const { findings } = await inspectFile(file, { observers: defaultObservers() });
  return {
    ...splitFindings(findings),
    table: formatFindings(findings).join('\n'),
  };
};
const conversation = (messages: Message[]) => inspect(tcpConversation(balancer, messages));

describe('a PROXY header before the client bytes', () => {
  it('is read off: the HTTP inside is parsed, SQL injection found, and both name the client behind the balancer', async () => {
    const { flows, threats, table } = await conversation([
      { from: 'client', data: `${v1}${injection}` },
      { from: 'server', data: ok },
    ]);
    expect(flows).toHaveLength(1);
    expect(flows[0]).toMatchObject({
      protocol: 'http',
      client: { ip: '10.0.0.1', port: 40000 },
      proxy: {
        version: 1,
        client: { ip: '203.0.113.9', port: 51234 },
        server: { ip: '10.0.0.2', port: 8080 },
      },
      l7: { http: { methods: ['GET'], paths: ['/search'], userAgents: ['sqlmap/1.7'] } },
    });
    const sqli = threats.find((t) => t.threat === 'sql-injection');
    expect(sqli?.origin).toEqual({ ip: '203.0.113.9', port: 51234 });
    expect(sqli?.client).toEqual({ ip: '10.0.0.1', port: 40000 });
    expect(table).toContain('203.0.113.9:51234 via 10.0.0.1:40000 → 10.0.0.2:8080');
  });

  it('reads the same whether the header comes alone, split in three, or with the request', async () => {
    const splits: Message[][] = [
      [
        { from: 'client', data: v1 },
        { from: 'client', data: injection },
      ],
      [
        { from: 'client', data: v1.slice(0, 3) },
        { from: 'client', data: v1.slice(3, 30) },
        { from: 'client', data: `${v1.slice(30)}${injection}` },
      ],
      [{ from: 'client', data: `${v1}${injection}` }],
    ];
    for (const messages of splits) {
      const { flows, threats } = await conversation([...messages, { from: 'server', data: ok }]);
      expect(flows[0]?.l7?.http?.methods).toEqual(['GET']);
      expect(flows[0]?.proxy?.client?.ip).toBe('203.0.113.9');
      expect(threats.map((t) => t.threat)).toContain('sql-injection');
    }
  });

  it('lets a version 2 header through to the TLS ClientHello, with the TLVs the balancer added', async () => {
    const hello = wireSamples.find((s) => s.protocol === 'tls' && s.direction === 'to-server')?.bytes;
    const authority = ascii('api.example.com');
    const byte = (n: number) => n.toString(16).padStart(2, '0');
    const tlvs = concat(hex(`02 00${byte(authority.length)}`), authority);
    const addresses = hex('c6336407 0a000002 d431 01bb'); // 198.51.100.7:54321 → 10.0.0.2:443
    const header = concat(
      hex(`0d0a0d0a000d0a515549540a 21 11 00${byte(addresses.length + tlvs.length)}`),
      addresses,
      tlvs,
    );
    const { flows } = await conversation([
      { from: 'client', data: concat(header, hello ?? new Uint8Array()) },
    ]);
    expect(flows[0]).toMatchObject({
      protocol: 'tls',
      tls: { sni: 'api.example.com' },
      proxy: {
        version: 2,
        command: 'proxy',
        client: { ip: '198.51.100.7', port: 54321 },
        authority: 'api.example.com',
      },
    });
  });

  it("names no client for a balancer's LOCAL health check, and still reads what follows", async () => {
    const local = hex('0d0a0d0a000d0a515549540a 20 00 0000');
    const { flows } = await conversation([
      { from: 'client', data: concat(local, ascii('GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n')) },
      { from: 'server', data: ok },
    ]);
    expect(flows[0]).toMatchObject({
      protocol: 'http',
      proxy: { command: 'local' },
      l7: { http: { paths: ['/healthz'] } },
    });
    expect(flows[0]?.proxy?.client).toBeUndefined();
  });

  it('leaves a broken header where it is and says why, and a flow that ends inside one', async () => {
    const broken = await conversation([
      { from: 'client', data: `PROXY TCP4 203.0.113.999 10.0.0.2 51234 8080\r\n${injection}` },
      { from: 'server', data: ok },
    ]);
    expect(broken.flows[0]?.proxy).toBeUndefined();
    expect(broken.flows[0]?.notes).toContain('PROXY header not read: bad TCP4 addresses');
    const cut = await conversation([{ from: 'client', data: 'PROXY TCP4 203.0.113.9 10.0' }]);
    expect(cut.flows[0]).toMatchObject({
      protocol: 'unknown',
      evidence: { toServer: expect.stringMatching(/^50524f5859/) },
    });
    expect(cut.flows[0]?.notes).toContain(
      'PROXY header not read: the connection ended inside its PROXY header',
    );
  });

  /** 25 refused logins through one peer, each connection's PROXY header naming `originOf(i)`. */
  const refusedLogins = async (originOf: (i: number) => string) => {
    const login = 'POST /login HTTP/1.1\r\nHost: shop\r\nContent-Length: 0\r\n\r\n';
    const refused = 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n';
    const records = Array.from({ length: 25 }, (_, i) => {
      const header = `PROXY TCP4 ${originOf(i)} 10.0.0.2 ${50000 + i} 8080\r\n`;
      return tcpConversation(
        { ...balancer, clientPort: 40000 + i },
        [
          { from: 'client', data: `${header}${login}` },
          { from: 'server', data: refused },
        ],
        { start: 1_700_000_000_000 + i * 1000 },
      );
    }).flat();
    const { threats } = await inspect(records);
    return threats
      .filter((t) => t.threat === 'http-auth-brute-force')
      .map((t) => [t.origin?.ip ?? 'no origin', t.client.ip, t.evidence]);
  };

  it('tells callers behind one balancer apart: 22 refused logins from one client are guessing, 3 from another are not', async () => {
    // The peer's own count (the balancer's, 25) stands beside the origin's: a header is the balancer's word.
    expect(await refusedLogins((i) => (i % 8 === 7 ? '198.51.100.7' : '203.0.113.9'))).toEqual([
      ['no origin', '10.0.0.1', expect.stringMatching(/^2\d refused requests within 60000 ms \(401 ×2\d\)$/)],
      [
        '203.0.113.9',
        '10.0.0.1',
        expect.stringMatching(/^2[0-2] refused requests within 60000 ms \(401 ×2[0-2]\)$/),
      ],
    ]);
  });

  it('does not let a guesser hide behind forged headers: 25 refused logins, each naming a new origin, are still its own', async () => {
    expect(await refusedLogins((i) => `192.0.2.${i + 1}`)).toEqual([
      ['no origin', '10.0.0.1', expect.stringMatching(/^2\d refused requests within 60000 ms/)],
    ]);
  });

  it('reads a header only at the start: the same line later in a connection is data', async () => {
    const { flows } = await conversation([
      { from: 'client', data: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' },
      { from: 'server', data: ok },
      { from: 'client', data: `${v1}GET /x HTTP/1.1\r\nHost: a\r\n\r\n` },
    ]);
    expect(flows[0]?.proxy).toBeUndefined();
    expect(flows[0]?.protocol).toBe('http');
  });
});
