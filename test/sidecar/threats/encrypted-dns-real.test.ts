/**
 * DNS over HTTPS, TLS and plain HTTP from real software, in a network namespace the test creates: PowerDNS's dnsdist
 * 1.7 answers DoH over plain HTTP (`addDOHLocal` without a certificate: what sits behind a TLS-ending proxy), DoT and
 * DoH over TLS; BIND 9.18's dig asks over HTTP/2 by POST and GET (`+http-plain`, `+http-plain-get`), over TLS
 * (`+tls`, which offers ALPN dot) and over HTTPS; curl asks by an HTTP/1.1 GET with the `dns` parameter. The loopback
 * is captured with tcpdump and read by the engine: names asked in plaintext are read as DNS (a tunnel's too), and
 * every road is reported by encrypted-dns.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { dnsQuery } from '#test/fixtures/protocols/socks-udp-datagrams.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { selfSignedCertArgs } from '#test/helpers/self-signed-cert.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';

const unavailable = netnsUnavailable(['tcpdump', 'ss', 'dnsdist', 'dig', 'curl', 'openssl']);

const conf = (dir: string) =>
  [
    "setLocal('127.0.0.1:5399')",
    "addDOHLocal('127.0.0.1:8053', nil, nil, '/dns-query')",
    `addTLSLocal('127.0.0.1:8853', '${dir}/cert.pem', '${dir}/key.pem')`,
    `addDOHLocal('127.0.0.1:8443', '${dir}/cert.pem', '${dir}/key.pem', '/dns-query')`,
    // Every question answered 192.0.2.7 by dnsdist itself: no resolver behind it is needed.
    "addAction(AllRule(), SpoofAction('192.0.2.7'))",
    "setSecurityPollSuffix('')",
    '',
  ].join('\n');

/** Base32 labels as a tunnel writes data into names. */
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

describe.skipIf(unavailable !== undefined)(
  `DNS over HTTPS, TLS and HTTP from dig, curl and dnsdist${unavailable === undefined ? '' : ` (skipped: ${unavailable}; apt-get install dnsdist bind9-dnsutils curl tcpdump)`}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshward-encrypted-dns-real-'));
    let ns: Netns | undefined;
    let flows: FlowFinding[] = [];
    let threats: ThreatFinding[] = [];
    const answers: string[] = [];

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    beforeAll(async () => {
      ns = createNetns('mwdoh');
      ns.exec('openssl', selfSignedCertArgs(`${dir}/key.pem`, `${dir}/cert.pem`, 'doh.test'));
      writeFileSync(join(dir, 'dnsdist.conf'), conf(dir));
      ns.spawn('dnsdist', ['--supervised', '--disable-syslog', '-C', join(dir, 'dnsdist.conf')]);
      for (const port of [8053, 8853, 8443]) await waitForListen(ns, port);
      const pcap = join(dir, 'dns.pcap');
      const tcpdump = await captureInNamespace(ns, pcap, 'tcp');
      try {
        const dig = (...args: string[]) =>
          ns?.exec('dig', ['@127.0.0.1', '+short', '+tries=1', ...args]) ?? '';
        answers.push(dig('+http-plain', '-p', '8053', 'post.example', 'A'));
        answers.push(dig('+http-plain-get', '-p', '8053', 'get.example', 'A'));
        const query = Buffer.from(dnsQuery(0x1234, 'curl.example')).toString('base64url');
        const url = `http://127.0.0.1:8053/dns-query?dns=${query}`;
        answers.push(
          ns.exec('curl', [
            '-s',
            '-o',
            '/dev/null',
            '-w',
            '%{http_code}',
            '-H',
            'accept: application/dns-message',
            url,
          ]),
        );
        answers.push(dig('+tls', '-p', '8853', 'dot.example', 'A'));
        answers.push(dig('+https', '-p', '8443', 'doh.example', 'A'));
        // A tunnel's worth of names in one dig over plain HTTP/2: data in base32 labels, as dnstt and iodine write it
        // (type A: dnsdist's spoofed answer is an address).
        const names = Array.from({ length: 30 }, (_, i) => [
          `${label(i, 50)}.${label(i + 99, 40)}.t.tunnel.example`,
          'A',
        ]);
        answers.push(dig('+http-plain', '-p', '8053', ...names.flat()));
      } finally {
        await stopTcpdump(tcpdump);
      }
      const runner = createThreatRunner({
        // dig names no server over TLS to an address: the test's resolver address stands for a public one.
        configs: { 'encrypted-dns': { resolverAddresses: ['127.0.0.1:8443'] } },
      });
      const { findings } = await inspectFile(pcap, { observers: [runner] });
      ({ flows, threats } = splitFindings(findings));
    }, 90_000);

    it('got real answers over every road', () => {
      expect(answers.slice(0, 2)).toEqual(['192.0.2.7\n', '192.0.2.7\n']);
      expect(answers[2]).toBe('200');
      expect(answers.slice(3, 5)).toEqual(['192.0.2.7\n', '192.0.2.7\n']);
    });

    it('reads the names asked over plain HTTP/2 and HTTP/1.1 as DNS, in the flows’ summaries', () => {
      const asked = flows.flatMap((f) =>
        (f.l7?.dns?.queries ?? []).map((q) => `${f.protocol} ${q.name} ${q.type}`),
      );
      expect(asked).toEqual(
        expect.arrayContaining(['http2 post.example A', 'http2 get.example A', 'http curl.example A']),
      );
    });

    it('reports each road: plaintext DoH by its name, DoT by ALPN dot, DoH over TLS by the resolver address', () => {
      const told = threats.filter((t) => t.threat === 'encrypted-dns').map((t) => t.evidence);
      expect(told).toEqual(
        expect.arrayContaining([
          'DNS over HTTP for post.example A to 127.0.0.1:8053, read in plaintext',
          'DNS over HTTP for get.example A to 127.0.0.1:8053, read in plaintext',
          'DNS over HTTP for curl.example A to 127.0.0.1:8053, read in plaintext',
          'DNS over TLS (ALPN dot) to 127.0.0.1:8853',
          'TLS naming no server to the public DNS resolver address 127.0.0.1:8443',
        ]),
      );
    });

    it('tells the tunnel in DoH as dns-tunnel, as it would on port 53', () => {
      const tunnel = threats.find((t) => t.threat === 'dns-tunnel');
      expect(tunnel?.evidence).toMatch(/unique subdomains .* under tunnel\.example$/);
    });
  },
);
