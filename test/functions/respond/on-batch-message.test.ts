import { describe, expect, it } from 'vitest';
import type { BatchMessage } from '#functions/platform/bus/bus.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import { actions } from '#functions/respond/actions/index.ts';
import { respondOnBatch } from '#functions/respond/on-batch-message.ts';
import type { RespondDeps } from '#functions/respond/respond-deps.ts';
import { respondMessages } from '#functions/respond/respond-messages.ts';
import { loadResponseRules } from '#functions/respond/rules/load-response-rules.ts';
import { unavailableKube } from '#functions/respond/unavailable-deps.ts';
import { threat } from './findings.ts';
import { respondDeps } from './respond-deps.ts';

const pod = { namespace: 'shop', name: 'web-1', uid: 'uid-web-1' };
const batch = (findings: BatchMessage['findings']): BatchMessage => ({
  type: 'batch',
  batchId: '0b8c3a4e-2f61-4d1c-9a57-5d7e7b1f3c11',
  pod,
  receivedAt: '2026-11-26T12:00:00.000Z',
  ...(findings === undefined ? {} : { findings }),
});

const setup = async () => {
  const base = await respondDeps(unavailableKube('no cluster in this test'));
  const deps: RespondDeps = {
    actionDeps: base.deps,
    store: base.store,
    rules: loadResponseRules('policies/response', actions),
    actions,
    newId: () => crypto.randomUUID(),
  };
  return { ...base, deps };
};

describe('respondOnBatch', () => {
  it('responds to each threat with its batch id and index, and a dead Kubernetes API fails only its action', async () => {
    const { deps, recorded, store } = await setup();
    const message = batch([threat({ threat: 'sql-injection' }), threat({ threat: 'dns-tunnel' })]);
    const result = await respondOnBatch(
      message,
      openSqliteStore(':memory:'),
      deps,
      '2026-11-26T12:00:01.000Z',
    );
    expect(result.responded).toBe(2);
    expect(result.runs.map((run) => run.rule)).toEqual(['embedded-attack', 'dns-tunnel']);
    const quarantine = result.runs[1]?.results.find((r) => r.action === 'quarantine-pod');
    expect(quarantine).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('no cluster in this test'),
    });
    expect(recorded.alerts.map((alert) => alert.finding.id)).toEqual([
      '0b8c3a4e-2f61-4d1c-9a57-5d7e7b1f3c11#0',
      '0b8c3a4e-2f61-4d1c-9a57-5d7e7b1f3c11#1',
    ]);
    expect(recorded.alerts[1]?.outcomes[1]).toBe('quarantine-pod: failed (no cluster in this test)');
    expect((await store.listAudit()).some((record) => record.status === 'failed')).toBe(true);
  });

  it('skips batches with nothing a rule could match, without reading the store', async () => {
    const { deps } = await setup();
    const result = await respondOnBatch(
      batch([]),
      openSqliteStore(':memory:'),
      deps,
      '2026-11-26T12:00:01.000Z',
    );
    expect(result).toEqual({ responded: 0, runs: [], failures: [] });
  });
});

describe('respondMessages (SQS records)', () => {
  it('reads bus batches and Slack jobs, and reports records it cannot read instead of throwing', () => {
    const record = (messageId: string, body: string) => ({ messageId, body }) as never;
    const parsed = respondMessages({
      Records: [
        record('1', JSON.stringify(batch([threat()]))),
        record('2', JSON.stringify({ type: 'reply', channel: 'C1', user: 'U1', text: 'hi' })),
        record('3', '{not json'),
        record('4', JSON.stringify({ type: 'nonsense' })),
      ],
    });
    expect(parsed.map((r) => ('message' in r ? r.message.type : 'error'))).toEqual([
      'batch',
      'reply',
      'error',
      'error',
    ]);
  });
});
