import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { header, message, section } from '#functions/platform/slack/block-kit.ts';
import type { SlackApi } from '#functions/platform/slack/slack-api.ts';
import { createWebClientSlackApi } from '#functions/platform/slack/web-client-slack-api.ts';
import { type FakeSlackApi, startFakeSlackApi } from '#test/helpers/fake-slack-api.ts';

let fake: FakeSlackApi;
let slack: SlackApi;
const fastRetry = { retries: 2, minTimeout: 10, maxTimeout: 20 };

beforeAll(async () => {
  fake = await startFakeSlackApi();
  slack = createWebClientSlackApi({ token: fake.token, slackApiUrl: fake.url, retryConfig: fastRetry });
});
afterAll(() => fake.stop());

const hello = message('hello', [header('Hello'), section('*world*')]);

describe('createWebClientSlackApi against the fake Slack Web API', () => {
  it('posts a message with blocks, threads a reply under it, and updates it', async () => {
    const posted = await slack.postMessage('C0SECURITY', hello);
    const reply = await slack.postMessage('C0SECURITY', message('more', [section('details')]), posted.ts);
    await slack.updateMessage('C0SECURITY', posted.ts, message('changed', [section('changed')]));
    expect(fake.message('C0SECURITY', reply.ts)?.threadTs).toBe(posted.ts);
    expect(fake.message('C0SECURITY', posted.ts)?.blocks).toEqual([section('changed')]);
    const post = fake.callsTo('chat.postMessage')[0];
    expect(post?.args).toMatchObject({ channel: 'C0SECURITY', text: 'hello', blocks: hello.blocks });
  });

  it('waits out a 429 with Retry-After and then succeeds', async () => {
    fake.rateLimitOnce('chat.postMessage', 1);
    const started = Date.now();
    const posted = await slack.postMessage('C0SECURITY', hello);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(posted.ts).not.toBe('');
    expect(
      fake
        .callsTo('chat.postMessage')
        .slice(-2)
        .map((call) => call.status),
    ).toEqual([429, 200]);
  });

  it('turns Slack errors into unavailable AppErrors naming the error', async () => {
    const tooMany = message('x', []);
    tooMany.blocks = Array.from({ length: 51 }, () => section('x'));
    await expect(slack.postMessage('C0SECURITY', tooMany)).rejects.toMatchObject({
      code: 'unavailable',
      message: 'Slack chat.postMessage failed: invalid_blocks',
    });
    await expect(slack.updateMessage('C0SECURITY', '1.000', hello)).rejects.toThrow('message_not_found');
    const stranger = createWebClientSlackApi({
      token: 'xoxb-wrong',
      slackApiUrl: fake.url,
      retryConfig: fastRetry,
    });
    await expect(stranger.postMessage('C0SECURITY', hello)).rejects.toThrow('invalid_auth');
  });

  it('posts ephemeral messages and lists user-group members', async () => {
    fake.userGroups.set('S0ONCALL', ['U1', 'U2']);
    await slack.postEphemeral('C0SECURITY', 'U1', 'only you');
    expect(fake.ephemeral).toEqual([{ channel: 'C0SECURITY', user: 'U1', text: 'only you' }]);
    expect(await slack.groupMembers('S0ONCALL')).toEqual(['U1', 'U2']);
    await expect(slack.groupMembers('S0NOPE')).rejects.toThrow('no_such_subteam');
  });
});
