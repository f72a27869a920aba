import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { irc } from '#sidecar/protocols/irc.ts';
import { ircC2 } from '#sidecar/threats/irc-c2.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { ascii, feed, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { flow, runThreat } from './threat-factories.ts';

const server = flow({ protocol: 'irc', server: { ip: '198.51.100.7', port: 6667 } });
const events = (segments: readonly Segment[]) =>
  (feed(irc, segments) as ProtocolEvent[]).map((e, i) => ({ ...e, ts: 1_000 + i }));

const findings = (list: readonly ProtocolEvent[]) => {
  const runner = createThreatRunner({ policyDir: false, threats: [ircC2] });
  for (const event of list) runner.onEvent(server, event);
  runner.onFlowEnd(server);
  return runner.drain(1_000_000).map((f) => [f.evidence, f.count]);
};

const registered: Segment[] = [['to-server', ascii('NICK kaiten42\r\nUSER k 0 * :k\r\n')]];
const joined: Segment[] = [...registered, ['to-server', ascii('JOIN #miners\r\n')]];

describe('irc-c2', () => {
  it('tells the surest step of a session: a nick, a channel joined, an order given', () => {
    expect(findings(events(registered))).toEqual([['an IRC session registering as kaiten42', 1]]);
    expect(findings(events(joined))).toEqual([['an IRC session joining #miners', 2]]);
    const ordered = events([
      ...joined,
      ['to-client', ascii(':op!o@h PRIVMSG #miners :.ddos 10.0.0.9 80\r\n')],
    ]);
    expect(findings(ordered)).toEqual([
      ['an IRC bot given an order in #miners: op said .ddos 10.0.0.9 80', 3],
    ]);
  });

  it('leaves chat that is not an order, and servers a team allows, alone', () => {
    const chat = events([['to-client', ascii(':op!o@h PRIVMSG #general :lunch?\r\n')]]);
    expect(runThreat(ircC2, chat, { flow: server })).toEqual([]);
    expect(
      runThreat(ircC2, events(joined), { flow: server, config: { allowServers: ['198.51.100.7'] } }),
    ).toEqual([]);
    expect(runThreat(ircC2, events(joined), { flow: server })).toHaveLength(2);
  });
});
