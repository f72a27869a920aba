/**
 * EPMD and Erlang distribution from Debian's Erlang/OTP (erlang-base, .ci/apt/erlang.txt), in a network namespace the
 * test makes: `epmd`, node a@127.0.0.1 with cookie c1 and its distribution on 6379 (Redis's port: the label must
 * come from the bytes), b calling `rpc:call(a, erlang, node, [])`, c guessing the cookie ten times, d calling
 * `rpc:call(a, os, cmd, ["id"])`, then `epmd -names`. Captured by tcpdump and read by the engine with the default
 * detectors and an observer recording the events; nDPI's labels are printed beside ours when ndpiReader is there.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import type { DbAuthEvent, OperationEvent, ProtocolEvent } from '#sidecar/events.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
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

/** Runs the nodes while tcpdump captures the namespace's loopback; what each second node printed. */
const capture = async (pcap: string): Promise<string[]> => {
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
    const said = [
      second(ns, 'b', 'c1', `io:format("~p~n", [rpc:call('${node}', erlang, node, [])])`),
      second(ns, 'c', 'wrong', guesses),
      second(ns, 'd', 'c1', `io:format("~s", [rpc:call('${node}', os, cmd, ["id"])])`),
      ns.exec('epmd', ['-names']).trim(),
    ];
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
      const said = await capture(pcap);
      expect(said.slice(0, 2)).toEqual([`'${node}'`, '[pang]']);
      expect(said[2]).toMatch(/^uid=0\(root\)/);
      expect(said[3]).toContain('name a at port 6379');

      const events: ProtocolEvent[] = [];
      const recorder = { onEvent: (_flow: unknown, event: ProtocolEvent) => void events.push(event) };
      const { findings } = await inspectFile(pcap, { observers: [...defaultObservers(), recorder] });
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
  },
);
