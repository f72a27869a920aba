/**
 * A pod talking to the cluster's etcd, for real: Debian's etcd (3.4, plaintext client URLs, as a cluster that never
 * turned on client certificates) in a "node" namespace and etcdctl in a "pod" namespace, one etcd client port per
 * scenario so each is its own finding: state written (32379), Secrets dumped (2379), pods listed (22379), a snapshot
 * taken (12379), and an app's own keys (42379, left alone). Captured with tcpdump as the tap captures, read by our
 * engine and, side by side, by ndpiReader.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { createKernelLab, type KernelLab } from '#test/helpers/kernel-lab.ts';
import { ndpiAvailable, ndpiReport, parseNdpiFlows } from '#test/helpers/ndpi-reader.ts';
import { netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { splitFindings, threatsBy } from '#test/helpers/split-findings.ts';

const unavailable =
  netnsUnavailable(['tcpdump', 'ss', 'etcd', 'etcdctl']) ??
  (ndpiAvailable() ? undefined : 'ndpiReader is not installed (apt-get install libndpi-bin)');

const node = '10.46.0.1';
const ports = { secrets: 2379, pods: 22379, writes: 32379, snapshot: 12379, app: 42379 } as const;
const etcdctl = (port: number, ...args: string[]) => ['--endpoints', `http://${node}:${port}`, ...args];

describe.skipIf(unavailable !== undefined)(
  `a pod talking to the cluster's etcd, against nDPI${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let lab: KernelLab | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-etcd-'));
    let found: ThreatFinding[] = [];
    let flows: FlowFinding[] = [];
    let dumped = '';
    let ndpiText = '';

    afterAll(() => {
      lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    beforeAll(async () => {
      lab = createKernelLab({ prefix: 'mwe', server: node, client: '10.46.0.2' });
      const urls = Object.values(ports)
        .map((port) => `http://${node}:${port}`)
        .join(',');
      lab.serverNs.spawn('etcd', [
        ...['--name', 'node1', '--data-dir', join(dir, 'etcd'), '--listen-client-urls', urls],
        ...['--advertise-client-urls', `http://${node}:${ports.secrets}`],
        ...[
          '--listen-peer-urls',
          'http://127.0.0.1:2380',
          '--initial-advertise-peer-urls',
          'http://127.0.0.1:2380',
        ],
        ...['--initial-cluster', 'node1=http://127.0.0.1:2380', '--log-level', 'error'],
      ]);
      for (const port of Object.values(ports)) await waitForListen(lab.serverNs, port);
      const pcap = join(dir, 'etcd.pcap');
      const stop = await lab.capture(pcap, 'tcp', lab.serverDev);
      const pod = (port: number, ...args: string[]) =>
        lab?.clientNs.exec('etcdctl', etcdctl(port, ...args)) ?? '';
      pod(ports.writes, 'put', '/registry/secrets/default/db-password', 'k8s-secret-not-real');
      pod(ports.writes, 'put', '/registry/pods/default/web', 'k8s-pod');
      dumped = pod(ports.secrets, 'get', '--prefix', '/registry/secrets');
      pod(ports.pods, 'get', '--prefix', '--keys-only', '/registry/pods');
      pod(ports.snapshot, 'snapshot', 'save', join(dir, 'stolen.db'));
      pod(ports.app, 'put', '/apisix/routes/1', '{"uri":"/"}');
      pod(ports.app, 'get', '/apisix/routes/1');
      await stop();
      const { findings } = await inspectFile(pcap, { observers: [createThreatRunner()] });
      flows = splitFindings(findings).flows;
      found = threatsBy(findings, 'etcd-access');
      ndpiText = ndpiReport(pcap);
    }, 120_000);

    const on = (port: number) => found.filter((f) => f.server.port === port);

    it('etcdctl did what it was asked: the Secret came back', () => {
      expect(dumped).toContain('k8s-secret-not-real');
      expect(new Set(flows.filter((f) => f.server.ip === node).map((f) => f.protocol))).toEqual(
        new Set(['grpc']),
      );
    });

    it('reports the Secrets dump and the writes at critical, each once, naming the keys', () => {
      expect(on(ports.secrets)).toHaveLength(1);
      expect(on(ports.secrets)[0]).toMatchObject({ severity: 'critical', confidence: 1 });
      expect(on(ports.secrets)[0]?.evidence).toBe(
        `read Secrets: /registry/secrets* (KV/Range) in etcd at ${node}:${ports.secrets}: past RBAC and the audit log`,
      );
      expect(on(ports.writes)).toHaveLength(1);
      expect(on(ports.writes)[0]).toMatchObject({ severity: 'critical', count: 2 });
      expect(on(ports.writes)[0]?.evidence).toContain('wrote /registry/secrets/default/db-password (KV/Put)');
    });

    it('reports the pods listed and the snapshot at high, and leaves the app keys alone', () => {
      expect(on(ports.pods).map((f) => [f.severity, f.evidence])).toEqual([
        [
          'high',
          `read /registry/pods* (KV/Range) in etcd at ${node}:${ports.pods}: past RBAC and the audit log`,
        ],
      ]);
      expect(on(ports.snapshot).map((f) => f.severity)).toEqual(['high']);
      expect(on(ports.snapshot)[0]?.evidence).toContain('took a snapshot of the whole database');
      expect(on(ports.app)).toEqual([]);
    });

    it('nDPI 4.2 leaves every etcd connection Unknown (its gRPC over cleartext HTTP/2 included), with no risk', () => {
      const etcdFlows = parseNdpiFlows(ndpiText).filter(
        (f) => f.b.startsWith(`${node}:`) || f.a.startsWith(`${node}:`),
      );
      console.log(
        `nDPI on etcd:\n${etcdFlows.map((f) => `${f.a} ${f.b} ${f.master}.${f.app} ${f.confidence} [${f.risks.join(', ')}]`).join('\n')}`,
      );
      expect(etcdFlows.length).toBeGreaterThan(0);
      expect(new Set(etcdFlows.map((f) => f.app))).toEqual(new Set(['Unknown']));
      expect(etcdFlows.flatMap((f) => f.risks)).toEqual([]);
    });
  },
);
