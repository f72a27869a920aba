/**
 * Certificates in real TLS 1.2 handshakes, side by side with nDPI: certificates made by `openssl` (a CA, a valid leaf,
 * a self-signed one, an expired one, one for another name, one with a 1024-bit key signed with SHA-1 by the EC CA), each served by
 * a node:tls server through the loopback recorder to a client that asks for `api.shop.local`. The recorded bytes
 * become one pcap that our engine (with its detectors) and Debian's ndpiReader both read: the certificate facts,
 * JA3S and the problems each reports must agree wherever nDPI judges the same thing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateSummary, FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { ndpiAvailable, ndpiSkipNote, ndpiTcpLines } from '#test/helpers/ndpi-reader.ts';
import { splitFindings, threatsBy } from '#test/helpers/split-findings.ts';
import { recordedConversations } from '../engine/conversation.ts';
import type { RecordedChunk } from '../protocols/loopback-recorder.ts';
import { recordTlsConnection } from '../protocols/tls-recording.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-certs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });

const caConfig = `[ca]
default_ca = shop
[shop]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[any]
commonName = supplied
`;

type Case = {
  name: string;
  port: number;
  key: string[];
  san: string;
  selfSigned?: boolean;
  dates?: string[];
  md?: string;
};
const cases: Case[] = [
  {
    name: 'valid',
    port: 8443,
    key: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    san: 'api.shop.local',
  },
  {
    name: 'self-signed',
    port: 8444,
    key: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    san: 'api.shop.local',
    selfSigned: true,
  },
  {
    name: 'expired',
    port: 8445,
    key: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    san: 'api.shop.local',
    dates: ['-startdate', '20200101000000Z', '-enddate', '20210101000000Z'],
  },
  {
    name: 'other name',
    port: 8446,
    key: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    san: 'billing.shop.local',
  },
  { name: 'weak', port: 8447, key: ['-newkey', 'rsa:1024'], san: 'api.shop.local', md: 'sha1' },
];

/** Makes the CA, then each case's key and certificate: `openssl req -x509` when self-signed, else `openssl ca`. */
const makeCertificates = (): void => {
  writeFileSync(join(dir, 'ca.cnf'), caConfig);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '90',
    '-subj',
    '/O=Shop/CN=Shop Root CA',
  ]);
  cases.forEach((c, i) => {
    const subject = `/O=Shop/CN=${c.san}`;
    const san = `subjectAltName=DNS:${c.san}`;
    if (c.selfSigned) {
      openssl([
        'req',
        '-x509',
        ...c.key,
        '-nodes',
        '-keyout',
        `${i}.key`,
        '-out',
        `${i}.pem`,
        '-days',
        '90',
        '-subj',
        subject,
        '-addext',
        san,
      ]);
      return;
    }
    openssl([
      'req',
      '-new',
      ...c.key,
      '-nodes',
      '-keyout',
      `${i}.key`,
      '-out',
      `${i}.csr`,
      '-subj',
      subject,
      '-addext',
      san,
    ]);
    const validity = c.dates ?? ['-days', '90'];
    openssl([
      'ca',
      '-config',
      'ca.cnf',
      '-batch',
      '-notext',
      '-cert',
      'ca.pem',
      '-keyfile',
      'ca.key',
      '-in',
      `${i}.csr`,
      '-out',
      `${i}.pem`,
      '-md',
      c.md ?? 'sha256',
      ...validity,
    ]);
  });
};

/** One TLS 1.2 connection per case through the recorder; the chunks of each, by case index. */
const handshakes = async (): Promise<RecordedChunk[][]> => {
  const out: RecordedChunk[][] = [];
  for (const [i] of cases.entries()) {
    const chain =
      readFileSync(join(dir, `${i}.pem`), 'utf8') +
      (cases[i]?.selfSigned ? '' : readFileSync(join(dir, 'ca.pem'), 'utf8'));
    // SECLEVEL=0 lets OpenSSL 3 serve the 1024-bit key and the SHA-1 signature the weak case needs.
    const key = readFileSync(join(dir, `${i}.key`));
    const ciphers = 'DEFAULT@SECLEVEL=0';
    out.push(await recordTlsConnection({ key, cert: chain, maxVersion: 'TLSv1.2', ciphers }, { ciphers }));
  }
  return out;
};

type Row = { name: string; ours: string[]; ndpi: string[] };

