import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SlackApi } from '#functions/platform/slack/slack-api.ts';
import { createWebClientSlackApi } from '#functions/platform/slack/web-client-slack-api.ts';
import type { AlertRequest } from '#functions/respond/alerts/alert-request.ts';
import { createSlackAlertSender } from '#functions/respond/alerts/slack-alert-sender.ts';
import type { ResponseStore } from '#functions/respond/store/response-store.ts';
import { openSqliteResponseStore } from '#functions/respond/store/sqlite-response-store.ts';
import { type FakeSlackApi, startFakeSlackApi } from '#test/helpers/fake-slack-api.ts';
import { minute, responseFinding, threat, violation } from '../findings.ts';

let fake: FakeSlackApi;
let slack: SlackApi;
let store: ResponseStore;

beforeAll(async () => {
  fake = await startFakeSlackApi();
  slack = createWebClientSlackApi({ token: fake.token, slackApiUrl: fake.url, retryConfig: { retries: 0 } });
});
afterAll(() => fake.stop());
beforeEach(() => {
  store = openSqliteResponseStore(':memory:');
  fake.calls.length = 0;
});

const request = (overrides: Partial<AlertRequest> = {}): AlertRequest => ({
  channel: 'C0SECURITY',
  finding: responseFinding(),
  rule: 'dns-tunnel',
  buttons: ['quarantine', 'release', 'capture', 'mute'],
  outcomes: ['capture: done', 'quarantine-pod: done'],
  captureLink: 'https://captures.example/captures/shop/x.pcap',
  ...overrides,
});

type Blocks = { type: string; text?: { text: string }; elements?: Record<string, unknown>[] }[];
const blocksOf = (ts: string | undefined) => (fake.message('C0SECURITY', ts ?? '')?.blocks ?? []) as Blocks;
const allText = (ts: string | undefined) => JSON.stringify(blocksOf(ts));

