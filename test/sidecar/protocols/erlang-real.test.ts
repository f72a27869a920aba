/**
 * EPMD and Erlang distribution from Debian's Erlang/OTP (erlang-base, .ci/apt/erlang.txt), in a network namespace the
 * test makes: `epmd`, node a@127.0.0.1 with cookie c1 and its distribution on 6379 (Redis's port: the label must
 * come from the bytes), b calling `rpc:call(a, erlang, node, [])`, c guessing the cookie ten times, d calling
 * `rpc:call(a, os, cmd, ["id"])`, then `epmd -names`; in a second namespace, e, f and g hiding os:cmd past 64 KiB
 * (behind a large binary or at the end of a long command, in fragments or in one packet). Captured by tcpdump and read
 * by the engine with the default detectors and an observer recording the events; nDPI's labels are printed beside
 * ours when ndpiReader is there.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from '#sidecar/capture/read-capture.ts';
import { payloadOf } from '#sidecar/decode/decoded-packet.ts';
import { createPacketDecoder } from '#sidecar/decode/packet-decoder.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import type { DbAuthEvent, OperationEvent, ProtocolEvent } from '#sidecar/events.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { splitFindings, threatsBy } from '#test/helpers/split-findings.ts';
import { stopTcpdump, tcpdumpBuffer, tcpdumpListening } from '#test/helpers/tcpdump.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const unavailable = netnsUnavailable(['tcpdump', 'erl', 'epmd', 'ss']);
const node = 'a@127.0.0.1';

/** erl wants a HOME (for a cookie file it does not read when given -setcookie): its own, whatever the runner's is. */
const erl = (args: string[]): [string, string[]] => [
  'env',
  [`HOME=${tempDir('meshward-erlang-home-')}`, 'erl', ...args],
];

/** A second node that runs `expression` against a and halts: what it printed. */
const second = (ns: Netns, name: string, cookie: string, expression: string): string => {
  const [command, args] = erl(['-name', `${name}@127.0.0.1`, '-setcookie', cookie, '-noshell']);
  return ns.exec(command, [...args, '-eval', `${expression}, halt().`], { timeoutMs: 60_000 }).trim();
};

/** c guesses the cookie ten times, a connection each: ten logins refused, db-auth-brute-force's threshold. */
const guesses = `io:format("~p~n", [lists:usort([begin erlang:set_cookie('${node}', list_to_atom("guess" ++ integer_to_list(I))), net_adm:ping('${node}') end || I <- lists:seq(1, 10)])])`;

/**
 * A gen_server call to rex of `os:cmd("touch FILE")` whose reply tag (before the request; rex only sends it back) is a
 * 150 000-octet binary, then a wait for the file.
 */
const callBehindBinary = (file: string): string =>
  [
    `{rex, '${node}'} ! {'$gen_call', {self(), binary:copy(<<"x">>, 150000)}, {call, os, cmd, ["touch ${file}"], user}}`,
    `Wait = fun W(0) -> timeout; W(N) -> case filelib:is_file("${file}") of true -> ran; false -> timer:sleep(100), W(N - 1) end end`,
    'io:format("~p~n", [Wait(300)])',
  ].join(', ');

/** `rpc:call` of os:cmd with a command of 65 534 characters: `touch FILE; : xxx…`. */
const longCall = (file: string): string =>
  `P = "touch ${file}; : ", io:format("~p~n", [rpc:call('${node}', os, cmd, [P ++ lists:duplicate(65534 - length(P), $x)])])`;

/** Connected first, so that OTP cuts what follows into fragments: a message sent while connecting goes whole. */
const connected = (expression: string): string => `pong = net_adm:ping('${node}'), ${expression}`;

/** The distribution octets each client sent to a (loopback loses and reorders nothing), from the capture. */
const streamsToA = (pcap: string): Buffer[] => {
  const decoder = createPacketDecoder();
  const streams = new Map<number, Buffer[]>();
  for (const record of readCapture(readFileSync(pcap)).records) {
    const packet = decoder.packet;
    if (decoder.decode(record) !== 'ok' || packet.transport !== 'tcp' || packet.dstPort !== 6379) continue;
    const parts = streams.get(packet.srcPort) ?? [];
    parts.push(Buffer.from(payloadOf(packet)));
    streams.set(packet.srcPort, parts);
  }
  return [...streams.values()].map((parts) => Buffer.concat(parts));
};

