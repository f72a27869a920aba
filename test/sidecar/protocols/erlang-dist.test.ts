/**
 * Erlang distribution from Debian's Erlang/OTP 25 bytes (erlang-messages.ts): strict detection, the handshake and the
 * login both ways, control messages through the atom cache, and the calls rpc makes; the old rex call and a
 * pass-through packet from terms OTP 25's own term_to_binary wrote (see each).
 */
import { describe, expect, it } from 'vitest';
import type { DbAuthEvent, OperationEvent, ProtocolEvent } from '#sidecar/events.ts';
import { erlangDist } from '#sidecar/protocols/erlang-dist.ts';
import { createAtomCache, readDistHeader } from '#sidecar/protocols/erlang-dist-header.ts';
import {
  ackToB,
  cachedFromD,
  challengeToB,
  challengeToC,
  globalFromD,
  handshakeD,
  regSendRexFromA,
  regSendRexFromD,
  replyFromB,
  replyFromC,
  returnToD,
  sendNameB,
  sendNameC,
  spawnErlangNode,
  spawnOsCmd,
  statusOk,
} from '#test/fixtures/protocols/erlang-messages.ts';
import {
  concat,
  contractCheck,
  everySplitAgrees,
  hex,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

const run = (segments: readonly Segment[]): ProtocolEvent[] => {
  const parser = erlangDist.createParser();
  const events = segments.flatMap(([direction, bytes], i) => parser.parse(bytes, direction, i));
  return [...events, ...(parser.end?.() ?? [])];
};
const ops = (events: ProtocolEvent[]) =>
  events
    .filter((e): e is OperationEvent => e.kind === 'operation')
    .map((e) => [e.direction, e.operation, e.detail]);
const logins = (events: ProtocolEvent[]) =>
  events.filter((e): e is DbAuthEvent => e.kind === 'db-auth').map((e) => [e.dialect, e.ok, e.user]);

/** A pass-through packet (112, then each term with its 131): its 4-octet length first. */
const passThrough = (...terms: Uint8Array[]): Uint8Array => {
  const body = concat(hex('70'), ...terms);
  return concat(Uint8Array.of(0, 0, body.length >> 8, body.length & 0xff), body);
};

describe('erlang distribution detection', () => {
  it("matches the initiator's whole send_name and the acceptor's status, and waits on their prefixes", () => {
    expect(erlangDist.detect(sendNameB, 'to-server')).toBe('match');
    expect(erlangDist.detect(sendNameB.subarray(0, 20), 'to-server')).toBe('need-more');
    expect(erlangDist.detect(statusOk, 'to-client')).toBe('match');
    expect(erlangDist.detect(concat(statusOk, challengeToB.subarray(0, 4)), 'to-client')).toBe('match');
    expect(erlangDist.detect(statusOk.subarray(0, 4), 'to-client')).toBe('need-more');
    // A version 5 send_name (`n`, flags 0x0007499c, `kxsgdfbt@bzcpxbvr`), as tools speaking the old handshake send it.
    const old = concat(hex('00186e00050007499c'), new TextEncoder().encode('kxsgdfbt@bzcpxbvr'));
    expect(erlangDist.detect(old, 'to-server')).toBe('match');
    expect(erlangDist.detect(concat(hex('00186e00060007499c'), old.subarray(9)), 'to-server')).toBe(
      'no-match',
    );
  });

  it('refuses a name without @, flags without the mandatory ones, a length that is not what follows', () => {
    // b@127.0.0.1 with its @ made a space; DFLAG_HANDSHAKE_23 cleared; one octet more than the length.
    expect(
      erlangDist.detect(hex('001a4e0000000d07df7fbd6b0b6cfe000b62203132372e302e302e31'), 'to-server'),
    ).toBe('no-match');
    expect(
      erlangDist.detect(hex('001a4e0000000d06df7fbd6b0b6cfe000b62403132372e302e302e31'), 'to-server'),
    ).toBe('no-match');
    expect(erlangDist.detect(concat(sendNameB, hex('00')), 'to-server')).toBe('no-match');
    expect(erlangDist.detect(hex('0003736e6f'), 'to-client')).toBe('no-match');
    expect(erlangDist.detect(concat(statusOk, hex('ffff')), 'to-client')).toBe('no-match');
  });

  itRejectsForeignBytes(erlangDist, []);
});

describe('erlang distribution handshake', () => {
  it('tells both names, the flags, the status and a login that was let in', () => {
    const events = run([
      ['to-server', sendNameB],
      ['to-client', statusOk],
      ['to-client', challengeToB],
      ['to-server', replyFromB],
      ['to-client', ackToB],
    ]);
    const flags = 'flags=published,atom-cache,fragments,spawn,alias';
    expect(ops(events)).toEqual([
      ['to-server', 'name', `b@127.0.0.1 version=6 ${flags}`],
      ['to-client', 'status', 'ok'],
      ['to-client', 'challenge', `a@127.0.0.1 version=6 ${flags}`],
      ['to-server', 'challenge-reply', undefined],
      ['to-client', 'challenge-ack', undefined],
    ]);
    expect(logins(events)).toEqual([['erlang', true, 'b@127.0.0.1']]);
  });

  it('tells a login refused when the acceptor closes after the reply (a wrong cookie)', () => {
    const events = run([
      ['to-server', sendNameC],
      ['to-client', statusOk],
      ['to-client', challengeToC],
      ['to-server', replyFromC],
    ]);
    expect(logins(events)).toEqual([['erlang', false, 'c@127.0.0.1']]);
    // A connection that ended before its reply is no login at all; nor is one whose acceptor side lost octets.
    expect(logins(run([['to-server', sendNameC]]))).toEqual([]);
    const parser = erlangDist.createParser();
    parser.parse(sendNameC, 'to-server', 1);
    parser.parse(concat(statusOk, challengeToC), 'to-client', 2);
    parser.parse(replyFromC, 'to-server', 3);
    parser.gap('to-client', 17);
    expect(logins(parser.end?.() ?? [])).toEqual([]);
  });
});

describe('erlang distribution packets', () => {
  it("tells rpc:call's spawn request as the call it makes, with its first argument", () => {
    const events = run([...handshakeD, ['to-server', spawnOsCmd], ['to-client', returnToD]]);
    expect(ops(events).slice(5)).toEqual([
      ['to-server', 'spawn-request', undefined],
      ['to-server', 'call os:cmd', 'id'],
      // The answer: the erpc process's exit carries the result (a DOWN signal with a payload).
      ['to-client', 'payload-monitor-p-exit', undefined],
    ]);
    expect(ops(run([...handshakeD, ['to-server', spawnErlangNode]])).at(-1)).toEqual([
      'to-server',
      'call erlang:node',
      undefined,
    ]);
  });

  it('reads atoms from the cache a direction built: new entries, then references to them in later packets', () => {
    const cache = createAtomCache();
    expect(readDistHeader(regSendRexFromA.subarray(4), cache)?.refs).toEqual([
      'a@127.0.0.1',
      '',
      'rex',
      'features_request',
    ]);
    expect(cache[7 * 256 + 0x98]).toBe('a@127.0.0.1');
    const events = run([
      ...handshakeD,
      ['to-server', regSendRexFromD],
      ['to-server', globalFromD],
      ['to-server', cachedFromD],
    ]);
    expect(ops(events).slice(5)).toEqual([
      ['to-server', 'reg-send', undefined],
      ['to-server', 'registered-name', 'rex'],
      ['to-server', 'registered-name', 'global_name_server'],
    ]);
    // Without the packet that made the entry, the last one's name is not known, and not told.
    const alone = run([...handshakeD, ['to-server', cachedFromD]]);
    expect(ops(alone).slice(5)).toEqual([['to-server', 'reg-send', undefined]]);
  });

  it("tells an older node's rpc call (a gen_server call to rex) and a direct spawn, in pass-through packets", () => {
    // erl -eval: term_to_binary({6, Pid, '', rex}) and term_to_binary({'$gen_call', {Pid, Ref},
    // {call, os, cmd, ["touch /tmp/pwned"], Pid}}), with Pid <0.80.0> on nonode@nohost (ATOM_EXT atoms).
    const control = hex(
      '83680461065864000D6E6F6E6F6465406E6F686F7374000000500000000000000000640000640003726578',
    );
    const message = hex(
      '8368036400092467656E5F63616C6C68025864000D6E6F6E6F6465406E6F686F73740000005000000000000000005A000364000D6E6F' +
        '6E6F6465406E6F686F7374000000000003FE5D705C0002BBD52A56680564000463616C6C6400026F73640003636D646C000000016B00' +
        '10746F756368202F746D702F70776E65646A5864000D6E6F6E6F6465406E6F686F7374000000500000000000000000',
    );
    // term_to_binary({29, Ref, Pid, Pid, {os, cmd, 1}, []}) and term_to_binary([<<"id">>]).
    const spawn = hex(
      '836806611D5A000364000D6E6F6E6F6465406E6F686F7374000000000003FE66705C0002BBD52A565864000D6E6F6E6F6465406E6F68' +
        '6F73740000005000000000000000005864000D6E6F6E6F6465406E6F686F737400000050000000000000000068036400026F7364000363' +
        '6D6461016A',
    );
    const args = hex('836C000000016D0000000269646A');
    const events = run([
      ...handshakeD,
      ['to-server', passThrough(control, message)],
      ['to-server', passThrough(spawn, args)],
      ['to-server', hex('00000000')],
    ]);
    expect(ops(events).slice(5)).toEqual([
      ['to-server', 'reg-send', undefined],
      ['to-server', 'registered-name', 'rex'],
      ['to-server', 'call os:cmd', 'touch /tmp/pwned'],
      ['to-server', 'spawn-request', undefined],
      ['to-server', 'spawn os:cmd', 'id'],
    ]);
  });

  it("unwraps erlang:apply to the call it makes, and reads Elixir's module names", () => {
    const control = hex(
      '83680461065864000D6E6F6E6F6465406E6F686F7374000000500000000000000000640000640003726578',
    );
    // term_to_binary({'$gen_call', {Pid, Ref}, {call, erlang, apply, [os, cmd, ["id"]], Pid}}).
    const viaApply = hex(
      '8368036400092467656E5F63616C6C68025864000D6E6F6E6F6465406E6F686F73740000005000000000000000005A000364000D6E6F' +
        '6E6F6465406E6F686F7374000000000002D22BA0840001AE13DC69680564000463616C6C64000665726C616E676400056170706C79' +
        '6C000000036400026F73640003636D646C000000016B000269646A6A5864000D6E6F6E6F6465406E6F686F73740000005000000000' +
        '00000000',
    );
    // term_to_binary({'$gen_call', {Pid, Ref}, {call, 'Elixir.System', cmd, [<<"sh">>, [<<"-c">>, <<"id">>]], Pid}}).
    const elixir = hex(
      '8368036400092467656E5F63616C6C68025864000D6E6F6E6F6465406E6F686F73740000005000000000000000005A000364000D6E6F' +
        '6E6F6465406E6F686F7374000000000002D232A0840001AE13DC69680564000463616C6C64000D456C697869722E53797374656D64' +
        '0003636D646C000000026D0000000273686C000000026D000000022D636D0000000269646A6A5864000D6E6F6E6F6465406E6F686F' +
        '7374000000500000000000000000',
    );
    const events = run([
      ...handshakeD,
      ['to-server', passThrough(control, viaApply)],
      ['to-server', passThrough(control, elixir)],
    ]);
    expect(ops(events).filter(([, op]) => op?.startsWith('call'))).toEqual([
      ['to-server', 'call os:cmd', 'id'],
      ['to-server', 'call Elixir.System:cmd', 'sh'],
    ]);
  });

  it("tells a rex call sent as `{Pid, {call, M, F, A, GL}}`, the layout of Metasploit's erlang_cookie_rce", () => {
    // Checked with binary_to_term: {6, <8818.3.0>, '', rex} and {<8818.3.0>, {call, os, cmd, ["id"], user}}, a
    // PID_EXT and ATOM_EXT atoms, as an old-style (version 5) tool writes them.
    const control = hex(
      '8368046106676400116b7873676466627440627a637078627672000000030000000000640000640003726578',
    );
    const message = hex(
      '836802676400116b7873676466627440627a637078627672000000030000000000680564000463616c6c6400026f73640003636d64' +
        '6c000000016b000269646a64000475736572',
    );
    const events = run([...handshakeD, ['to-server', passThrough(control, message)]]);
    expect(ops(events).at(-1)).toEqual(['to-server', 'call os:cmd', 'id']);
  });

  it('reads a connection split anywhere, skips a packet past 1 MiB, and survives random and cut input', () => {
    expect(everySplitAgrees(erlangDist, [...handshakeD, ['to-server', spawnOsCmd]]).mismatch).toBeUndefined();
    // A packet of 1 200 000 octets (its first 1 MiB read, the rest skipped), then the call.
    const big = concat(hex('00124f80'), new Uint8Array(1_200_000));
    const events = run([
      ...handshakeD,
      ['to-server', big.subarray(0, 1_100_000)],
      ['to-server', concat(big.subarray(1_100_000), spawnOsCmd)],
    ]);
    expect(ops(events).at(-1)).toEqual(['to-server', 'call os:cmd', 'id']);
    for (let cut = 0; cut < spawnOsCmd.length; cut += 7)
      expect(() => run([...handshakeD, ['to-server', spawnOsCmd.subarray(0, cut)]])).not.toThrow();
    expect(contractCheck(erlangDist, ['to-server', sendNameB]).randomMatches).toBe(0);
    expect(contractCheck(erlangDist, ['to-client', statusOk]).randomMatches).toBe(0);
  });
});
