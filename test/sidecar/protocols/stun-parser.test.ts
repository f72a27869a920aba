/**
 * The stun parser's events from coturn 4.6.1's bytes (stun-messages.ts): operations by method and class, the facts
 * of each (addresses decoded, error with reason, SOFTWARE, REALM, a shortened USERNAME, integrity, fingerprint), peers
 * paired with the server's answers by transaction id, and data counted; hand-built IPv6 peers, Connect, ChannelData
 * padded over TCP, a ConnectionBind's raw data.
 */
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { stun, stunStream } from '#sidecar/protocols/stun.ts';
import { concat, everySplitAgrees, feed, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  channelData as buildChannelData,
  peerAttribute,
  stunMessage,
  transaction,
} from '#test/fixtures/protocols/stun-builder.ts';
import * as coturn from '#test/fixtures/protocols/stun-messages.ts';

const up = (b: Uint8Array): Segment => ['to-server', b];
const down = (b: Uint8Array): Segment => ['to-client', b];
const events = (segments: readonly Segment[], protocol = stun) => {
  const parser = protocol.createParser();
  const out = segments.flatMap(([d, b], i) => parser.parse(b, d, i));
  return [...out, ...(parser.end?.() ?? [])] as OperationEvent[];
};
const names = (list: readonly OperationEvent[]) => list.map((e) => e.operation);
const detailOf = (list: readonly OperationEvent[], operation: string) =>
  list.find((e) => e.operation === operation)?.detail;

describe('stun parser: coturn', () => {
  it('tells a Binding and its XOR-MAPPED-ADDRESS, with the server software', () => {
    const list = events([up(coturn.bindingRequest), down(coturn.bindingSuccess)]);
    expect(names(list)).toEqual([
      'Binding request',
      'Binding success',
      "software Coturn-4.6.1 'Gorst'",
      'mapped 127.0.0.1:41693',
    ]);
    // turnutils_stunclient's answer has no FINGERPRINT; an allocation's answer has, and coturn's CRC holds.
    expect(detailOf(list, 'Binding success')).not.toContain('fingerprint');
    expect(detailOf(events([down(coturn.allocateSuccess)]), 'Allocate success')).toContain('fingerprint=ok');
  });

  it("tells an authenticated allocation: the 401's reason, REALM, the user shortened, the relayed address", () => {
    const list = events([
      up(coturn.allocateRequest),
      down(coturn.allocateUnauthorized),
      up(coturn.allocateAuthenticated),
      down(coturn.allocateSuccess),
    ]);
    expect(names(list)).toEqual([
      'Allocate request',
      'requested-transport udp',
      'Allocate error 401',
      "software Coturn-4.6.1 'Gorst'",
      'realm meshward.test',
      'Allocate request',
      'message-integrity sha1',
      'Allocate success',
      'mapped 127.0.0.1:49211',
      'relayed-address 127.0.0.1:49153',
    ]);
    expect(detailOf(list, 'Allocate error 401')).toContain('error="401 Unauthorized"');
    const authenticated = list.filter((e) => e.operation === 'Allocate request')[1]?.detail ?? '';
    expect(authenticated).toContain('user=al… (5)');
    expect(authenticated).toContain('integrity=sha1');
    expect(authenticated).not.toContain('alice');
    expect(detailOf(list, 'Allocate request')).toContain('integrity=none');
    expect(detailOf(list, 'Allocate success')).toContain('lifetime=777');
  });

  it('pairs each peer with the answer to its request, and counts ChannelData, never reading it', () => {
    const list = events([
      up(coturn.channelBindRequest),
      down(coturn.channelBindSuccess),
      up(coturn.createPermissionRequest),
      down(coturn.createPermissionSuccess),
      up(coturn.loopbackChannelBind),
      down(coturn.loopbackRefused),
      up(coturn.channelData),
    ]);
    const peers = list.filter((e) => e.turnPeer !== undefined).map((e) => [e.operation, e.turnPeer?.step]);
    expect(peers).toEqual([
      ['peer 198.51.100.7:3481 ChannelBind asked', 'asked'],
      ['peer 198.51.100.7:3481 ChannelBind granted', 'granted'],
      ['peer 198.51.100.7:3480 CreatePermission asked', 'asked'],
      ['peer 198.51.100.7:3480 CreatePermission granted', 'granted'],
      ['peer 127.0.0.1:3481 ChannelBind asked', 'asked'],
      ['peer 127.0.0.1:3481 ChannelBind refused 403', 'refused'],
    ]);
    expect(list.find((e) => e.turnPeer?.step === 'refused')?.turnPeer?.error).toBe('403 Forbidden IP');
    expect(detailOf(list, 'ChannelBind request')).toContain('channel=0x56f0');
    // Channel 0x7110 was never bound in these messages: counted, no peer named.
    expect(names(list).at(-1)).toBe('relayed 1 ChannelData to the server (40 octets)');
  });

  it('tells data relayed with a granted peer: a Send after the grant, the Data indication back', () => {
    const list = events([
      up(coturn.createPermissionRequest),
      down(coturn.createPermissionSuccess),
      up(coturn.sendIndication),
      down(coturn.dataIndication),
    ]);
    expect(names(list).filter((n) => n.startsWith('peer ') || n.startsWith('relayed'))).toEqual([
      'peer 198.51.100.7:3480 CreatePermission asked',
      'peer 198.51.100.7:3480 CreatePermission granted',
      'peer 198.51.100.7:3480 Send asked',
      'peer 198.51.100.7:3480 Send relayed',
      'peer 198.51.100.7:3480 Data relayed',
      'relayed 1 Send (40 octets), 1 Data (40 octets)',
    ]);
  });

  it('reads two requests in one TCP segment and ChannelData after them, however the stream is cut', () => {
    const segments = [up(coturn.tcpTwoRequests), up(coturn.tcpChannelData)];
    const list = events(segments, stunStream);
    expect(names(list).filter((n) => n.endsWith('request'))).toEqual([
      'CreatePermission request',
      'ChannelBind request',
    ]);
    expect(names(list).at(-1)).toBe('relayed 1 ChannelData to the server (40 octets)');
    expect(everySplitAgrees(stunStream, segments).mismatch).toBeUndefined();
  });
});

