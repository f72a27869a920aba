/**
 * Weak SSH: a connection that negotiated a weak key exchange, host key, cipher or MAC (protocols/ssh-negotiation.ts),
 * or a server that accepts weak ones it did not use this time (a client that asks gets them: a downgrade waiting).
 * Judged from both KEXINITs, the last messages in the clear; at the flow's end from the server's alone.
 */
import { z } from 'zod';
import { readsFirst } from '../engine/event-read.ts';
import type { SshKexInitEvent } from '../events.ts';
import { isWeakSshAlgorithm, negotiated, weakOffered } from '../protocols/ssh-negotiation.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {
  /** Also report a server that accepts weak algorithms the connection did not use. */
  serverOffers: z.boolean().default(true),
});
type Config = z.infer<typeof config>;

type State = { client?: SshKexInitEvent; server?: SshKexInitEvent; judged: boolean };

const judge = (state: State, ts: number, c: Config): ThreatHit[] => {
  const { client, server } = state;
  if (server === undefined || state.judged) return noHits;
  state.judged = true;
  const weakUsed =
    client === undefined ? [] : negotiated(client, server).filter((a) => isWeakSshAlgorithm(a.kind, a.name));
  const used = weakUsed.map((a) => `${a.kind} ${a.name}${a.direction ? ` (${a.direction})` : ''}`);
  // By name, not by text: `hmac-md5` is still worth naming when the connection used `hmac-md5-96`.
  const usedNames = new Set(weakUsed.map((a) => a.name));
  const accepted = c.serverOffers ? weakOffered(server).filter((name) => !usedNames.has(name)) : [];
  if (used.length === 0 && accepted.length === 0) return noHits;
  const parts = [
    used.length > 0 ? `negotiated ${used.join(', ')}` : undefined,
    accepted.length > 0 ? `server also accepts ${accepted.slice(0, 12).join(', ')}` : undefined,
  ].filter((p) => p !== undefined);
  return [
    {
      threat: 'weak-ssh',
      severity: c.severity,
      confidence: used.length > 0 ? 1 : 0.7,
      evidence: parts.join('; '),
      ts,
    },
  ];
};

export const weakSsh: Threat<typeof config, State> = {
  id: 'weak-ssh',
  on: ['ssh-kexinit', 'flow-end'],
  reads: [readsFirst('ssh-kexinit')],
  config,
  scope: 'flow',
  initialState: () => ({ judged: false }),
  inspect(event, state, { config: c }): ThreatHit[] {
    if (event.kind === 'flow-end') return judge(state, event.ts, c);
    if (event.kind !== 'ssh-kexinit') return noHits;
    state[event.direction === 'to-server' ? 'client' : 'server'] = event;
    return state.client !== undefined ? judge(state, event.ts, c) : noHits;
  },
};