describe.skipIf(!ndpiAvailable())(
  `certificates in real TLS 1.2 handshakes, against nDPI${ndpiSkipNote()}`,
  () => {
    const pcap = join(dir, 'certificates.pcap');
    let flows: FlowFinding[] = [];
    let threats: ThreatFinding[] = [];
    let ndpiLines: string[] = [];

    beforeAll(async () => {
      makeCertificates();
      const recorded = await handshakes();
      const start = Date.now();
      const records = recorded.flatMap((chunks, i) =>
        recordedConversations(
          chunks,
          () => ({
            client: '10.0.4.2',
            server: '10.0.4.9',
            clientPort: 41000 + i,
            serverPort: cases[i]?.port ?? 0,
          }),
          start + i * 1000,
        ),
      );
      writeFileSync(pcap, writePcap(records).bytes);
      const findings = (await inspectFile(pcap, { observers: defaultObservers() })).findings;
      flows = splitFindings(findings).flows;
      threats = threatsBy(findings, 'tls-certificate');
      ndpiLines = ndpiTcpLines(pcap);
    }, 60_000);

    const certificateOf = (port: number): CertificateSummary | undefined =>
      flows.find((f) => f.server.port === port)?.l7?.tls?.certificate;
    const ndpiLine = (port: number) => ndpiLines.find((l) => l.includes(`:${port} `)) ?? '';
    const field = (line: string, name: string) => new RegExp(`\\[${name}: ([^\\]]+)\\]`).exec(line)?.[1];

    it('reads the certificate nDPI reads: SHA-1 fingerprint, validity and the issuer name, and the same JA3S', () => {
      for (const c of cases) {
        const ours = certificateOf(c.port);
        const line = ndpiLine(c.port);
        expect(ours?.sha1, c.name).toBe(field(line, 'Certificate SHA-1'));
        const [from, to] = (field(line, 'Validity') ?? '').split(' - ');
        expect([ours?.notBefore, ours?.notAfter], c.name).toEqual([
          new Date(`${from}Z`).toISOString(),
          new Date(`${to}Z`).toISOString(),
        ]);
        expect(ours?.issuer, c.name).toContain(field(line, 'Issuer') ?? 'no issuer from nDPI');
        const ja3s = flows.find((f) => f.server.port === c.port)?.l7?.tls?.ja3sHash;
        expect(field(line, 'JA3S')?.split(' ')[0], c.name).toBe(ja3s);
      }
    });

    it('reports what nDPI reports (self-signed, expired, name mismatch), and the weak key and signature it does not', () => {
      // nDPI 4.2 (Debian 12) names; later releases say 'TLS Cert Expired' and 'TLS Cert Mismatch'.
      const problems: [string, RegExp][] = [
        ['Self-signed Certificate', /self-signed/],
        ['TLS Expired Certificate', /expired on/],
        ['TLS Certificate Mismatch', /does not cover/],
      ];
      const rows: Row[] = cases.map((c) => {
        const evidence = threats.find((t) => t.server.port === c.port)?.evidence ?? '';
        const risks = ndpiLine(c.port);
        return {
          name: c.name,
          ours: problems.filter(([, ours]) => ours.test(evidence)).map(([risk]) => risk),
          ndpi: problems.filter(([risk]) => risks.includes(risk)).map(([risk]) => risk),
        };
      });
      expect(rows.map((r) => [r.name, r.ours])).toEqual(rows.map((r) => [r.name, r.ndpi]));
      expect(rows.map((r) => [r.name, r.ours])).toEqual([
        ['valid', []],
        ['self-signed', ['Self-signed Certificate']],
        ['expired', ['TLS Expired Certificate']],
        ['other name', ['TLS Certificate Mismatch']],
        ['weak', []],
      ]);
      expect(threats.find((t) => t.server.port === 8447)?.evidence).toMatch(
        /certificate signed with ecdsa-with-SHA1; rsa key of 1024 bits \(CN=api.shop.local, issued by CN=Shop Root CA\)$/,
      );
      expect(threats.find((t) => t.server.port === 8443)).toBeUndefined();
    });

    it('summarises each certificate in the flow finding', () => {
      expect(certificateOf(8443)).toMatchObject({
        // `openssl ca` keeps only the fields its policy names (commonName).
        subject: 'CN=api.shop.local',
        issuer: 'O=Shop, CN=Shop Root CA',
        names: ['api.shop.local'],
        keyType: 'ec',
        keyBits: 256,
        signature: 'ecdsa-with-SHA256',
        selfSigned: false,
        chain: 2,
      });
      expect(certificateOf(8444)).toMatchObject({ selfSigned: true, chain: 1 });
    });
  },
);
