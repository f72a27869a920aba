/**
 * A Java gadget chain padded past the 64 KiB a parser keeps of a message ("dirty data": long strings in an envelope
 * before the chain), on each protocol that carries Java streams: Java RMI, WebLogic T3, STOMP, beanstalkd and Gearman.
 * The messages are written here from each protocol's grammar around the envelope of serialized-objects.ts, fed in
 * 1,460-octet segments as TCP delivers them, read by the real parser and judged by every registered detector with the
 * shipped policy. The same chain unpadded, and the padding without a chain, are the controls.
 */
import { describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import type { ProtocolId } from '#core/protocol-id.ts';
import type { Direction, OperationEvent, ProtocolEvent } from '#sidecar/events.ts';
import { beanstalkd } from '#sidecar/protocols/beanstalkd.ts';
import { gearman } from '#sidecar/protocols/gearman.ts';
import { javaRmi } from '#sidecar/protocols/java-rmi.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { stomp } from '#sidecar/protocols/stomp.ts';
import { t3 } from '#sidecar/protocols/t3.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { rmiAck, rmiEndpoint, rmiOpening, rmiReturn } from '#test/fixtures/protocols/java-rmi-messages.ts';
import { ascii, concat } from '#test/fixtures/protocols/protocol-harness.ts';
import { t3Hello, t3Helo, t3Message } from '#test/fixtures/protocols/t3-messages.ts';
import {
  commonsCollectionsChain,
  javaStream,
  paddedJavaChain,
  plainJavaObject,
} from '#test/fixtures/serialization/serialized-objects.ts';
import { flow } from './threat-factories.ts';

type Segments = readonly (readonly [Direction, Uint8Array])[];

/** Each segment cut into 1,460-octet pieces, as an Ethernet MSS delivers it. */
const mss = (segments: Segments): Segments =>
  segments.flatMap(([direction, bytes]) =>
    Array.from({ length: Math.ceil(bytes.length / 1460) }, (_, i): readonly [Direction, Uint8Array] => [
      direction,
      bytes.subarray(i * 1460, (i + 1) * 1460),
    ]),
  );

/** The events of one connection, the parser's end included. */
const events = (protocol: Protocol, segments: Segments): ProtocolEvent[] => {
  const parser = protocol.createParser();
  const out = mss(segments).flatMap(([direction, bytes], n) => parser.parse(bytes, direction, 1_000 + n));
  return [...out, ...(parser.end?.() ?? [])];
};

const findings = (protocol: Protocol, id: ProtocolId, segments: Segments): [string, string, string][] => {
  const runner = createThreatRunner();
  const observed = flow({
    protocol: id,
    client: { ip: '10.0.0.5', port: 40000 },
    server: { ip: '10.0.0.9', port: 7001 },
  });
  for (const event of events(protocol, segments)) runner.onEvent(observed, event);
  runner.onFlowEnd(observed);
  return runner
    .drain(1_000_000)
    .filter((f): f is ThreatFinding => f.type === 'threat' && f.threat === 'insecure-deserialization')
    .map((f) => [f.threat, f.severity, f.evidence]);
};

const u32 = (n: number): Uint8Array =>
  Uint8Array.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/** How each protocol carries one stream from a client. */
const carriers: readonly { id: ProtocolId; protocol: Protocol; carry(stream: Uint8Array): Segments }[] = [
  {
    id: 'rmi',
    protocol: javaRmi,
    // A call's stream has no length: it ends where the server's answer begins.
    carry: (stream) => [
      ['to-server', rmiOpening],
      ['to-client', rmiAck],
      ['to-server', rmiEndpoint],
      ['to-server', concat(Uint8Array.of(0x50), stream)],
      ['to-client', rmiReturn],
    ],
  },
  {
    id: 't3',
    protocol: t3,
    carry: (stream) => [
      ['to-server', t3Hello],
      ['to-client', t3Helo],
      ['to-server', t3Message(stream)],
    ],
  },
  {
    id: 'stomp',
    protocol: stomp,
    carry: (stream) => [
      ['to-server', ascii('CONNECT\naccept-version:1.2\nhost:/\n\n\0')],
      [
        'to-server',
        concat(ascii(`SEND\ndestination:/queue/a\ncontent-length:${stream.length}\n\n`), stream, ascii('\0')),
      ],
    ],
  },
  {
    id: 'beanstalkd',
    protocol: beanstalkd,
    carry: (stream) => [
      ['to-server', concat(ascii(`put 0 0 60 ${stream.length}\r\n`), stream, ascii('\r\n'))],
    ],
  },
  {
    id: 'gearman',
    protocol: gearman,
    carry: (stream) => {
      const fields = ascii('resize\0job-1\0');
      return [
        ['to-server', concat(ascii('\0REQ'), u32(7), u32(fields.length + stream.length), fields, stream)],
      ];
    },
  },
];

const padded = javaStream(paddedJavaChain(200_000));
const paddedPlain = javaStream(paddedJavaChain(200_000, plainJavaObject));

describe('a gadget chain padded past the 64 KiB kept of a message', () => {
  it('builds an envelope whose chain begins past 64 KiB', () => {
    const at = Buffer.from(padded).indexOf('org.apache.commons.collections4');
    expect(at).toBeGreaterThan(200_000);
    expect(padded.length).toBeGreaterThan(at);
  });

  for (const { id, protocol, carry } of carriers) {
    it(`${id}: reports the chain critical, naming the class found past the kept octets`, () => {
      const found = findings(protocol, id, carry(padded));
      expect(found).toHaveLength(1);
      const [[threat, severity, evidence] = []] = found;
      expect([threat, severity]).toEqual(['insecure-deserialization', 'critical']);
      expect(evidence).toMatch(/CommonsCollections/);
      expect(evidence).toMatch(
        /the stream padded past them: org\.apache\.commons\.collections4\.\S+ named after the first 64 KiB/,
      );
    });

    it(`${id}: tells the chain unpadded as before, and padding without a chain not at all`, () => {
      const plain = findings(protocol, id, carry(javaStream(commonsCollectionsChain)));
      expect(plain.map(([, severity]) => severity)).toEqual(['critical']);
      expect(plain[0]?.[2]).not.toMatch(/padded/);
      expect(findings(protocol, id, carry(paddedPlain))).toEqual([]);
    });
  }

  it('tells a held message once, with the classes seen, when the flow ends before its rest has gone by', () => {
    const put = concat(ascii(`put 0 0 60 ${padded.length}\r\n`), padded, ascii('\r\n'));
    const told = events(beanstalkd, [['to-server', put.subarray(0, put.length - 10)]]).filter(
      (e): e is OperationEvent => e.kind === 'operation' && e.restClasses !== undefined,
    );
    expect(told).toHaveLength(1);
    expect(told[0]?.restClasses).toContain('org.apache.commons.collections4.functors.InvokerTransformer');
  });
});
