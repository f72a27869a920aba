/**
 * AUTH_SYS uid hopping (`onc-rpc` flows): NFS over AUTH_SYS believes the uid and gid a client writes in each call
 * (RFC 5531 appendix A), so a client that sends NFS or mountd calls under many uids reads and writes as each of those
 * users: nfsshell's `uid`, NfsHack, nfs_analyze, libnfs's `?uid=N` in a loop. Reported once per client (its address,
 * across its connections) when its calls carry `minUids` distinct uids within `windowMs`. A kernel client on a
 * multi-user host sends several uids too (each local user's, and 0 for its lease), so the real clients (nodes, a
 * provisioner) belong in `allowClients`; from a pod's address only userspace tools speak NFS, each under one uid.
 */
import { z } from 'zod';
import { readsRequests } from '../engine/event-read.ts';
import type { OncRpc } from '../events.ts';
import { allowList } from './allowed-servers.ts';
import { callersOf, detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';
import { type BoundedMap, boundedMap } from './window/bounded-map.ts';

const config = detectorConfig('high', {
  /** Distinct AUTH_SYS uids from one client to NFS or mountd that make a hop. */
  minUids: z.number().int().min(2).max(64).default(5),
  /** How close together (ms of capture time) those calls must be. */
  windowMs: z.number().int().positive().default(60_000),
  /** The real NFS clients (nodes, a provisioner): an address, address:port, CIDR or CIDR:port. */
  allowClients: allowList(),
});

/** A client's uids with when each was last sent, and whether it was reported. */
type Client = { uids: Map<number, number>; told: boolean };
type State = BoundedMap<Client>;

const nfs = 100003;
const mountd = 100005;

/** Records `uid` at `ts`, forgetting uids older than the window; how many distinct uids are left (64 at most). */
const addUid = (client: Client, uid: number, ts: number, windowMs: number): number => {
  for (const [seen, at] of client.uids) if (ts - at > windowMs || at > ts) client.uids.delete(seen);
  if (client.uids.size < 64 || client.uids.has(uid)) {
    client.uids.delete(uid);
    client.uids.set(uid, ts);
  }
  return client.uids.size;
};

const claimed = (rpc: OncRpc): number | undefined =>
  rpc.flavor === 1 && rpc.status === undefined && (rpc.program === nfs || rpc.program === mountd)
    ? rpc.uid
    : undefined;

export const nfsUidHopping: Threat<typeof config, State> = {
  id: 'nfs-uid-hopping',
  on: ['operation'],
  reads: [{ ...readsRequests('operation'), protocols: ['onc-rpc'] }],
  config,
  scope: 'global',
  initialState: () => boundedMap<Client>(4096),
  inspect(event, state, { flow, config: c, proxies }): ThreatHit[] {
    if (event.kind !== 'operation' || event.rpc === undefined || event.direction !== 'to-server')
      return noHits;
    const uid = flow === undefined ? undefined : claimed(event.rpc);
    if (uid === undefined || flow === undefined) return noHits;
    const hits: ThreatHit[] = [];
    for (const caller of callersOf(flow, event, proxies, c.allowClients)) {
      const client = state.upsert(caller.key, () => ({ uids: new Map(), told: false }));
      if (client.told || addUid(client, uid, event.ts, c.windowMs) < c.minUids) continue;
      client.told = true;
      const uids = [...client.uids.keys()].slice(0, 16).join(', ');
      const from = `An RPC client at ${caller.origin?.ip ?? flow.client.ip}`;
      hits.push({
        threat: 'nfs-uid-hopping',
        severity: c.severity,
        confidence: 0.85,
        evidence:
          `${from} sent NFS and mountd calls as ${client.uids.size} distinct AUTH_SYS uids ` +
          `within ${c.windowMs / 1000} s (${uids}; the last calling ${event.rpc.name}) ` +
          `to ${flow.server.ip}:${flow.server.port}: NFS believes the uid ` +
          'a client writes, so it reads and writes as each of those users',
        ts: event.ts,
        client: flow.client,
        server: flow.server,
        origin: caller.origin,
        originBy: caller.by,
      });
    }
    return hits;
  },
};
