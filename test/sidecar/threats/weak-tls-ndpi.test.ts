/**
 * Cipher suites in real TLS 1.2 handshakes, side by side with nDPI: node:tls servers that accept one OpenSSL cipher
 * each (strong ones, RSA key transport, NULL encryption, anonymous DH), recorded through the loopback relay into one
 * pcap that our engine and Debian's ndpiReader both read. Both must name the same suite; wherever nDPI raises its
 * "Weak TLS Cipher" risk, weak-tls must report the suite too. We report more than nDPI 4.2 (its list has no NULL or
 * anonymous suites), and the test records where.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { ndpiAvailable, ndpiSkipNote, ndpiTcpLines } from '#test/helpers/ndpi-reader.ts';
import { splitFindings, threatsBy } from '#test/helpers/split-findings.ts';
import { recordedConversations } from '../engine/conversation.ts';
import type { RecordedChunk } from '../protocols/loopback-recorder.ts';
import { recordTlsConnection } from '../protocols/tls-recording.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-ciphers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** OpenSSL's cipher name, the IANA name both tools must print, and whether weak-tls must report it. */
const suites: readonly [openssl: string, iana: string, weak: boolean][] = [
  ['ECDHE-RSA-AES128-GCM-SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', false],
  ['DHE-RSA-AES256-GCM-SHA384', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', false],
  ['ECDHE-RSA-CHACHA20-POLY1305', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', false],
  ['AES128-SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA', true],
  ['AES256-GCM-SHA384', 'TLS_RSA_WITH_AES_256_GCM_SHA384', true],
  ['CAMELLIA128-SHA', 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA', true],
  ['NULL-SHA256', 'TLS_RSA_WITH_NULL_SHA256', true],
  ['ADH-AES128-GCM-SHA256', 'TLS_DH_anon_WITH_AES_128_GCM_SHA256', true],
];
const portOf = (i: number) => 9443 + i;

const handshake = async (cipher: string, key: Buffer, cert: Buffer): Promise<RecordedChunk[]> => {
  const ciphers = `${cipher}:@SECLEVEL=0`;
  return recordTlsConnection(
    { key, cert, maxVersion: 'TLSv1.2', ciphers, dhparam: 'auto' },
    { maxVersion: 'TLSv1.2', ciphers },
  );
};

describe.skipIf(!ndpiAvailable())(
  `cipher suites in real TLS 1.2 handshakes, against nDPI${ndpiSkipNote()}`,
  () => {
    let flows: FlowFinding[] = [];
    let weak: ThreatFinding[] = [];
    let ndpiLines: string[] = [];

    beforeAll(async () => {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          'k.pem',
          '-out',
          'c.pem',
          '-days',
          '90',
          '-subj',
          '/CN=api.shop.local',
        ],
        { cwd: dir, stdio: 'ignore' },
      );
      const key = readFileSync(join(dir, 'k.pem'));
      const cert = readFileSync(join(dir, 'c.pem'));
      const start = Date.now();
      const records = [];
      for (const [i, [cipher]] of suites.entries()) {
        const chunks = await handshake(cipher, key, cert);
        const endpoints = {
          client: '10.0.5.2',
          server: '10.0.5.9',
          clientPort: 42000 + i,
          serverPort: portOf(i),
        };
        records.push(...recordedConversations(chunks, () => endpoints, start + i * 1000));
      }
      const pcap = join(dir, 'ciphers.pcap');
      writeFileSync(pcap, writePcap(records).bytes);
      const findings = (await inspectFile(pcap, { observers: defaultObservers() })).findings;
      flows = splitFindings(findings).flows;
      weak = threatsBy(findings, 'weak-tls');
      ndpiLines = ndpiTcpLines(pcap);
    }, 60_000);

    const ndpiLine = (port: number) => ndpiLines.find((l) => l.includes(`:${port} `)) ?? '';

    it('names the suite each server chose, as nDPI does', () => {
      const ours = suites.map((_, i) => flows.find((f) => f.server.port === portOf(i))?.l7?.tls?.cipher);
      const theirs = suites.map((_, i) => /\[Cipher: ([^\]]+)\]/.exec(ndpiLine(portOf(i)))?.[1]);
      expect(ours).toEqual(suites.map(([, iana]) => iana));
      // nDPI spells IANA's `TLS_DH_anon_` in capitals.
      expect(theirs.map((name) => name?.toUpperCase())).toEqual(ours.map((name) => name?.toUpperCase()));
    });

    it('reports every suite nDPI calls weak, and the NULL and anonymous ones nDPI 4.2 does not list', () => {
      const rows = suites.map(([, iana, expected], i) => ({
        iana,
        expected,
        ours: weak.some((t) => t.server.port === portOf(i) && t.evidence.includes(iana)),
        ndpi: ndpiLine(portOf(i)).includes('Weak TLS Cipher'),
      }));
      expect(rows.filter((r) => r.ndpi && !r.ours)).toEqual([]);
      expect(rows.map((r) => [r.iana, r.ours])).toEqual(rows.map((r) => [r.iana, r.expected]));
      // Where we go further than nDPI 4.2, named so a change on either side shows here.
      expect(rows.filter((r) => r.ours && !r.ndpi).map((r) => r.iana)).toEqual([
        'TLS_RSA_WITH_NULL_SHA256',
        'TLS_DH_anon_WITH_AES_128_GCM_SHA256',
      ]);
    });
  },
);
