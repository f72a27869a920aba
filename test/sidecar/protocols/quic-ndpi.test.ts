/**
 * QUIC side by side with nDPI (Debian's ndpiReader, installed by .ci/run): the RFC test-vector Initials and packets
 * built with the test sealer, written to a pcap, read by both. Where nDPI says QUIC, we must say quic with the same
 * SNI and JA3 client hash; nDPI 4.2 predates QUIC version 2 (RFC 9369), which we read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { hex, hexFixture } from '#test/fixtures/protocols/protocol-harness.ts';
import { wireSamples } from '#test/fixtures/protocols/wire-samples.ts';
import { ndpiAvailable, ndpiReport, ndpiSkipNote, parseNdpiFlows } from '#test/helpers/ndpi-reader.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { udpExchange } from '../engine/conversation.ts';
import { cryptoFrame, sealInitial } from './quic-seal.ts';

const serverInitial = hex(
  'cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc42158407dd074ee',
);
const nodeHello = (
  wireSamples.find((s) => s.protocol === 'tls' && s.direction === 'to-server')?.bytes ?? hex('')
).subarray(5);
const dcid = hex('0123456789abcdef');
const half = Math.floor(nodeHello.length / 2);
const seal = (payload: Uint8Array, packetNumber: number) =>
  sealInitial(payload, { clientDcid: dcid, dcid, side: 'client', packetNumber, padTo: 1200 });

const flows = [
  {
    port: 4433,
    version: 'v1 (RFC 9001 A.2, A.3)',
    packets: [hexFixture('quic-rfc9001-client-initial.hex'), serverInitial],
  },
  { port: 4434, version: 'v2 (RFC 9369 A.2)', packets: [hexFixture('quic-rfc9369-client-initial.hex')] },
  {
    port: 4435,
    version: 'v1, a ClientHello over two packets',
    packets: [
      seal(cryptoFrame(nodeHello.subarray(0, half)), 0),
      seal(cryptoFrame(nodeHello.subarray(half), half), 1),
    ],
  },
];

describe.skipIf(!ndpiAvailable())(`quic against nDPI${ndpiSkipNote()}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshward-quic-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pcap = join(dir, 'quic.pcap');
  writeFileSync(
    pcap,
    writePcap(
      flows.flatMap(({ port, packets }, i) =>
        udpExchange(
          { client: '10.0.3.4', server: '10.0.9.9', clientPort: 50000 + i, serverPort: port },
          packets.map((data, n) => ({ from: n === 1 && port === 4433 ? 'server' : 'client', data })),
          1_700_000_000_000 + i * 1000,
        ),
      ),
    ).bytes,
  );

  it('agrees with nDPI on every flow nDPI calls QUIC (SNI and JA3), and reads version 2, which nDPI 4.2 does not', async () => {
    const ndpiText = ndpiReport(pcap);
    const ndpi = parseNdpiFlows(ndpiText);
    const ours = splitFindings((await inspectFile(pcap)).findings).flows;
    const rows = flows.map(({ port, version }) => {
      const line = ndpiText.split('\n').find((l) => l.includes(`:${port} `));
      const mine = ours.find((f) => f.server.port === port);
      const tls = (mine?.l7 as { tls?: { ja3Hash?: string } } | undefined)?.tls;
      return {
        version,
        ndpi: ndpi.find((f) => f.b.endsWith(`:${port}`))?.master,
        ndpiSni: /\[Hostname\/SNI: ([^\]]+)\]/.exec(line ?? '')?.[1],
        ndpiJa3: /\[JA3C: ([0-9a-f]+)\]/.exec(line ?? '')?.[1],
        meshward: mine?.protocol,
        sni: mine?.tls?.sni,
        ja3: tls?.ja3Hash,
      };
    });
    console.log(
      rows
        .map((r) => `| ${r.version} | nDPI ${r.ndpi} ${r.ndpiSni} | meshward ${r.meshward} ${r.sni} |`)
        .join('\n'),
    );
    expect(rows.map((r) => [r.meshward, r.sni])).toEqual([
      ['quic', 'example.com'],
      ['quic', 'example.com'],
      ['quic', 'api.example.com'],
    ]);
    const quicForNdpi = rows.filter((r) => r.ndpi === 'QUIC');
    expect(quicForNdpi.length).toBeGreaterThanOrEqual(2);
    for (const row of quicForNdpi) expect([row.sni, row.ja3]).toEqual([row.ndpiSni, row.ndpiJa3]);
  });
});
