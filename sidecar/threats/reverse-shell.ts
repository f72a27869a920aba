/**
 * A shell driven over the network (MITRE ATT&CK T1059.004): a reverse shell, the pod's shell connected out to an
 * attacker's listener (`bash -i >& /dev/tcp/…`, `nc -e /bin/sh`, a Python, Perl or socat one-liner, a web shell's
 * callback), or a bind shell, a shell listening in the pod. Read from the bytes (shell.ts), on any port: Falco sees
 * the same from system calls (a shell whose input is a socket); here it is seen on the wire, with the commands.
 * One finding per session; its story names the operator's first commands.
 */
import { z } from 'zod';
import { readsFirst } from '../engine/event-read.ts';
import { isAllowedServer } from './allowed-servers.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('critical', {
  /** Servers whose shells are meant to be reached this way (a lab's, a debugging relay's): address or address:port. */
  allowServers: z.array(z.string()).default([]),
});

export const reverseShell: Threat<typeof config, undefined> = {
  id: 'reverse-shell',
  on: ['operation'],
  reads: [{ ...readsFirst('operation'), protocols: ['shell'] }],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { flow, config: c }): ThreatHit[] {
    if (
      event.kind !== 'operation' ||
      event.protocol !== 'shell' ||
      isAllowedServer(flow?.server, c.allowServers)
    )
      return noHits;
    const detail = event.detail ?? '';
    // Commands to the client's shell come from the server: the client connected out (reverse); else it listened.
    const kind = (event.operation === 'command') === (event.direction === 'to-client') ? 'reverse' : 'bind';
    const evidence =
      event.operation === 'command'
        ? `a ${kind} shell: the ${kind === 'reverse' ? 'server' : 'client'} ran \`${detail.slice(0, 80)}\` in it`
        : `a ${kind} shell: a prompt (${detail}) crossed the network`;
    return [
      {
        threat: 'reverse-shell',
        severity: c.severity,
        confidence: event.operation === 'command' ? 1 : 0.9,
        evidence,
        ts: event.ts,
      },
    ];
  },
};
