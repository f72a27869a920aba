/**
 * The PROXY protocol over UDP from real software: PowerDNS's dnsdist 1.7 (`useProxyProtocol`) in front of a resolver,
 * in a network namespace the test creates. dnsdist puts a version 2 DGRAM header before each query it relays; the
 * resolver (test/helpers/proxied-dns.py) reads it off and answers. The loopback is captured with tcpdump and read by
 * the engine: the relayed flow is DNS with the query name, and names the client the headers gave.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createNetns, type Netns, netnsUnavailable, waitForUdp } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';

const unavailable = netnsUnavailable(['tcpdump', 'ss', 'dnsdist', 'python3']);

/** dnsdist on 127.0.0.1:5300, relaying to the resolver on 127.0.0.2:53 with a PROXY v2 header on each query. */
const dnsdistConf = [
  "setLocal('127.0.0.1:5300')",
  "newServer({address='127.0.0.2:53', useProxyProtocol=true})",
  "setSecurityPollSuffix('')",
  '',
].join('\n');

describe.skipIf(unavailable !== undefined)(
  `PROXY v2 over UDP from dnsdist${unavailable === undefined ? '' : ` (skipped: ${unavailable}; apt-get install dnsdist tcpdump)`}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshward-proxy-udp-real-'));
    let ns: Netns | undefined;
    let flows: FlowFinding[] = [];
    let heard = '';
    let said = '';

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    beforeAll(async () => {
      ns = createNetns('mwppudp');
      const conf = join(dir, 'dnsdist.conf');
      writeFileSync(conf, dnsdistConf);
      const resolver = ns.spawn('python3', ['-u', 'test/helpers/proxied-dns.py', 'serve', '127.0.0.2', '53']);
      resolver.stdout?.on('data', (chunk: Buffer) => {
        heard += chunk.toString();
      });
      await waitForUdp(ns, '127.0.0.2', 53);
      ns.spawn('dnsdist', ['--supervised', '--disable-syslog', '-C', conf]);
      await waitForUdp(ns, '127.0.0.1', 5300);
      const pcap = join(dir, 'proxied.pcap');
      const tcpdump = await captureInNamespace(ns, pcap, 'udp');
      said = ns.exec('python3', [
        'test/helpers/proxied-dns.py',
        'query',
        '127.0.0.1',
        '5300',
        'shop.example.test',
      ]);
      await stopTcpdump(tcpdump);
      const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
      flows = splitFindings(findings).flows;
    }, 60_000);

    it('reads the relayed flow as DNS with the header off, naming the client the header gave', () => {
      // The resolver heard the client through dnsdist's header, and the client got its answer.
      const client = /^from (127\.0\.0\.1):(\d+) shop\.example\.test$/m.exec(heard);
      expect(said.trim()).toBe('answer 10.0.0.80');
      // dnsdist's health checks reach the resolver too, each from its own socket under a LOCAL header, and may come
      // first: the relayed query's flow is the one whose header names a client.
      const toResolver = flows.filter((f) => f.server.ip === '127.0.0.2' && f.server.port === 53);
      const relayed = toResolver.find((f) => f.proxy?.command === 'proxy');
      for (const check of toResolver.filter((f) => f !== relayed))
        expect(check.proxy).toMatchObject({ command: 'local', transport: 'unknown' });
      expect(relayed).toMatchObject({
        transport: 'udp',
        protocol: 'dns',
        proxy: { version: 2, transport: 'udp', client: { ip: client?.[1], port: Number(client?.[2]) } },
      });
      expect(relayed?.l7?.dns?.queries).toContainEqual({ name: 'shop.example.test', type: 'A' });
    });
  },
);
