import { beforeEach, describe, expect, it } from 'vitest';
import type { RespondJob } from '#functions/respond/jobs/respond-job.ts';
import type { ResponseStore } from '#functions/respond/store/response-store.ts';
import { openSqliteResponseStore } from '#functions/respond/store/sqlite-response-store.ts';
import { handleSlackRequest, type SlackEdgeDeps } from '#functions/slack/run.ts';
import { slackConfigSchema } from '#functions/slack/slack-config.ts';
import { app, blockActionsBody, commandBody, sign, signingSecret, team } from './slack-requests.ts';

const now = Date.parse('2026-11-26T12:01:00Z') / 1000;
let store: ResponseStore;
let jobs: RespondJob[];
let deps: SlackEdgeDeps;

const config = slackConfigSchema.parse({
  signingSecret,
  teamId: team,
  appId: app,
  allow: {
    quarantine: ['U0ALICE', 'S0ONCALL'],
    release: ['U0ALICE'],
    mute: ['U0BOB', 'U0ALICE'],
    status: ['U0BOB'],
  },
});

beforeEach(async () => {
  store = openSqliteResponseStore(':memory:');
  jobs = [];
  deps = {
    config,
    store,
    queue: { enqueue: async (job) => void jobs.push(job) },
    groupMembers: async (id) => (id === 'S0ONCALL' ? ['U0CAROL'] : []),
    nowSeconds: () => now,
  };
  await store.putInteraction({
    id: 'opaque-quarantine-id-0001',
    action: 'quarantine',
    findingId: 'batch-1#0',
    pod: { namespace: 'shop', name: 'web-1', uid: 'uid-1' },
    expiresAt: '2026-12-01T00:00:00.000Z',
  });
  await store.putInteraction({
    id: 'opaque-mute-id-0001',
    action: 'mute',
    matchers: [{ name: 'namespace', value: 'shop', isRegex: false, isEqual: true }],
    expiresAt: '2026-12-01T00:00:00.000Z',
  });
});

const press = (user: string, actionId: string, value: string, extra: Record<string, string> = {}) =>
  handleSlackRequest(sign(blockActionsBody({ user, actionId, value, ...extra }), now - 2), deps);

describe('POST /slack/actions', () => {
  it('acknowledges an allowed button press at once and enqueues the work, by opaque id', async () => {
    const answer = await press('U0ALICE', 'meshward:quarantine', 'opaque-quarantine-id-0001');
    expect(answer).toEqual({ status: 200, body: '' });
    expect(jobs).toEqual([
      {
        type: 'interaction',
        interactionId: 'opaque-quarantine-id-0001',
        button: 'quarantine',
        user: { id: 'U0ALICE', name: 'u0alice' },
        channel: 'C0SECURITY',
      },
    ]);
  });

  it('lets members of an allowed user group act', async () => {
    expect((await press('U0CAROL', 'meshward:quarantine', 'opaque-quarantine-id-0001')).body).toBe('');
  });

  it('checks each action against its own allow-list: Bob may mute but not quarantine', async () => {
    expect((await press('U0BOB', 'meshward:mute', 'opaque-mute-id-0001')).body).toBe('');
    const refused = await press('U0BOB', 'meshward:quarantine', 'opaque-quarantine-id-0001');
    expect(refused).toEqual({
      status: 200,
      body: { response_type: 'ephemeral', text: 'You are not allowed to quarantine from Slack.' },
    });
    expect(jobs.map((job) => job.type)).toEqual(['interaction', 'reply']);
  });

  it.each([
    ['tampered', (body: string) => ({ ...sign(body, now), rawBody: body.replace('U0ALICE', 'U0EVE') })],
    ['stale', (body: string) => sign(body, now - 6 * 60)],
    ['signed with another secret', (body: string) => sign(body, now, 'someone-elses-signing-secret')],
    ['unsigned', (body: string) => ({ signature: undefined, timestamp: undefined, rawBody: body })],
  ])('answers 401 to a %s request and changes nothing', async (_name, build) => {
    const body = blockActionsBody({
      user: 'U0ALICE',
      actionId: 'meshward:quarantine',
      value: 'opaque-quarantine-id-0001',
    });
    const answer = await handleSlackRequest(build(body), deps);
    expect(answer.status).toBe(401);
    expect(jobs).toEqual([]);
  });

  it('answers 401 to a correctly signed request for another workspace or app', async () => {
    const otherTeam = await press('U0ALICE', 'meshward:quarantine', 'opaque-quarantine-id-0001', {
      teamId: 'T0OTHER',
    });
    const otherApp = await press('U0ALICE', 'meshward:quarantine', 'opaque-quarantine-id-0001', {
      appId: 'A0OTHER',
    });
    expect([otherTeam.status, otherApp.status]).toEqual([401, 401]);
    expect(jobs).toEqual([]);
  });

  it('tells the user when a button is unknown, expired, or does not match its action', async () => {
    const unknown = await press('U0ALICE', 'meshward:quarantine', 'guessed-id');
    const mismatched = await press('U0ALICE', 'meshward:quarantine', 'opaque-mute-id-0001');
    const strange = await press('U0ALICE', 'meshward:delete-cluster', 'opaque-quarantine-id-0001');
    await store.putInteraction({ id: 'old', action: 'quarantine', expiresAt: '2025-01-01T00:00:00.000Z' });
    const expired = await press('U0ALICE', 'meshward:quarantine', 'old');
    for (const answer of [unknown, mismatched, expired]) {
      expect(answer.body).toMatchObject({ text: expect.stringContaining('no longer valid') });
    }
    expect(strange.body).toMatchObject({ text: 'Unknown action "delete-cluster".' });
    expect(jobs.every((job) => job.type === 'reply')).toBe(true);
  });

  it('answers 400 to a signed body that is not a Slack request', async () => {
    expect((await handleSlackRequest(sign('payload=%7Bnot-json', now), deps)).status).toBe(400);
    expect((await handleSlackRequest(sign('hello=world', now), deps)).status).toBe(400);
  });
});

