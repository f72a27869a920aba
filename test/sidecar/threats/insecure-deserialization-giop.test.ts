/**
 * insecure-deserialization on GIOP (WebLogic's IIOP, CVE-2020-2551 and kin): requests read by the real parser and
 * handed to the runner with every registered detector and the shipped policy, as the tap does. The gadget request
 * is built after the public exploits' layout (giop-gadget.ts); the naming traffic is omniORB's own
 * (giop-messages.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import type { Direction, ProtocolEvent } from '#sidecar/events.ts';
import { giop } from '#sidecar/protocols/giop.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { giopFragment, giopRequest } from '#test/fixtures/protocols/giop-builder.ts';
import { dateRebind, jtaRebind } from '#test/fixtures/protocols/giop-gadget.ts';
import * as omniorb from '#test/fixtures/protocols/giop-messages.ts';
import { flow } from './threat-factories.ts';

const orbFlow = flow({ protocol: 'giop' });

const findings = (segments: readonly (readonly [Direction, Uint8Array])[]): [string, string][] => {
  const parser = giop.createParser();
  const runner = createThreatRunner();
  for (const [direction, bytes] of segments)
    for (const event of parser.parse(bytes, direction, 1_000) as ProtocolEvent[])
      runner.onEvent(orbFlow, event);
  runner.onFlowEnd(orbFlow);
  return runner
    .drain(1_000_000)
    .filter((f): f is ThreatFinding => f.type === 'threat')
    .map((f) => [f.severity, `${f.threat}: ${f.evidence}`]);
};

const jta = 'com.bea.core.repackaged.springframework.transaction.jta.JtaTransactionManager';

describe('insecure-deserialization on GIOP', () => {
  it("reports CVE-2020-2551's JtaTransactionManager value type critical, naming the request and the class", () => {
    expect(findings([['to-server', jtaRebind]])).toEqual([
      [
        'critical',
        `insecure-deserialization: GIOP request rebind_any NameService, its arguments RMI-IIOP value types of ${jta} with gadget Spring JtaTransactionManager JNDI lookup — giop request: GIOP 1.2 id=3 name=pwn; repository ids RMI:${jta}`,
      ],
    ]);
  });

  it("reports CVE-2023-21839's ForeignOpaqueReference, also when the request came in fragments", () => {
    const request = giopRequest(2, true, {
      id: 21,
      operation: 'rebind_any',
      key: 'NameService',
      args: (c) =>
        c
          .ulong(1)
          .string('x')
          .string('')
          .ulong(0x7fffff02)
          .string('RMI:weblogic.deployment.jms.ForeignOpaqueReference:D2369B8F2A33D0E7:0000000000000001'),
    });
    const head = Uint8Array.from(request.subarray(0, 72));
    head[6] = 3;
    new DataView(head.buffer).setUint32(8, 60, true);
    const rest = giopFragment(2, true, 21, [...request.subarray(72)]);
    const [[severity, evidence] = []] = findings([
      ['to-server', head],
      ['to-server', rest],
    ]);
    expect([severity, evidence?.split(' — ')[0]]).toEqual([
      'critical',
      'insecure-deserialization: GIOP request rebind_any NameService, its arguments RMI-IIOP value types of weblogic.deployment.jms.ForeignOpaqueReference with gadget WebLogic ForeignOpaqueReference JNDI lookup (CVE-2023-21839)',
    ]);
  });

  it('leaves an ordinary RMI-IIOP value, omniORB naming traffic and a gadget sent by the server alone', () => {
    expect(findings([['to-server', dateRebind]])).toEqual([]);
    const naming = [
      omniorb.isA10,
      omniorb.bindNewContext10,
      omniorb.resolveMissing10,
      omniorb.bind10,
      omniorb.isA12,
      omniorb.list12,
      omniorb.nextOne12,
      omniorb.resolveNope12,
    ];
    expect(findings(naming.map((bytes) => ['to-server', bytes] as const))).toEqual([]);
    expect(findings([['to-client', jtaRebind]])).toEqual([]);
  });
});