describe('stun parser: hand-built', () => {
  const id = transaction(3);

  it('decodes an IPv6 and an IPv4-mapped XOR-PEER-ADDRESS, and a bad FINGERPRINT', () => {
    const request = stunMessage(
      0x0008,
      id,
      [peerAttribute('2001:db8::7', 3480, id), peerAttribute('::ffff:7f00:1', 22, id)],
      {
        fingerprint: true,
      },
    );
    const list = events([up(request)]);
    expect(detailOf(list, 'CreatePermission request')).toContain(
      'peer=[2001:db8::7]:3480,[::ffff:7f00:1]:22',
    );
    expect(detailOf(list, 'CreatePermission request')).toContain('fingerprint=ok');
    const broken = Uint8Array.from(request);
    broken[broken.length - 1] = (broken.at(-1) ?? 0) ^ 1;
    expect(detailOf(events([up(broken)]), 'CreatePermission request')).toContain('fingerprint=bad');
  });

  it('tells an RFC 6062 Connect granted, then counts the bound connection as raw data', () => {
    const connect = stunMessage(0x000a, id, [peerAttribute('0.0.0.0', 6379, id)]);
    const granted = stunMessage(0x010a, id, [[0x002a, Uint8Array.of(0, 0, 0, 9)]]);
    const bindId = transaction(4);
    const bind = stunMessage(0x000b, bindId, [[0x002a, Uint8Array.of(0, 0, 0, 9)]]);
    const bound = stunMessage(0x010b, bindId, []);
    const list = events(
      [up(connect), down(granted), up(bind), down(bound), up(Uint8Array.of(0x2a, 0x31, 0x0d, 0x0a))],
      stunStream,
    );
    expect(list.filter((e) => e.turnPeer !== undefined).map((e) => e.operation)).toEqual([
      'peer 0.0.0.0:6379 Connect asked',
      'peer 0.0.0.0:6379 Connect granted',
    ]);
    expect(detailOf(list, 'Connect success')).toContain('connection=9');
    expect(names(list).at(-1)).toBe('relayed connection data 4 octets up, 0 down');
  });

  it('steps over ChannelData padded to 4 octets over TCP, however cut', () => {
    const segments = [
      up(buildChannelData(0x4001, Uint8Array.of(1, 2, 3, 4, 5), true)),
      up(coturn.createPermissionRequest),
    ];
    expect(names(events(segments, stunStream))).toContain('CreatePermission request');
    expect(everySplitAgrees(stunStream, segments).mismatch).toBeUndefined();
  });

  it('stops a TCP direction at an octet that opens nothing, and counts datagrams beside STUN (RFC 7983)', () => {
    const stopped = events(
      [up(concat(Uint8Array.of(0x99, 0, 0, 0), coturn.createPermissionRequest))],
      stunStream,
    );
    expect(names(stopped)).toEqual([]);
    const list = events([
      up(coturn.bindingRequest),
      up(Uint8Array.of(22, 254, 253)),
      up(Uint8Array.of(0x80, 0, 0, 1)),
    ]);
    expect(detailOf(list, 'multiplexed')).toBe('dtls=1 rtp/rtcp=1 other=0');
  });

  it('still tells a loopback peer named after 300 public ones (what it remembers as told is cleared, not full)', () => {
    const asks = Array.from({ length: 300 }, (_, i) =>
      up(
        stunMessage(0x0008, transaction(i), [
          peerAttribute(`203.0.113.${i % 250}`, 1000 + i, transaction(i)),
        ]),
      ),
    );
    const last = transaction(999);
    const list = events([...asks, up(stunMessage(0x0008, last, [peerAttribute('127.0.0.1', 6379, last)]))]);
    expect(list.filter((e) => e.turnPeer !== undefined)).toHaveLength(301);
    expect(list.at(-1)?.turnPeer).toEqual({
      ip: '127.0.0.1',
      port: 6379,
      method: 'CreatePermission',
      step: 'asked',
    });
  });

  it('bounds what it tells: 1,000 Send indications are 8 events and one count', () => {
    const sends = Array.from({ length: 1000 }, (_, i) =>
      up(
        stunMessage(0x0016, transaction(i), [
          peerAttribute('203.0.113.9', 5000, transaction(i)),
          [0x0013, new Uint8Array(8)],
        ]),
      ),
    );
    const list = events(sends);
    expect(list.filter((e) => e.operation === 'Send indication')).toHaveLength(8);
    expect(names(list).at(-1)).toBe('relayed 1000 Send (8000 octets)');
    expect(feed(stun, [up(new Uint8Array(0))])).toEqual([]);
  });
});