/** First fragments (131 69) and continuations (131 70) in `stream`, of sequences that have both. */
const fragmentsIn = (stream: Buffer): { firsts: number; continuations: number } => {
  const sequences = (tag: number): string[] => {
    const found: string[] = [];
    for (
      let at = stream.indexOf(Buffer.of(131, tag));
      at >= 0;
      at = stream.indexOf(Buffer.of(131, tag), at + 1)
    )
      found.push(stream.subarray(at + 2, at + 10).toString('hex'));
    return found;
  };
  const [firsts, continuations] = [sequences(69), sequences(70)];
  return {
    firsts: firsts.filter((id) => continuations.includes(id)).length,
    continuations: continuations.filter((id) => firsts.includes(id)).length,
  };
};

/** The engine's findings on `pcap` with the default detectors, and every protocol event. */
const inspect = async (pcap: string) => {
  const events: ProtocolEvent[] = [];
  const recorder = { onEvent: (_flow: unknown, event: ProtocolEvent) => void events.push(event) };
  const { findings } = await inspectFile(pcap, { observers: [...defaultObservers(), recorder] });
  return { findings, events };
};

/** Runs epmd and node a while tcpdump captures the namespace's loopback, then `clients`: what they printed. */
const capture = async (pcap: string, clients: (ns: Netns) => string[]): Promise<string[]> => {
  const ns = createNetns('mw-erl');
  let tcpdump: ChildProcess | undefined;
  try {
    tcpdump = ns.spawn('tcpdump', [
      ...tcpdumpBuffer,
      '-i',
      'lo',
      '-U',
      '--immediate-mode',
      '-w',
      pcap,
      'tcp',
    ]);
    await tcpdumpListening(tcpdump);
    ns.exec('epmd', ['-daemon']);
    await waitForListen(ns, 4369);
    ns.spawn(
      ...erl([
        ...['-name', node, '-setcookie', 'c1', '-noshell'],
        ...['-kernel', 'inet_dist_listen_min', '6379', 'inet_dist_listen_max', '6379'],
      ]),
    );
    await waitForListen(ns, 6379, 60_000);
    const said = clients(ns);
    await stopTcpdump(tcpdump, 1000);
    return said;
  } finally {
    if (tcpdump !== undefined && tcpdump.exitCode === null) tcpdump.kill('SIGINT');
    ns.destroy();
  }
};

