/**
 * External peers named by the DNS answers a pod saw: productpage's flows from the demo capture (real glibc
 * resolver and dnsmasq, demo/README.md) learned as the control plane learns them.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding, FlowFinding } from '#core/finding.ts';
import { describePeer } from '#functions/learn/describe-peer.ts';
import { learnConfigSchema } from '#functions/learn/learn-config.ts';
import { learnBatch } from '#functions/learn/run.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { heartbeat } from '../platform/factories.ts';

const capture = join(import.meta.dirname, '..', '..', '..', 'demo', 'capture.pcap');
const productpage = {
  namespace: 'bookinfo',
  name: 'productpage-v1-7d6cfb7dfd-k9x2m',
  uid: 'uid-productpage',
};
const productpageIp = '10.244.1.11';
const statsdIp = '203.0.113.20';

let flows: FlowFinding[] = [];
beforeAll(async () => {
  flows = splitFindings((await inspectFile(capture)).findings).flows.filter(
    (f) => f.client.ip === productpageIp || f.server.ip === productpageIp,
  );
});

const learn = async (batches: Finding[][]) => {
  const store = openSqliteStore(':memory:');
  const deps = { store, config: learnConfigSchema.parse({}) };
  const hello = heartbeat({
    ips: [productpageIp],
    owner: { kind: 'ReplicaSet', name: 'productpage-v1-7d6cfb7dfd' },
    labels: { app: 'productpage', 'pod-template-hash': '7d6cfb7dfd' },
    at: flows[0]?.firstSeen ?? '',
  });
  for (const findings of [[hello], ...batches])
    await learnBatch({ batchId: randomUUID(), pod: productpage, receivedAt: hello.at, findings }, deps);
  return store;
};

const peersTo = async (store: Awaited<ReturnType<typeof learn>>, port: number) =>
  (await store.listRules()).filter((rule) => rule.port === port).map((rule) => describePeer(rule.to));

describe('external peers named by DNS answers', () => {
  it('names the StatsD collector (UDP, no SNI, no Host) by the name productpage resolved', async () => {
    const store = await learn([flows]);
    expect(await peersTo(store, 8125)).toEqual(['statsd.example.net']);
    expect((await store.lookupDnsName(statsdIp, flows[0]?.lastSeen ?? ''))?.fqdn).toBe('statsd.example.net');
  });

  it('names it when the answer came in an earlier batch (the cache is stored), not only in the same one', async () => {
    const dns = flows.filter((f) => f.protocol === 'dns');
    const rest = flows.filter((f) => f.protocol !== 'dns');
    const store = await learn([dns, rest]);
    expect(await peersTo(store, 8125)).toEqual(['statsd.example.net']);
  });

  it('without the answers, the same address is only a host CIDR', async () => {
    const store = await learn([flows.filter((f) => f.protocol !== 'dns')]);
    expect(await peersTo(store, 8125)).toEqual([`${statsdIp}/32`]);
  });
});
