/**
 * "Never dropped without a trace": a burst of findings through the shipped rules is one Slack message that
 * summarises the repeats, with every finding audited; and failing actions (Slack and Kubernetes away) lose no finding.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchMessage } from '#functions/platform/bus/bus.ts';
import { silentLogger } from '#functions/platform/logger.ts';
import { createLocalRuntime, type Runtime } from '#functions/platform/runtime.ts';
import { createWebClientSlackApi } from '#functions/platform/slack/web-client-slack-api.ts';
import { respondOnBatch } from '#functions/respond/on-batch-message.ts';
import { createRespondRuntime, type RespondRuntime } from '#functions/respond/respond-runtime.ts';
import { unavailableKube } from '#functions/respond/unavailable-deps.ts';
import { type FakeSlackApi, startFakeSlackApi } from '#test/helpers/fake-slack-api.ts';
import { threat } from './findings.ts';

const start = Date.parse('2026-11-26T12:00:00.000Z');
let clock = start;
const iso = () => new Date(clock).toISOString();

let slack: FakeSlackApi;
let runtime: Runtime;
const opened: RespondRuntime[] = [];
const dirs: string[] = [];
const newDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  slack = await startFakeSlackApi();
  runtime = await createLocalRuntime({
    dataDir: newDir('meshward-no-silent-drop-'),
    log: silentLogger,
    now: () => new Date(clock),
  });
});
afterAll(async () => {
  for (const respond of opened) await respond.close();
  await runtime.close();
  await slack.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A respond runtime with its own store; Slack at `slackApiUrl` (the fake, or a closed port). */
const respondWith = (slackApiUrl: string) => {
  const respond = createRespondRuntime(runtime, {
    dataDir: newDir('meshward-no-silent-drop-respond-'),
    capturesUrl: 'https://127.0.0.1:1/captures',
    kube: unavailableKube('the API server is unreachable'),
    slack: createWebClientSlackApi({ token: slack.token, slackApiUrl, retryConfig: { retries: 0 } }),
  });
  opened.push(respond);
  return respond;
};

const pod = { namespace: 'shop', name: 'frontend-7d9c5b6f4d-x2x4q', uid: 'uid-burst-frontend' };
const batchOf = (n: number, finding: ReturnType<typeof threat>): BatchMessage => ({
  type: 'batch',
  batchId: `burst-${n}`,
  pod,
  receivedAt: iso(),
  findings: [finding],
});

describe('no finding is dropped without a trace', () => {
  it('a burst of 40 attacks is one Slack message that says "39 more in the last 10 minutes", and 40 audited alerts', async () => {
    const respond = respondWith(slack.url);
    const sqli = threat({
      threat: 'sql-injection',
      protocol: 'http',
      transport: 'tcp',
      server: { ip: '10.0.3.4', port: 8080 },
    });
    for (let n = 0; n < 40; n++) {
      clock = start + n * 15_000;
      const result = await respondOnBatch(batchOf(n, sqli), runtime.store, respond.deps, iso());
      expect(result.runs.map((run) => run.rule)).toEqual(['embedded-attack']);
    }
    clock = start + 11 * 60_000;
    await respond.alerts.flush(iso());
    const top = slack.messages.filter((message) => message.threadTs === undefined);
    expect(top).toHaveLength(1);
    const shown = JSON.stringify(slack.message(top[0]?.channel ?? '', top[0]?.ts ?? '')?.blocks);
    expect(shown).toContain('39 more in the last 10 minutes');
    const trail = await respond.deps.store.listAudit({ limit: 1000 });
    const alerts = trail.filter((record) => record.action === 'notify-slack');
    expect(alerts).toHaveLength(40);
    expect(new Set(alerts.map((record) => record.findingId)).size).toBe(40);
    expect(alerts.every((record) => record.status === 'done')).toBe(true);
    // Captures beyond the first are held back by the rule's de-duplication, and each says so in the audit.
    const captures = trail.filter((record) => record.action === 'capture').reverse();
    expect(captures.map((record) => record.status)).toEqual(['done', ...Array(39).fill('skipped')]);
    expect(captures[1]?.detail[0]).toMatch(/^duplicate within 600s/);
  });

  it('Slack and Kubernetes away: every action fails visibly, the finding stays stored and audited', async () => {
    const respond = respondWith('http://127.0.0.1:9/api/');
    clock = start + 3600_000;
    const tunnel = threat({ firstSeen: iso(), lastSeen: iso() });
    const message = batchOf(100, tunnel);
    const stored = await runtime.store.putBatch({
      batchId: message.batchId,
      podUid: pod.uid,
      receivedAt: iso(),
      findings: [
        {
          id: `${message.batchId}#0`,
          batchId: message.batchId,
          podUid: pod.uid,
          namespace: pod.namespace,
          kind: 'threat',
          at: iso(),
          finding: tunnel,
        },
      ],
    });
    expect(stored).toBe('stored');
    const result = await respondOnBatch(message, runtime.store, respond.deps, iso());
    expect(result.failures).toEqual([]);
    const [run] = result.runs;
    expect(run?.rule).toBe('dns-tunnel');
    expect(run?.results.map((r) => [r.action, r.status])).toEqual([
      ['capture', 'done'],
      ['quarantine-pod', 'failed'],
      ['notify-slack', 'failed'],
    ]);
    const trail = await respond.deps.store.listAudit();
    expect(trail.map((record) => [record.action, record.status, record.findingId]).reverse()).toEqual([
      ['capture', 'done', 'burst-100#0'],
      ['quarantine-pod', 'failed', 'burst-100#0'],
      ['notify-slack', 'failed', 'burst-100#0'],
    ]);
    expect(trail[0]?.detail.join('\n')).toContain('error:');
    expect((await runtime.store.listFindings({ batchId: message.batchId })).map((r) => r.id)).toEqual([
      'burst-100#0',
    ]);
  });
});