describe.skipIf(unavailable !== undefined)(
  `EPMD and Erlang distribution from Debian's Erlang${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('labels epmd and erlang flows, tells the logins refused and let in, and reports the call os:cmd critical', async () => {
      const pcap = join(tempDir('meshward-erlang-'), 'erlang.pcap');
      const said = await capture(pcap, (ns) => [
        second(ns, 'b', 'c1', `io:format("~p~n", [rpc:call('${node}', erlang, node, [])])`),
        second(ns, 'c', 'wrong', guesses),
        second(ns, 'd', 'c1', `io:format("~s", [rpc:call('${node}', os, cmd, ["id"])])`),
        ns.exec('epmd', ['-names']).trim(),
      ]);
      expect(said.slice(0, 2)).toEqual([`'${node}'`, '[pang]']);
      expect(said[2]).toMatch(/^uid=0\(root\)/);
      expect(said[3]).toContain('name a at port 6379');

      const { findings, events } = await inspect(pcap);
      const { flows, threats } = splitFindings(findings);
      const epmdFlows = flows.filter((f) => f.server.port === 4369);
      const distFlows = flows.filter((f) => f.server.port === 6379);
      // Each of the four nodes registers, three ask for a's port, and `epmd -names` asks for the list.
      expect(epmdFlows.length).toBeGreaterThanOrEqual(8);
      for (const flow of epmdFlows) expect(flow.protocol, `${flow.client.port}`).toBe('epmd');
      expect(distFlows).toHaveLength(12);
      for (const flow of distFlows) expect(flow.protocol, `${flow.client.port}`).toBe('erlang');

      const operations = events.filter((e): e is OperationEvent => e.kind === 'operation');
      const told = operations.map((e) => [e.protocol, e.operation, e.detail]);
      expect(told).toContainEqual(['epmd', 'register', 'name=a port=6379 versions=5-6']);
      expect(told).toContainEqual(['epmd', 'port-please', 'name=a']);
      expect(told).toContainEqual(['epmd', 'port', 'name=a port=6379']);
      expect(told).toContainEqual(['epmd', 'names', 'a=6379']);
      expect(told).toContainEqual(['erlang', 'call erlang:node', undefined]);
      expect(told).toContainEqual(['erlang', 'call os:cmd', 'id']);
      const names = operations.filter((e) => e.operation === 'name').map((e) => e.detail?.split(' ')[0]);
      expect([...new Set(names)].sort()).toEqual(['b@127.0.0.1', 'c@127.0.0.1', 'd@127.0.0.1']);
      const logins = events
        .filter((e): e is DbAuthEvent => e.kind === 'db-auth')
        .map((e) => `${e.user} ${e.ok ? 'in' : 'refused'}`);
      expect(logins.sort()).toEqual([
        'b@127.0.0.1 in',
        ...Array(10).fill('c@127.0.0.1 refused'),
        'd@127.0.0.1 in',
      ]);

      console.log(
        `threats on the Erlang capture: ${threats.map((t) => `${t.threat} ${t.severity}`).join('; ')}`,
      );
      if (ndpiAvailable())
        console.log(
          `nDPI on the Erlang flows: ${runNdpi(pcap)
            .map((f) => `${f.b} ${f.master}.${f.app} (${f.confidence})`)
            .join('; ')}; ours: ${flows.map((f) => `${f.server.port} ${f.protocol}`).join('; ')}`,
        );
    }, 240_000);

    it('reads os:cmd hidden past 64 KiB, in the last of three fragments, in a second one, in one 150 KB packet', async () => {
      const dir = tempDir('meshward-erlang-fragments-');
      const pcap = join(dir, 'fragments.pcap');
      const files = ['fragmented', 'long', 'whole'].map((name) => join(dir, name));
      const [fragmented, long, whole] = files as [string, string, string];
      const said = await capture(pcap, (ns) => [
        second(ns, 'e', 'c1', connected(callBehindBinary(fragmented))),
        second(ns, 'f', 'c1', connected(longCall(long))),
        second(ns, 'g', 'c1', callBehindBinary(whole)),
      ]);
      // Every command ran on a.
      expect(said).toEqual(['ran', '[]', 'ran']);
      expect(files.map((file) => existsSync(file))).toEqual([true, true, true]);
      // What OTP sent: e's call in three fragments, f's in two, g's (sent while connecting) in one packet.
      expect(streamsToA(pcap).map(fragmentsIn)).toEqual([
        { firsts: 1, continuations: 2 },
        { firsts: 1, continuations: 1 },
        { firsts: 0, continuations: 0 },
      ]);

      const { findings, events } = await inspect(pcap);
      const commands = [`touch ${fragmented}`, `touch ${long}; : `.padEnd(65_534, 'x'), `touch ${whole}`];
      const calls = events
        .filter((e): e is OperationEvent => e.kind === 'operation' && e.operation === 'call os:cmd')
        .map((e) => e.detail);
      expect(calls).toEqual(commands.map((command) => command.slice(0, 1024)));
      const rce = threatsBy(findings, 'erlang-rce');
      expect(rce.map((f) => [f.severity, f.evidence.split(' on the server')[0]])).toEqual(
        commands.map((command) => [
          'critical',
          `an Erlang distribution peer ran os:cmd ${JSON.stringify(command.slice(0, 200))}`,
        ]),
      );
    }, 240_000);
  },
);