describe('/meshward slash command', () => {
  const command = (user: string, text: string, overrides: Record<string, string> = {}) =>
    handleSlackRequest(sign(commandBody(user, text, overrides), now), deps);

  it('enqueues a quarantine for an allowed user and says so privately', async () => {
    const answer = await command('U0ALICE', 'quarantine shop/web-1 beaconing to a C2 host');
    expect(answer.body).toEqual({
      response_type: 'ephemeral',
      text: 'Quarantining shop/web-1… the result follows here.',
    });
    expect(jobs).toEqual([
      {
        type: 'command',
        action: 'quarantine',
        pod: { namespace: 'shop', name: 'web-1' },
        reason: 'beaconing to a C2 host',
        user: { id: 'U0ALICE', name: 'u0alice' },
        channel: 'C0SECURITY',
      },
    ]);
  });

  it('refuses users who may not, and bad pod names, without enqueueing anything', async () => {
    expect((await command('U0BOB', 'release shop/web-1')).body).toMatchObject({
      text: 'You are not allowed to release from Slack.',
    });
    expect((await command('U0ALICE', 'quarantine web-1')).body).toMatchObject({
      text: expect.stringContaining('<namespace>/<pod>'),
    });
    expect((await command('U0ALICE', 'explode')).body).toMatchObject({
      text: expect.stringContaining('Unknown command'),
    });
    expect(jobs).toEqual([]);
  });

  it('answers status from the store: quarantined pods and active mutes', async () => {
    await store.putQuarantine({
      podUid: 'u1',
      namespace: 'shop',
      name: 'web-1',
      by: 'rule:dns-tunnel',
      reason: 'tunnel',
      at: '2026-11-26T12:00:00Z',
    });
    await store.putMute({
      id: 'm1',
      matchers: [{ name: 'threat', value: 'port-scan', isRegex: false, isEqual: true }],
      startsAt: '2026-11-26T11:00:00.000Z',
      endsAt: '2026-11-26T13:00:00.000Z',
      createdBy: 'slack:U0BOB',
      comment: 'scanner in CI',
      scope: 'notify',
      suppressed: 4,
    });
    const answer = await command('U0BOB', 'status');
    const text = answer.status === 200 && answer.body !== '' && 'text' in answer.body ? answer.body.text : '';
    expect(text).toContain('`shop/web-1` by rule:dns-tunnel');
    expect(text).toContain('threat="port-scan" until 2026-11-26T13:00:00.000Z by slack:U0BOB (4 held back)');
  });

  it('enqueues a release for an allowed user, and lets members of an allowed user group quarantine', async () => {
    expect((await command('U0ALICE', 'release shop/web-1')).body).toMatchObject({
      text: 'Releasing shop/web-1… the result follows here.',
    });
    expect((await command('U0CAROL', 'quarantine shop/web-2')).body).toMatchObject({
      text: 'Quarantining shop/web-2… the result follows here.',
    });
    expect(
      jobs.map((job) => (job.type === 'command' ? `${job.action} ${job.pod.name} ${job.reason}` : '')),
    ).toEqual(['release web-1 requested in Slack', 'quarantine web-2 requested in Slack']);
  });

  it('answers 401 to a tampered, stale or unsigned slash command and enqueues nothing', async () => {
    const signed = sign(commandBody('U0BOB', 'status'), now);
    const tampered = { ...signed, rawBody: signed.rawBody.replace('U0BOB', 'U0ALICE') };
    expect(await handleSlackRequest(tampered, deps)).toMatchObject({
      status: 401,
      body: { message: 'signature does not match' },
    });
    const stale = sign(commandBody('U0ALICE', 'quarantine shop/web-1'), now - 301);
    expect(await handleSlackRequest(stale, deps)).toMatchObject({
      status: 401,
      body: { message: expect.stringContaining('five-minute window') },
    });
    const unsigned = { signature: undefined, timestamp: undefined, rawBody: signed.rawBody };
    expect((await handleSlackRequest(unsigned, deps)).status).toBe(401);
    const otherSecret = sign(
      commandBody('U0ALICE', 'quarantine shop/web-1'),
      now,
      'not-the-signing-secret-0000',
    );
    expect((await handleSlackRequest(otherSecret, deps)).status).toBe(401);
    expect(jobs).toEqual([]);
  });

  it('rejects a slash command for another workspace', async () => {
    expect((await command('U0ALICE', 'status', { team_id: 'T0OTHER' })).status).toBe(401);
  });
});
