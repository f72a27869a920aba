/**
 * The detectors that judge STOMP, on frames read by the real parser and handed to the runner with every registered
 * detector and the shipped policy, as the tap does: cleartext-credentials (a CONNECT's passcode, told with the
 * broker's answer), db-auth-brute-force (CONNECTs answered by ERROR), insecure-deserialization (a SEND's Java stream,
 * or the XStream document ActiveMQ unmarshals, and a MESSAGE delivering a Java stream to a consumer). Logins are ActiveMQ 5.17.2's and stomp.py 8's (stomp-messages.ts);
 * the gadget documents are written here after the public XStream exploits' shape.
 */
import { describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import type { ObservedFlow } from '#sidecar/engine-observer.ts';
import type { Direction, ProtocolEvent } from '#sidecar/events.ts';
import { stomp } from '#sidecar/protocols/stomp.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { ascii } from '#test/fixtures/protocols/protocol-harness.ts';
import { consumer12, legacy10, refused11, session12 } from '#test/fixtures/protocols/stomp-messages.ts';
import { flow } from './threat-factories.ts';

type Segments = readonly (readonly [Direction, Uint8Array])[];

const findings = (connections: readonly Segments[]): [string, string, string][] => {
  const runner = createThreatRunner();
  connections.forEach((segments, i) => {
    const brokerFlow: ObservedFlow = flow({
      protocol: 'stomp',
      key: `tcp 10.0.0.5:${40000 + i} 10.0.0.9:61613`,
      client: { ip: '10.0.0.5', port: 40000 + i },
      server: { ip: '10.0.0.9', port: 61613 },
    });
    const parser = stomp.createParser();
    segments.forEach(([direction, bytes], n) => {
      for (const event of parser.parse(bytes, direction, 1_000 + i * 100 + n) as ProtocolEvent[])
        runner.onEvent(brokerFlow, event);
    });
    runner.onFlowEnd(brokerFlow);
  });
  return runner
    .drain(1_000_000)
    .filter((f): f is ThreatFinding => f.type === 'threat')
    .map((f) => [f.threat, f.severity, f.evidence]);
};

const send = (headers: string, body: string): Uint8Array =>
  ascii(`SEND\ndestination:/queue/orders\n${headers}\n${body}\0`);
/** marshalsec's XStream ImageIO chain, shortened: a sorted-set whose comparison runs a command. */
const xstreamGadget =
  '<sorted-set><dynamic-proxy><interface>java.lang.Comparable</interface><handler class="java.beans.EventHandler">' +
  '<target class="java.lang.ProcessBuilder"><command><string>id</string></command></target>' +
  '<action>start</action></handler></dynamic-proxy></sorted-set>';

describe('threats on STOMP', () => {
  it("reports a CONNECT's passcode sent unencrypted once, naming the user, never the passcode", () => {
    const found = findings([
      [
        ['to-server', session12.stomp],
        ['to-client', session12.connected],
      ],
    ]);
    expect(found).toEqual([
      [
        'cleartext-credentials',
        'medium',
        'a stomp password for user alice (cleartext method) sent unencrypted',
      ],
    ]);
    expect(JSON.stringify(found)).not.toContain('s3cret');
  });

  it('reports repeated refused logins as password guessing, and one refusal not', () => {
    const refused: Segments = [
      ['to-server', refused11.stomp],
      ['to-client', refused11.error],
    ];
    const guessing = findings(Array.from({ length: 10 }, () => refused)).filter(
      ([t]) => t !== 'cleartext-credentials',
    );
    expect(guessing).toEqual([
      ['db-auth-brute-force', 'high', '10 failed stomp logins within 60000 ms for 1 user name(s)'],
    ]);
    expect(findings([refused]).filter(([t]) => t === 'db-auth-brute-force')).toEqual([]);
  });

  it('reports a SEND whose Java object stream names a gadget critical', () => {
    expect(
      findings([
        [
          ['to-server', legacy10.connect],
          ['to-server', legacy10.sendObject],
        ],
      ]),
    ).toEqual([
      [
        'insecure-deserialization',
        'critical',
        'STOMP SEND /queue/objects, its body a Java serialized object a consumer that reads it deserializes with gadget ' +
          'BadAttributeValueExpException toString trigger (ysoserial CommonsCollections5) — stomp message: 67 octets',
      ],
    ]);
  });

  it("reports the MESSAGE that delivers a gadget to a consumer critical, on the consumer's connection", () => {
    expect(
      findings([
        [
          ['to-server', consumer12.subscribe],
          ['to-client', consumer12.messageObject],
        ],
      ]),
    ).toEqual([
      [
        'insecure-deserialization',
        'critical',
        'STOMP MESSAGE /queue/objects delivered to this consumer, its body a Java serialized object the consumer ' +
          'deserializes when it reads it with gadget BadAttributeValueExpException toString trigger (ysoserial ' +
          'CommonsCollections5) — stomp dispatch: 67 octets',
      ],
    ]);
    expect(findings([session12.messages.map((m) => ['to-client', m] as const)])).toEqual([]);
  });

  it('reports an XStream gadget sent for jms-object-xml critical; the same text as a bytes message, or a POJO, not', () => {
    const judged = findings([[['to-server', send('transformation:jms-object-xml\n', xstreamGadget)]]]);
    expect(judged.map(([t, s]) => [t, s])).toEqual([['insecure-deserialization', 'critical']]);
    expect(judged[0]?.[2]).toContain(
      "STOMP SEND /queue/orders with an XStream transformation (transformation=jms-object-xml), its body a document ActiveMQ's broker unmarshals",
    );
    const length = `content-length:${xstreamGadget.length}\n`;
    expect(
      findings([[['to-server', send(`transformation:jms-object-xml\n${length}`, xstreamGadget)]]]),
    ).toEqual([]);
    const pojo = '<com.shop.Order><id>42</id><sku>A-1</sku></com.shop.Order>';
    expect(findings([[['to-server', send('transformation:jms-object-xml\n', pojo)]]])).toEqual([]);
    expect(findings([[['to-server', session12.send]]])).toEqual([]);
  });
});
