/**
 * The PROXY protocol over UDP through the whole engine: a proxy relaying DNS puts a version 2 DGRAM header before each
 * datagram, so the flow is detected and read as DNS with the header off, and names the client the header gave.
 * Before: only a TCP flow's header was read, and these datagrams were `unknown`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { formatFindings } from '#sidecar/engine/format-findings.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { concat } from '#test/fixtures/protocols/protocol-harness.ts';
import { proxyV2Dgram4 } from '#test/fixtures/protocols/proxy-v2-datagram.ts';
import { dnsAnswer, dnsQuery } from '#test/fixtures/protocols/socks-udp-datagrams.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { udpExchange } from './conversation.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-proxy-udp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const balancer = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 53 };
const header = proxyV2Dgram4([203, 0, 113, 9], 5353, [10, 0, 0, 2], 53);

describe('PROXY v2 headers on datagrams', () => {
  it('are read off each datagram: the DNS inside is read, and the flow names the client behind', async () => {
    const file = join(dir, 'dns.pcap');
    const records = udpExchange(balancer, [
      { from: 'client', data: concat(header, dnsQuery(1, 'first.example.com')) },
      { from: 'server', data: dnsAnswer(1, 'first.example.com', [10, 0, 0, 80]) },
      { from: 'client', data: concat(header, dnsQuery(2, 'second.example.com')) },
    ]);
    writeFileSync(file, writePcap(records).bytes);
    const { findings } = await inspectFile(file, { observers: defaultObservers() });
    const [flow] = splitFindings(findings).flows;
    expect(flow).toMatchObject({
      transport: 'udp',
      protocol: 'dns',
      proxy: { version: 2, transport: 'udp', client: { ip: '203.0.113.9', port: 5353 } },
      l7: {
        dns: {
          queries: [
            { name: 'first.example.com', type: 'A' },
            { name: 'second.example.com', type: 'A' },
          ],
        },
      },
    });
    expect(formatFindings(findings).join('\n')).toContain('203.0.113.9:5353 via 10.0.0.1:40000');
  });
});
