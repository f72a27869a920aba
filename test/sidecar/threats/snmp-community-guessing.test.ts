/**
 * SNMP community guessing through the engine: one socket sending GetRequests with many communities, the agent
 * answering only the right one (as onesixtyone meets a real agent), against a poller whose one community goes
 * unanswered (an agent down): only the first is password guessing.
 */
import { describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import type { DbAuthEvent } from '#sidecar/events.ts';
import { snmp } from '#sidecar/protocols/snmp.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { ascii, hex, tlv } from '#test/fixtures/protocols/protocol-harness.ts';
import { udp4Frame } from '../decode/build-frame.ts';
import { record } from '../engine/conversation.ts';

const int = (n: number) => tlv(0x02, Uint8Array.of(n));
const sysDescr = tlv(0x30, tlv(0x30, tlv(0x06, hex('2b06010201010100')), tlv(0x05)));
/** A v1 GetRequest (0xa0) or Response (0xa2) for sysDescr.0 with this community (RFC 1157 section 4.1). */
const message = (community: string, pdu: 0xa0 | 0xa2, id: number) =>
  tlv(0x30, int(0), tlv(0x04, ascii(community)), tlv(pdu, int(id), int(0), int(0), sysDescr));

const agent = { ip: '10.0.9.2', port: 161 };
const start = 1_700_000_000_000;

const run = (client: string, port: number, exchanges: { community: string; answered: boolean }[]) => {
  const engine = createEngine({ observers: [createThreatRunner({ policyDir: false })] });
  exchanges.forEach(({ community, answered }, i) => {
    const ts = start + i * 10;
    const ask = udp4Frame({
      src: client,
      dst: agent.ip,
      srcPort: port,
      dstPort: agent.port,
      payload: message(community, 0xa0, i + 1),
    });
    engine.push(record(ask, ts));
    if (answered) {
      const reply = udp4Frame({
        src: agent.ip,
        dst: client,
        srcPort: agent.port,
        dstPort: port,
        payload: message(community, 0xa2, i + 1),
      });
      engine.push(record(reply, ts + 1));
    }
  });
  return engine
    .flush()
    .filter((f): f is ThreatFinding => f.type === 'threat' && f.threat === 'db-auth-brute-force');
};

describe('SNMP community guessing', () => {
  it('tells a login per community at the flow end, only when the flow tried two or more', () => {
    const parser = snmp.createParser();
    parser.parse(message('guess1', 0xa0, 1), 'to-server', 1);
    parser.parse(message('public', 0xa0, 2), 'to-server', 2);
    parser.parse(message('public', 0xa2, 2), 'to-client', 3);
    const logins = (parser.end?.() ?? []) as DbAuthEvent[];
    expect(logins.map((e) => [e.dialect, e.ok, e.ts, e.user])).toEqual([
      ['snmp', false, 1, undefined],
      ['snmp', true, 2, undefined],
    ]);
    const poller = snmp.createParser();
    for (let i = 0; i < 5; i++) poller.parse(message('public', 0xa0, i), 'to-server', i);
    expect(poller.end?.()).toEqual([]);
  });

  it('reports 30 wrong communities and the right one from one socket, and not a poller an agent never answers', () => {
    const guesses = [
      ...Array.from({ length: 30 }, (_, i) => ({ community: `guess${i}`, answered: false })),
      { community: 'public', answered: true },
    ];
    const found = run('10.0.4.66', 40161, guesses);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ client: { ip: '10.0.4.66' }, server: agent });
    expect(found[0]?.evidence).toMatch(
      /^\d+ SNMP communities the agent never answered within 60000 ms \(community guessing\)$/,
    );
    const poller = Array.from({ length: 40 }, () => ({ community: 'public', answered: false }));
    expect(run('10.0.4.7', 40162, poller)).toEqual([]);
  });
});
