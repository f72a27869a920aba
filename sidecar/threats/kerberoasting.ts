/**
 * Kerberoasting (MITRE ATT&CK T1558.003): one client asking a KDC for service tickets to many distinct services in a
 * short time, so that it can crack the services' passwords offline from the tickets (impacket's GetUserSPNs, Rubeus).
 * Asking for RC4-HMAC (etype 23), whose tickets crack fastest, is the usual tell and raises the confidence. Read from
 * TGS-REQ operation events (`service=... etypes=...`, kerberos.ts); tickets for the ticket-granting service itself
 * (krbtgt) are renewals, not roasting.
 */
import { z } from 'zod';
import { readsEvery } from '../engine/event-read.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';
import { boundedMap } from './window/bounded-map.ts';
import { addDistinct, distinctWindow } from './window/distinct-window.ts';
import { advanceEpisode, episode } from './window/episode.ts';

const config = detectorConfig('high', {
  windowMs: z.number().int().positive().default(60_000),
  /** Distinct services asked for within the window that start an episode. */
  threshold: z.number().int().positive().default(8),
});

const rc4 = 23;
const pair = () => ({ services: distinctWindow(), episode: episode(), rc4: false, names: new Set<string>() });

/** `service=HTTP/web.shop.test etypes=18,17,23` → the service and the encryption types asked for. */
const requestOf = (detail: string): { service: string; etypes: number[] } | undefined => {
  const service = /(?:^| )service=(\S+)/.exec(detail)?.[1];
  if (service === undefined || service.toLowerCase().startsWith('krbtgt/')) return undefined;
  // Negative types too: a list that starts with one (-128) is read whole, not as none.
  const etypes = (/(?:^| )etypes=([-\d,]+)/.exec(detail)?.[1] ?? '').split(',').map(Number);
  return { service: service.slice(0, 128), etypes };
};

export const kerberoasting: Threat<typeof config, ReturnType<typeof boundedMap<ReturnType<typeof pair>>>> = {
  id: 'kerberoasting',
  on: ['operation'],
  reads: [{ ...readsEvery('operation', ['to-server']), protocols: ['kerberos'] }],
  config,
  scope: 'global',
  initialState: () => boundedMap(4096),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'operation' || event.protocol !== 'kerberos' || event.operation !== 'TGS-REQ')
      return noHits;
    const request = flow === undefined ? undefined : requestOf(event.detail ?? '');
    if (flow === undefined || request === undefined) return noHits;
    const item = state.upsert(`${flow.client.ip}>${flow.server.ip}`, pair);
    const distinct = addDistinct(item.services, request.service, event.ts, c.windowMs);
    if (item.names.size < 8) item.names.add(request.service);
    item.rc4 ||= request.etypes.includes(rc4);
    const count = advanceEpisode(item.episode, event.ts, distinct, c.threshold);
    if (count === 0) return noHits;
    const asked = item.rc4 ? ', RC4 (etype 23) asked for' : '';
    const evidence = `service tickets for ${distinct} distinct services within ${c.windowMs} ms (${[...item.names].join(', ')}${distinct > item.names.size ? ', ...' : ''})${asked}`;
    return [
      {
        threat: 'kerberoasting',
        severity: c.severity,
        confidence: item.rc4 ? 0.9 : 0.7,
        evidence,
        ts: event.ts,
        count,
        client: flow.client,
        server: flow.server,
      },
    ];
  },
};
