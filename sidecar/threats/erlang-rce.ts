/**
 * Commands run on an Erlang node through its distribution port (RabbitMQ, CouchDB, ejabberd, Elixir clusters): whoever
 * holds or guesses the shared cookie is a node of the cluster and may call any function, and `rpc:call(Node, os, cmd,
 * ["id"])` is a shell (the "Erlang cookie RCE": Metasploit's exploit/multi/misc/erlang_cookie_rce, CouchDB's
 * CVE-2022-24706 with its default cookie `monster`). Reads the calls erlang-dist-parser.ts tells (`call M:F` through rpc
 * or erpc, `spawn M:F`): a function that runs a program or changes the node's environment at this severity, one that
 * loads code at `loaderSeverity` (high). Cluster tooling that calls these on purpose goes in `allowServers`.
 */
import { z } from 'zod';
import { severitySchema } from '#core/finding.ts';
import { readsEvery } from '../engine/event-read.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const moduleFunction = z.string().regex(/^[^\s:]+:[^\s:]+$/, 'module:function, as os:cmd');

const config = detectorConfig('critical', {
  /** Functions that run a program or change what programs the node runs: `module:function`. */
  functions: z.array(moduleFunction).default([
    'os:cmd',
    'erlang:open_port',
    'os:putenv',
    'os:unsetenv',
    // Elixir's: System.cmd/shell, Port.open, System.put_env, and code evaluated from text.
    'Elixir.System:cmd',
    'Elixir.System:shell',
    'Elixir.Port:open',
    'Elixir.System:put_env',
    'Elixir.Code:eval_string',
  ]),
  /** Functions that load code into the node. */
  loaders: z.array(moduleFunction).default(['code:load_binary', 'erlang:load_module', 'code:load_abs']),
  loaderSeverity: severitySchema.default('high'),
  /** Nodes meant to be driven this way: an address, address:port, CIDR or CIDR:port. */
  allowServers: allowList(),
});

/** `call os:cmd` or `spawn os:cmd`: the way and the function. */
const called = /^(call|spawn) (\S+)$/;

export const erlangRce: Threat<typeof config, undefined> = {
  id: 'erlang-rce',
  on: ['operation'],
  // Either node of a connection may call the other: both directions, every call.
  reads: [{ ...readsEvery('operation'), protocols: ['erlang'] }],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'operation' || event.protocol !== 'erlang') return noHits;
    const match = called.exec(event.operation);
    const fn = match?.[2];
    if (fn === undefined) return noHits;
    const runs = c.functions.includes(fn);
    if ((!runs && !c.loaders.includes(fn)) || isAllowedServer(flow?.server, c.allowServers)) return noHits;
    const target = event.direction === 'to-server' ? 'the server' : 'the client';
    const argument = event.detail === undefined ? '' : ` ${JSON.stringify(event.detail.slice(0, 200))}`;
    const what = runs ? 'remote command execution' : 'code loaded into the node';
    return [
      {
        threat: 'erlang-rce',
        severity: runs ? c.severity : c.loaderSeverity,
        confidence: 1,
        evidence: `an Erlang distribution peer ran ${fn}${argument} on ${target} through ${match?.[1]} (${what}, with the node's cookie)`,
        ts: event.ts,
      },
    ];
  },
};