describe('createSlackAlertSender', () => {
  it('posts header, facts, evidence, context and buttons whose values are opaque ids stored server-side', async () => {
    const sender = createSlackAlertSender(slack, store);
    const sent = await sender.notify(request(), minute(0));
    expect(sent.status).toBe('posted');
    const blocks = blocksOf(sent.ts);
    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Threat: dns-tunnel (high) in shop/frontend' },
    });
    for (const fact of [
      'Namespace',
      'Workload',
      'frontend-7d9c5b6f4d-x2x4q',
      '10.96.0.10:53',
      'dns-tunnel',
      'high',
    ]) {
      expect(allText(sent.ts)).toContain(fact);
    }
    expect(allText(sent.ts)).toContain('packet capture');
    const buttons = blocks.find((block) => block.type === 'actions')?.elements ?? [];
    expect(buttons.map((b) => b.action_id)).toEqual([
      'meshward:quarantine',
      'meshward:release',
      'meshward:capture',
      'meshward:mute',
    ]);
    expect(buttons[0]?.confirm).toBeDefined();
    for (const b of buttons) {
      expect(String(b.value)).toMatch(/^[A-Za-z0-9_-]{24}$/);
      const interaction = await store.getInteraction(String(b.value));
      expect(interaction).toMatchObject({
        findingId: 'batch-1#0',
        message: { channel: 'C0SECURITY', ts: sent.ts },
      });
    }
  });

  it('names the client behind a load balancer as the PROXY header gave it, and only when there was one', async () => {
    const sender = createSlackAlertSender(slack, store);
    const behind = responseFinding(threat({ origin: { ip: '203.0.113.9', port: 51234 } }));
    const sent = await sender.notify(request({ finding: behind }), minute(0));
    expect(allText(sent.ts)).toContain("203.0.113.9:51234 (as the load balancer's PROXY header says)");
    const direct = await sender.notify(
      request({ finding: responseFinding(threat({ threat: 'xss' })) }),
      minute(1),
    );
    expect(allText(direct.ts)).not.toContain('Origin');
  });

  it('says which forwarding header named the client behind a proxy, and leaves out a port it did not give', async () => {
    const sender = createSlackAlertSender(slack, store);
    const finding = threat({ origin: { ip: '203.0.113.9', port: 0 }, originBy: 'x-forwarded-for' });
    const sent = await sender.notify(request({ finding: responseFinding(finding) }), minute(0));
    expect(allText(sent.ts)).toContain('203.0.113.9 (as the request’s X-Forwarded-For says)');
  });

  it("names a violation's forwarded clients, and escapes fact values so none becomes a mention or a link", async () => {
    const sender = createSlackAlertSender(slack, store);
    const forwarded = {
      clients: [
        { ip: '203.0.113.7', by: 'x-forwarded-for' as const },
        { ip: '<!channel>', by: 'forwarded' as const },
      ],
      otherRequests: 3,
    };
    const sent = await sender.notify(
      request({ finding: responseFinding(violation({ forwarded, peer: 'ingress <http://x|y>' })) }),
      minute(0),
    );
    const text = allText(sent.ts);
    expect(text).toContain('*Forwarded for*\\n203.0.113.7, &lt;!channel&gt; (+3 requests for other clients)');
    expect(text).toContain('ingress &lt;http://x|y&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('groups repeats into one message: counted between refreshes, then updated with a summary and a thread reply', async () => {
    const sender = createSlackAlertSender(slack, store, { updateIntervalSeconds: 30 });
    const first = await sender.notify(request(), minute(0));
    const results = [];
    for (let i = 1; i <= 37; i++) results.push((await sender.notify(request(), minute(0, i * 16))).status);
    expect(results.filter((status) => status === 'posted')).toEqual([]);
    expect(results.filter((status) => status === 'updated').length).toBeGreaterThan(10);
    expect(fake.callsTo('chat.postMessage').filter((call) => call.args.thread_ts === undefined)).toHaveLength(
      1,
    );
    await sender.flush(minute(30));
    expect(allText(first.ts)).toContain('37 more in the last 10 minutes');
    const replies = fake.messages.filter((m) => m.threadTs === first.ts);
    expect(replies.length).toBe(fake.callsTo('chat.update').length);
    expect(fake.calls.every((call) => call.error === undefined)).toBe(true);
  });

  it('flush shows repeats that arrived after the last refresh, so none waits forever', async () => {
    const sender = createSlackAlertSender(slack, store, { updateIntervalSeconds: 30 });
    const first = await sender.notify(request(), minute(0));
    expect((await sender.notify(request(), minute(0, 5))).status).toBe('grouped');
    expect(await sender.flush(minute(0, 10))).toBe(0);
    expect(await sender.flush(minute(1))).toBe(1);
    expect(allText(first.ts)).toContain('1 more in the last 1 minute');
  });

  it('starts a new message once the group window has passed', async () => {
    const sender = createSlackAlertSender(slack, store, { groupWindowSeconds: 600 });
    const first = await sender.notify(request(), minute(0));
    const later = await sender.notify(request(), minute(20));
    expect(later.status).toBe('posted');
    expect(later.ts).not.toBe(first.ts);
  });

  it('holds back muted alerts and counts them, and posts again once the mute has expired', async () => {
    const sender = createSlackAlertSender(slack, store);
    await store.putMute({
      id: 'mute-1',
      matchers: [
        { name: 'namespace', value: 'shop', isRegex: false, isEqual: true },
        { name: 'threat', value: 'dns-.*', isRegex: true, isEqual: true },
      ],
      startsAt: minute(0),
      endsAt: minute(10),
      createdBy: 'slack:U1',
      comment: 'known batch job',
      scope: 'notify',
      suppressed: 0,
    });
    expect(await sender.notify(request(), minute(1))).toMatchObject({ status: 'muted', muteId: 'mute-1' });
    expect(await sender.notify(request(), minute(2))).toMatchObject({ status: 'muted' });
    expect(fake.calls).toEqual([]);
    expect((await store.getMute('mute-1'))?.suppressed).toBe(2);
    expect((await sender.notify(request(), minute(11))).status).toBe('posted');
  });

  it('shows a capture as pending, then its download link and size once the tap reports the upload', async () => {
    const sender = createSlackAlertSender(slack, store);
    const link = 'https://captures.example/captures/shop/x.pcap?expires=1&signature=ab';
    const sent = await sender.notify(request({ captureLink: link }), minute(0));
    expect(allText(sent.ts)).toContain('packet capture pending');
    expect(allText(sent.ts)).not.toContain(link);
    const capture = {
      type: 'capture' as const,
      commandId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
      location: 'https://captures.example/captures/shop/x.pcap',
      packets: 42,
      bytes: 6_400,
      from: minute(0),
      to: minute(1),
    };
    expect(
      await sender.captureReady({ ...capture, location: 'https://captures.example/other.pcap' }),
    ).toEqual([]);
    expect(fake.callsTo('chat.update')).toEqual([]);
    expect(await sender.captureReady(capture)).toEqual([
      { channel: 'C0SECURITY', ts: sent.ts, findingId: 'batch-1#0' },
    ]);
    expect(fake.callsTo('chat.update').map((call) => call.args.ts)).toEqual([sent.ts]);
    expect(allText(sent.ts)).toContain(`<${link}|packet capture> (42 packets, 6.3 KiB)`);
    expect(allText(sent.ts)).not.toContain('pending');
    const reply = fake.messages.find((m) => m.threadTs === sent.ts);
    expect(reply?.text).toBe(`Packet capture ready: <${link}|packet capture> (42 packets, 6.3 KiB)`);
  });

  it('keeps the captures of repeats on the grouped message', async () => {
    const sender = createSlackAlertSender(slack, store, { updateIntervalSeconds: 0 });
    const first = await sender.notify(request({ captureLink: 'https://c.example/a.pcap?s=1' }), minute(0));
    await sender.notify(request({ captureLink: 'https://c.example/b.pcap?s=2' }), minute(1));
    expect(allText(first.ts).match(/packet capture pending/g)).toHaveLength(2);
    const shown = await sender.captureReady({
      type: 'capture',
      commandId: 'c0ffee00c0ffee00c0ffee00c0ffee01',
      location: 'https://c.example/b.pcap',
      packets: 1,
      bytes: 100,
      from: minute(1),
      to: minute(2),
    });
    expect(shown).toHaveLength(1);
    expect(allText(first.ts)).toContain('<https://c.example/b.pcap?s=2|packet capture> (1 packet, 100 B)');
    expect(allText(first.ts).match(/packet capture pending/g)).toHaveLength(1);
  });

  it('renders a violation with its peer, rule and mode', async () => {
    const { violation } = await import('../findings.ts');
    const sender = createSlackAlertSender(slack, store);
    const sent = await sender.notify(
      request({ finding: responseFinding(violation()), buttons: ['allow', 'mute'], outcomes: [] }),
      minute(0),
    );
    expect(blocksOf(sent.ts)[0]?.text?.text).toBe('Violation: shop/frontend → shop/orders-db (monitor)');
    expect(allText(sent.ts)).toContain('monitor');
    expect(allText(sent.ts)).toContain('meshward:allow');
  });
});
