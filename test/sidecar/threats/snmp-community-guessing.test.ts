/**
 * SNMP community guessing through the engine: one socket sending GetRequests with many communities, the agent
 * answering only the right one (as onesixtyone meets a real agent), against a poller whose one community goes
 * unanswered (an agent down): only the first is password guessing.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import type { DbAuthEvent } from '#sidecar/events.ts';
import { snmp } from '#sidecar/protocols/snmp.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { ascii, hex, tlv } from '#test/fixtures/protocols/protocol-harness.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';
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
  return threatsBy(engine.flush(), 'db-auth-brute-force');
};

// net-snmp 5.9 on this machine: snmpget -v3 -l authNoPriv with a wrong key for user meshward, and as an unknown
// user mallory; snmpd's Reports name usmStatsWrongDigests (...15.1.1.5.0) and usmStatsUnknownUserNames (...3.0).
const wrongKeyReport = hex(
  '30790201033011020409f73dc7020300ffe304010002010304293027041180001f888015605f1c43d6096b0000000002010102010204086d65736877617264040004003036041180001f888015605f1c43d6096b000000000400a81f02042a9d7ee70201000201003011300f060a2b060106030f01010500410101',
);
const unknownUserReport = hex(
  '3078020103301102041ede9ba9020300ffe304010002010304283026041180001f888015605f1c43d6096b0000000002010102010204076d616c6c6f7279040004003036041180001f888015605f1c43d6096b000000000400a81f0204172593970201000201003011300f060a2b060106030f01010300410101',
);

describe('SNMPv3 refusals', () => {
  it('tells a refused login of the named user for a wrong key or an unknown user, at once', () => {
    const parser = snmp.createParser();
    const events = [
      ...parser.parse(wrongKeyReport, 'to-client', 5),
      ...parser.parse(unknownUserReport, 'to-client', 6),
    ].filter((e): e is DbAuthEvent => e.kind === 'db-auth');
    expect(events.map((e) => [e.dialect, e.ok, e.user, e.ts])).toEqual([
      ['snmp', false, 'meshward', 5],
      ['snmp', false, 'mallory', 6],
    ]);
  });
});

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
      /^\d+ refused SNMP logins \(communities never answered, or SNMPv3 users or keys refused\) within 60000 ms$/,
    );
    const poller = Array.from({ length: 40 }, () => ({ community: 'public', answered: false }));
    expect(run('10.0.4.7', 40162, poller)).toEqual([]);
  });
});
