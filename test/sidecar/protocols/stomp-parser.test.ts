/**
 * The STOMP parser on ActiveMQ 5.17.2's and stomp.py 8's frames (stomp-messages.ts), whole, split at every octet and
 * octet by octet; and on frames built by hand after the STOMP 1.2 specification: heart-beats, a 1.0 body without
 * content-length, a binary body holding NULs, a frame past 64 KiB skipped by its content-length, losses, and the
 * bodies handed to insecure-deserialization.
 */
import { describe, expect, it } from 'vitest';
import type { DbAuthEvent, OperationEvent, ProtocolEvent } from '#sidecar/events.ts';
import { stomp } from '#sidecar/protocols/stomp.ts';
import {
  ascii,
  concat,
  everySplitAgrees,
  feed,
  feedByteByByte,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { consumer12, legacy10, refused11, session12 } from '#test/fixtures/protocols/stomp-messages.ts';

const m = session12.messages;
const session: Segment[] = [
  ['to-server', session12.stomp],
  ['to-client', session12.connected],
  ['to-server', concat(session12.subscribe, session12.send, session12.begin)],
  ['to-server', concat(session12.sendInTransaction(43), session12.sendInTransaction(44), session12.commit)],
  ...[0, 1, 2].flatMap((i): Segment[] => [
    ['to-client', m[i] ?? new Uint8Array()],
    ['to-server', session12.ack(i + 1)],
  ]),
  ['to-server', session12.heartBeat],
  ['to-client', session12.heartBeat],
  ['to-server', session12.disconnect],
  ['to-client', session12.receipt],
];

const operations = (events: readonly unknown[]): string[] =>
  (events as ProtocolEvent[]).flatMap((e) =>
    e.kind === 'operation' ? [`${e.direction} ${e.operation}${e.detail ? ` | ${e.detail}` : ''}`] : [],
  );
const logins = (events: readonly unknown[]): DbAuthEvent[] =>
  (events as ProtocolEvent[]).filter((e): e is DbAuthEvent => e.kind === 'db-auth');
const parse = (...segments: Segment[]): ProtocolEvent[] => {
  const parser = stomp.createParser();
  return segments.flatMap(([direction, bytes]) => parser.parse(bytes, direction, 1));
};
const sent = (events: readonly ProtocolEvent[]): OperationEvent | undefined =>
  events.find((e): e is OperationEvent => e.kind === 'operation' && e.operation.startsWith('SEND'));

describe('stomp parser', () => {
  it("tells ActiveMQ's session as operations with destinations, versions, transactions and ACK counts", () => {
    const tx = 'transaction=cc186350-0439-45e9-bfb5-82260066592e';
    const id = (n: number): string => `ID:vm-38997-1795943072465-1:1:-1:1:${n}`;
    expect(operations(feed(stomp, session))).toEqual([
      'to-server STOMP | accept-version=1.2 host=broker.example login=alice heart-beat=500,500',
      'to-client CONNECTED | version=1.2 server=ActiveMQ/5.17.2 heart-beat=500,500 session=ID:vm-38997-1795943072465-1:1',
      'to-server SUBSCRIBE /queue/orders | id=sub-1 ack=client-individual',
      'to-server SEND /queue/orders | content-type=text/plain content-length=8',
      `to-server BEGIN | ${tx}`,
      `to-server SEND /queue/orders | ${tx} content-length=8`,
      `to-server SEND /queue/orders | ${tx} content-length=8`,
      `to-server COMMIT | ${tx}`,
      `to-client MESSAGE /queue/orders | subscription=sub-1 message-id=${id(1)} content-type=text/plain`,
      'to-server ACK | id=ID:vm-38997-1795943072465-2:1 count=1',
      `to-client MESSAGE /queue/orders | subscription=sub-1 message-id=${id(2)}`,
      'to-server ACK | id=ID:vm-38997-1795943072465-2:2 count=2',
      `to-client MESSAGE /queue/orders | subscription=sub-1 message-id=${id(3)}`,
      'to-server ACK | id=ID:vm-38997-1795943072465-2:3 count=3',
      'to-server DISCONNECT | receipt=67dbb449-283a-4565-9316-041c92572c2d',
      'to-client RECEIPT | receipt-id=67dbb449-283a-4565-9316-041c92572c2d',
    ]);
  });

  it('tells each login with its answer, cleartext when a passcode was sent, and never the passcode', () => {
    const accepted = feed(stomp, session);
    expect(logins(accepted)).toEqual([
      {
        kind: 'db-auth',
        direction: 'to-client',
        dialect: 'stomp',
        ok: true,
        user: 'alice',
        method: 'cleartext',
      },
    ]);
    expect(JSON.stringify(accepted)).not.toContain('s3cret');
    const refused = feed(stomp, [
      ['to-server', refused11.stomp],
      ['to-client', refused11.error],
    ]);
    expect(logins(refused)).toEqual([
      {
        kind: 'db-auth',
        direction: 'to-client',
        dialect: 'stomp',
        ok: false,
        user: 'alice',
        message: 'User name [alice] or password is invalid.',
        method: 'cleartext',
      },
    ]);
    expect(operations(refused)[1]).toBe(
      'to-client ERROR | message=User name [alice] or password is invalid.',
    );
    const anonymous = parse(
      ['to-server', ascii('CONNECT\naccept-version:1.2\nhost:b\n\n\0')],
      ['to-client', session12.connected],
    );
    expect(logins(anonymous)).toEqual([
      { kind: 'db-auth', ts: 1, direction: 'to-client', dialect: 'stomp', ok: true },
    ]);
  });

  it('gives the same events whatever the segments, down to one octet at a time', () => {
    expect(everySplitAgrees(stomp, session).mismatch).toBeUndefined();
    expect(feedByteByByte(stomp, session)).toEqual(feed(stomp, session));
  });

  it("hands a SEND's Java object stream to the detectors, and a plain body not", () => {
    const legacy = parse(['to-server', legacy10.connect], ['to-server', legacy10.sendObject]);
    expect(sent(legacy)?.operation).toBe('SEND /queue/objects');
    expect(Buffer.from(sent(legacy)?.serialized ?? []).toString('latin1')).toMatch(
      /^\xac\xed\x00\x05sr\x00\.javax\.management\.BadAttributeValueExpException/,
    );
    expect(sent(legacy)?.serialized).toHaveLength(67);
    expect(sent(parse(['to-server', session12.send]))?.serialized).toBeUndefined();
  });

  it("hands the broker's MESSAGE carrying a Java object stream to the detectors, a text MESSAGE and a client's not", () => {
    const consumer = parse(['to-server', consumer12.subscribe], ['to-client', consumer12.messageObject]);
    const delivered = consumer.find(
      (e) => e.kind === 'operation' && e.operation === 'MESSAGE /queue/objects',
    );
    expect(delivered?.kind === 'operation' && delivered.direction).toBe('to-client');
    expect(
      Buffer.from((delivered?.kind === 'operation' && delivered.serialized) || []).toString('latin1'),
    ).toMatch(/^\xac\xed\x00\x05sr\x00\.javax\.management\.BadAttributeValueExpException/);
    expect(delivered?.kind === 'operation' && delivered.serialized).toHaveLength(67);
    const orders = parse(
      ['to-client', session12.connected],
      ...session12.messages.map((m) => ['to-client', m] as const),
    );
    expect(orders.filter((e) => e.kind === 'operation' && e.serialized !== undefined)).toEqual([]);
    // A MESSAGE frame from the client is no delivery (and no command a client has).
    const backwards = parse(['to-server', consumer12.messageObject]);
    expect(backwards.filter((e) => e.kind === 'operation' && e.serialized !== undefined)).toEqual([]);
  });

  it('hands over the body ActiveMQ unmarshals with XStream: a jms-object or jms-map transformation, no content-length', () => {
    const xml = '<sorted-set><javax.naming.ldap.Rdn_-RdnEntry/></sorted-set>';
    const send = (headers: string): ProtocolEvent[] =>
      parse(['to-server', ascii(`SEND\ndestination:/queue/x\n${headers}\n${xml}\0`)]);
    for (const t of ['jms-object-xml', 'jms-object-json', 'jms-map-xml', 'jms-map-json']) {
      const event = sent(send(`transformation:${t}\n`));
      expect(Buffer.from(event?.serialized ?? []).toString()).toBe(xml);
      expect(event?.detail).toBe(`transformation=${t}`);
    }
    // With a content-length the broker makes a bytes message, and jms-xml is what a consumer asks for.
    expect(
      sent(send(`transformation:jms-object-xml\ncontent-length:${xml.length}\n`))?.serialized,
    ).toBeUndefined();
    expect(sent(send('transformation:jms-xml\n'))?.serialized).toBeUndefined();
  });

  it('reads 1.0 bodies to their NUL, binary bodies by content-length, CR LF lines and escapes', () => {
    const binary = concat(
      ascii('SEND\r\ndestination:/queue/bin\r\ncontent-length:4\r\n\r\n'),
      Uint8Array.of(0, 0xff, 0, 1, 0),
    );
    const events = parse([
      'to-server',
      concat(
        ascii('\n\nSEND\ndestination:/queue/a\\cb\\\\c\n\nno length\0\n'),
        binary,
        ascii('\r\nUNSUBSCRIBE\nid:sub-1\n\n\0'),
      ),
    ]);
    expect(operations(events)).toEqual([
      'to-server SEND /queue/a:b\\c',
      'to-server SEND /queue/bin | content-length=4',
      'to-server UNSUBSCRIBE | id=sub-1',
    ]);
  });

  it('skips the rest of a frame past 64 KiB by its content-length, and reads the next', () => {
    const size = 100_000;
    const big = concat(
      ascii(`SEND\ndestination:/queue/big\ncontent-length:${size}\n\n`),
      new Uint8Array(size + 1),
    );
    const after = ascii('COMMIT\ntransaction:t1\n\n\0');
    const chunks: Segment[] = [];
    for (let at = 0; at < big.length; at += 1460) chunks.push(['to-server', big.subarray(at, at + 1460)]);
    expect(operations(parse(...chunks, ['to-server', after]))).toEqual([
      `to-server SEND /queue/big | content-length=${size}`,
      'to-server COMMIT | transaction=t1',
    ]);
  });

  it('stays in frame after a loss inside a body of known length, and stops after one it cannot place', () => {
    const parser = stomp.createParser();
    const frame = concat(ascii('SEND\ndestination:/q\ncontent-length:1000\n\n'), new Uint8Array(1001));
    parser.parse(frame.subarray(0, 100), 'to-server', 1);
    parser.gap('to-server', 500);
    const next = parser.parse(concat(frame.subarray(600), session12.commit), 'to-server', 2);
    expect(operations(next)).toEqual(['to-server COMMIT | transaction=cc186350-0439-45e9-bfb5-82260066592e']);
    parser.gap('to-server');
    expect(parser.parse(session12.commit, 'to-server', 3)).toEqual([]);
  });

  it('stops a direction whose frame does not end at its NUL, or that is no STOMP at all', () => {
    const parser = stomp.createParser();
    const wrong = ascii('SEND\ndestination:/q\ncontent-length:2\n\nabc\0');
    expect(parser.parse(wrong, 'to-server', 1)).toEqual([]);
    expect(parser.parse(session12.commit, 'to-server', 2)).toEqual([]);
    expect(parse(['to-server', ascii('GET / HTTP/1.1\r\n\r\n')], ['to-server', session12.commit])).toEqual(
      [],
    );
  });
});
