/** erlang-rce on the calls the distribution parser tells from Debian's Erlang/OTP 25 bytes, and on made-up calls. */
import { describe, expect, it } from 'vitest';
import type { OperationEvent, ProtocolEvent } from '#sidecar/events.ts';
import { erlangDist } from '#sidecar/protocols/erlang-dist.ts';
import { erlangRce } from '#sidecar/threats/erlang-rce.ts';
import {
  binary,
  cutsEvery,
  fragments,
  messageOf,
  rexCall,
  rexMessage,
  string,
} from '#test/fixtures/protocols/erlang-fragments.ts';
import { handshakeD, spawnErlangNode, spawnOsCmd } from '#test/fixtures/protocols/erlang-messages.ts';
import type { Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { flow, runThreat } from './threat-factories.ts';

const erlangFlow = flow({ protocol: 'erlang', server: { ip: '10.0.0.9', port: 25672 } });

/** The events the parser tells for d's connection to a, then `packets`. */
const connection = (...packets: Uint8Array[]): ProtocolEvent[] => {
  const segments: Segment[] = [...handshakeD, ...packets.map((p): Segment => ['to-server', p])];
  const parser = erlangDist.createParser();
  return segments.flatMap(([direction, bytes], i) => parser.parse(bytes, direction, i));
};

const call = (operation: string, detail?: string, direction: OperationEvent['direction'] = 'to-server') => {
  const event: OperationEvent = { kind: 'operation', ts: 1_000, direction, protocol: 'erlang', operation };
  if (detail !== undefined) event.detail = detail;
  return event;
};

describe('erlang-rce', () => {
  it('reports rpc:call(a, os, cmd, ["id"]) as OTP 25 sent it, and not rpc:call(a, erlang, node, [])', () => {
    const hits = runThreat(erlangRce, connection(spawnOsCmd), { flow: erlangFlow });
    expect(hits.map((h) => [h.severity, h.evidence])).toEqual([
      [
        'critical',
        'an Erlang distribution peer ran os:cmd "id" on the server through call (remote command execution, with the node\'s cookie)',
      ],
    ]);
    expect(runThreat(erlangRce, connection(spawnErlangNode), { flow: erlangFlow })).toEqual([]);
  });

  it('reports os:cmd sent in a later fragment than its message starts in: after its control message, a large binary', () => {
    // rpc:call's spawn request with its argument list [Ref, os, cmd, ["id"]] alone in the second fragment.
    const spawnParts = fragments(messageOf(spawnOsCmd), [128], 1n);
    expect(
      runThreat(erlangRce, connection(...spawnParts), { flow: erlangFlow }).map((h) => h.severity),
    ).toEqual(['critical']);
    // A rex call behind 150 000 octets: in the third of three fragments.
    const rex = rexMessage(150_000, 'id');
    const hits = runThreat(erlangRce, connection(...fragments(rex, [65_536, 131_072], 2n)), {
      flow: erlangFlow,
    });
    expect(hits.map((h) => h.evidence.split(' (')[0])).toEqual([
      'an Erlang distribution peer ran os:cmd "id" on the server through call',
    ]);
  });

  it('reports os:cmd behind a list of 30 000 small integers, and a command sent as 70 000 character codes', () => {
    // A list of small integers is one term an element: walked one by one, the term budget ran out before the call.
    const integers = (codes: readonly number[]) => {
      // LIST_EXT of SMALL_INTEGER_EXT elements, then NIL (written whole: one argument an element is too many).
      const out = new Uint8Array(5 + 2 * codes.length + 1);
      out.set([
        108,
        codes.length >>> 24,
        (codes.length >>> 16) & 0xff,
        (codes.length >>> 8) & 0xff,
        codes.length & 0xff,
      ]);
      codes.forEach((code, i) => {
        out.set([97, code], 5 + 2 * i);
      });
      out[out.length - 1] = 106;
      return out;
    };
    const behind = rexCall(integers(Array.from({ length: 30_000 }, (_, i) => i % 256)), string('id'));
    const longCommand = rexCall(
      binary(new Uint8Array(8)),
      integers([...'id;'.repeat(23_334)].map((c) => c.charCodeAt(0))),
    );
    for (const message of [behind, longCommand]) {
      const hits = runThreat(erlangRce, connection(...fragments(message, cutsEvery(message, 65_536), 3n)), {
        flow: erlangFlow,
      });
      expect(hits.map((h) => h.evidence.split(' on the server')[0])).toEqual([
        expect.stringMatching(/^an Erlang distribution peer ran os:cmd "(id|id;id;id)/),
      ]);
    }
  });

  it('reports code loading at loaderSeverity, a direct spawn and a call on the client, and honours the lists', () => {
    const hits = runThreat(
      erlangRce,
      [
        call('call code:load_binary', 'evil'),
        call('spawn erlang:open_port'),
        call('call os:putenv', 'LD_PRELOAD', 'to-client'),
      ],
      { flow: erlangFlow },
    );
    expect(hits.map((h) => [h.severity, h.evidence.split(' (')[0]])).toEqual([
      ['high', 'an Erlang distribution peer ran code:load_binary "evil" on the server through call'],
      ['critical', 'an Erlang distribution peer ran erlang:open_port on the server through spawn'],
      ['critical', 'an Erlang distribution peer ran os:putenv "LD_PRELOAD" on the client through call'],
    ]);
    expect(
      runThreat(erlangRce, [call('call Elixir.System:cmd', 'sh')], { flow: erlangFlow })[0]?.severity,
    ).toBe('critical');
    const quiet = [call('call rabbit_nodes:all_running'), call('spawn-request'), call('call os:cmdx')];
    expect(runThreat(erlangRce, quiet, { flow: erlangFlow })).toEqual([]);
    expect(
      runThreat(erlangRce, [call('call os:cmd', 'id')], {
        flow: erlangFlow,
        config: { allowServers: ['10.0.0.9'] },
      }),
    ).toEqual([]);
    expect(
      runThreat(erlangRce, [call('call file:write_file', '/root/.ssh/authorized_keys')], {
        flow: erlangFlow,
        config: { functions: ['file:write_file'] },
      }).map((h) => h.severity),
    ).toEqual(['critical']);
    expect(() => erlangRce.config.parse({ functions: ['os cmd'] })).toThrow();
  });

  it("leaves other protocols' operations alone", () => {
    expect(runThreat(erlangRce, [{ ...call('call os:cmd'), protocol: 'redis' }])).toEqual([]);
  });
});
