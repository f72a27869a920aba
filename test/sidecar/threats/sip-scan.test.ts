/** sip-scan on what the sip parser tells from SIPVicious's and sipsak's own bytes (sip-messages.ts), and on made-up flows. */
import { describe, expect, it } from 'vitest';
import type { OperationEvent, ProtocolEvent, SipFacts } from '#sidecar/events.ts';
import { sip } from '#sidecar/protocols/sip.ts';
import { sipScan } from '#sidecar/threats/sip-scan.ts';
import { hex, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { sipCaptured } from '#test/fixtures/protocols/sip-messages.ts';
import { flow, runThreat } from './threat-factories.ts';

const sipFlow = flow({ protocol: 'sip', transport: 'udp', server: { ip: '10.0.0.9', port: 5060 } });
const m = (name: keyof typeof sipCaptured): Uint8Array => hex(sipCaptured[name]);

/** The events the parser tells of these segments, as the engine hands them over. */
const told = (segments: readonly Segment[]): ProtocolEvent[] => {
  const parser = sip.createParser();
  return segments.flatMap(([direction, bytes], i) => parser.parse(bytes, direction, 1000 + i));
};

const request = (method: string, toUser: string, ts: number, agent?: string): OperationEvent => ({
  kind: 'operation',
  ts,
  direction: 'to-server',
  protocol: 'sip',
  operation: method,
  sip: { method, toUser, ...(agent === undefined ? {} : { agent }) },
});

const answer = (
  status: number,
  toUser: string,
  ts: number,
  extra: Partial<SipFacts> = {},
): OperationEvent => ({
  kind: 'operation',
  ts,
  direction: 'to-client',
  protocol: 'sip',
  operation: `${status}`,
  sip: { method: 'REGISTER', status, toUser, answers: { toUser, authorized: false }, ...extra },
});

/** svwar's pattern: a REGISTER per extension, each answered `status(n)`. */
const sweep = (from: number, count: number, status: (n: number) => number): OperationEvent[] =>
  Array.from({ length: count }, (_, i) => [
    request('REGISTER', String(from + i), i * 10),
    answer(status(from + i), String(from + i), i * 10 + 1),
  ]).flat();

describe('sip-scan', () => {
  it("names svmap's friendly-scanner from its OPTIONS, once per window", () => {
    const options = told([
      ['to-server', m('svmapOptions')],
      ['to-client', m('svmapOptionsOk')],
      ['to-server', m('svmapOptions')],
    ]);
    const hits = runThreat(sipScan, options, { flow: sipFlow });
    expect(hits.map((h) => [h.severity, h.evidence])).toEqual([
      [
        'medium',
        'SIP scanner friendly-scanner (User-Agent "friendly-scanner") sent OPTIONS to 10.0.0.9:5060',
      ],
    ]);
  });

  it("leaves sipsak's OPTIONS and REGISTER alone: a test tool, not a scanner", () => {
    const ordinary = told([
      ['to-server', m('sipsakOptions')],
      ['to-client', m('sipsakOptionsOk')],
    ]);
    expect(runThreat(sipScan, ordinary, { flow: sipFlow })).toEqual([]);
    expect(runThreat(sipScan, [request('REGISTER', '1000', 1, 'sipsak 0.9.8.1')], { flow: sipFlow })).toEqual(
      [],
    );
    // Agents named as words only: a client called SIPClient is no sipcli.
    expect(runThreat(sipScan, [request('OPTIONS', '1', 1, 'Acme SIPClient/2.1')], { flow: sipFlow })).toEqual(
      [],
    );
    expect(runThreat(sipScan, [request('OPTIONS', '1', 1, 'sipcli/v1.8')], { flow: sipFlow })).toHaveLength(
      1,
    );
  });

  it('reports an extension sweep mostly answered 404 at the 20th refused user, with no User-Agent at all', () => {
    const events = sweep(990, 30, (n) => (n >= 1000 && n <= 1005 ? 401 : 404));
    const hits = runThreat(sipScan, events, { flow: sipFlow });
    expect(hits.map((h) => [h.severity, h.count])).toEqual([['high', 20]]);
    expect(hits[0]?.evidence).toBe(
      'SIP extension enumeration: 20 distinct users asked of 10.0.0.9:5060 refused within 60000 ms (0 otherwise answered); 6 of them asked for a password, so they exist',
    );
  });

  it("reads svwar's real compact REGISTERs and kamailio's answers the same way", () => {
    const base = told([
      ['to-server', m('svwarRegister1000')],
      ['to-client', m('svwarUnauthorized1000')],
    ]);
    // The same exchange for 25 extensions: the captured one, its user renamed per copy.
    const events = Array.from({ length: 25 }, (_, i) =>
      base.map((e) => {
        const op = e as OperationEvent;
        const sipFacts = op.sip as SipFacts;
        const user = `${2000 + i}`;
        const answers =
          sipFacts.answers === undefined ? {} : { answers: { ...sipFacts.answers, toUser: user } };
        return { ...op, ts: i * 10, sip: { ...sipFacts, toUser: user, ...answers } };
      }),
    ).flat();
    expect(runThreat(sipScan, events, { flow: sipFlow }).map((h) => h.count)).toEqual([20]);
  });

  it("leaves a proxy's challenged calls alone: each user refused 407 then answered, and a few misdialled numbers", () => {
    const calls = Array.from({ length: 40 }, (_, i) => [
      request('INVITE', `${3000 + i}`, i * 10),
      answer(407, `${3000 + i}`, i * 10 + 1, { method: 'INVITE' }),
      request('INVITE', `${3000 + i}`, i * 10 + 2),
      answer(200, `${3000 + i}`, i * 10 + 3, { method: 'INVITE' }),
    ]).flat();
    const misdialled = sweep(9000, 5, () => 404);
    expect(runThreat(sipScan, [...calls, ...misdialled], { flow: sipFlow })).toEqual([]);
  });

  it('counts refusals within the window only, and never an allowed client', () => {
    const slow = Array.from({ length: 30 }, (_, i) => [
      request('REGISTER', `${i}`, i * 5_000),
      answer(404, `${i}`, i * 5_000 + 1),
    ]).flat();
    expect(runThreat(sipScan, slow, { flow: sipFlow })).toEqual([]);
    const events = sweep(990, 30, () => 404);
    expect(runThreat(sipScan, events, { flow: sipFlow, config: { allowClients: ['10.0.0.0/24'] } })).toEqual(
      [],
    );
    expect(runThreat(sipScan, events, { flow: sipFlow, config: { enumerationSeverity: 'off' } })).toEqual([]);
  });
});
