/**
 * AS-REP roasting (MITRE ATT&CK T1558.004): one client getting AS-REPs for several accounts that do not require
 * Kerberos pre-authentication (impacket's GetNPUsers, Rubeus asreproast). Each such reply carries a part encrypted
 * with the user's key, crackable offline, handed to whoever asked without any proof of the password. Read from the
 * AS-REP operation events kerberos.ts marks `without-preauth`.
 */
import { z } from 'zod';
import { readsEvery } from '../engine/event-read.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';
import { boundedMap } from './window/bounded-map.ts';
import { addDistinct, distinctWindow } from './window/distinct-window.ts';
import { advanceEpisode, episode } from './window/episode.ts';

const config = detectorConfig('high', {
  windowMs: z.number().int().positive().default(600_000),
  /** Distinct accounts answered without pre-authentication within the window that start an episode. */
  threshold: z.number().int().positive().default(3),
});

const pair = () => ({ users: distinctWindow(), episode: episode(), names: new Set<string>() });

export const asrepRoasting: Threat<typeof config, ReturnType<typeof boundedMap<ReturnType<typeof pair>>>> = {
  id: 'asrep-roasting',
  on: ['operation'],
  reads: [{ ...readsEvery('operation', ['to-client']), protocols: ['kerberos'] }],
  config,
  scope: 'global',
  initialState: () => boundedMap(4096),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'operation' || event.protocol !== 'kerberos' || event.operation !== 'AS-REP')
      return noHits;
    const detail = event.detail ?? '';
    const user = /(?:^| )client=(\S+)/.exec(detail)?.[1];
    if (flow === undefined || user === undefined || !detail.endsWith(' without-preauth')) return noHits;
    const item = state.upsert(`${flow.client.ip}>${flow.server.ip}`, pair);
    const distinct = addDistinct(item.users, user, event.ts, c.windowMs);
    if (item.names.size < 8) item.names.add(user.slice(0, 64));
    const count = advanceEpisode(item.episode, event.ts, distinct, c.threshold);
    if (count === 0) return noHits;
    const more = distinct > item.names.size ? ', ...' : '';
    return [
      {
        threat: 'asrep-roasting',
        severity: c.severity,
        confidence: 0.9,
        evidence: `AS-REPs without pre-authentication for ${distinct} accounts within ${c.windowMs} ms (${[...item.names].join(', ')}${more}): each crackable offline`,
        ts: event.ts,
        count,
        client: flow.client,
        server: flow.server,
      },
    ];
  },
};
