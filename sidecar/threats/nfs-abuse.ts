/**
 * NFS and the RPC services around it abused from a pod (`onc-rpc` flows). NFS over AUTH_SYS trusts the uid and gid the
 * client writes in each call, so a compromised pod that reaches an NFS server can claim uid 0 (and, where the export
 * has no root_squash, act as root on it) or any other uid; mountd hands a file handle to whoever asks for a path the
 * export allows, and lists the exports; rpcbind lists every RPC service; NIS's ypserv hands out the passwd maps with
 * their hashes; a portmapper that forwards calls (CALLIT, INDIRECT) makes them come from the server itself. Reported,
 * once per flow for each: a call to NFS or mountd claiming uid 0 (`severity`, high), a MNT of a sensitive path or an
 * NFS v4 COMPOUND walking to one (`mountSeverity`, high) and its success (`mountedSeverity`, critical), enumeration
 * (`enumerationSeverity`, medium), a passwd or shadow NIS map read (`nisSeverity`, high), a forwarded call
 * (`forwardSeverity`, medium). Clients in `allowClients` (the real NFS clients: nodes, provisioners) are reported only
 * for a sensitive mount that succeeded. Many uids from one client is nfs-uid-hopping's.
 */
import { z } from 'zod';
import type { Endpoint } from '#core/finding.ts';
import { readsEvery } from '../engine/event-read.ts';
import type { Direction, OncRpc } from '../events.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { callSightings, type NfsKind, type NfsSighting, replySighting } from './nfs-abuse-judges.ts';
import { detectorConfig, noHits, severityOrOff, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('high', {
  /** A MOUNT (MNT) asked for a path in `sensitivePaths`, or an NFS v4 COMPOUND walking to one. */
  mountSeverity: severityOrOff.default('high'),
  /** mountd granted that MNT (its status OK), or NFS v4 answered NFS4_OK for each component of that path. */
  mountedSeverity: severityOrOff.default('critical'),
  /** portmap or rpcbind DUMP, mountd EXPORT or DUMP (EXPORT after a MNT on the same flow is a client mounting). */
  enumerationSeverity: severityOrOff.default('medium'),
  /** A NIS map in `nisMaps` read from ypserv (MATCH, FIRST, NEXT, XFR, ALL, MASTER, ORDER). */
  nisSeverity: severityOrOff.default('high'),
  /** A call forwarded through the portmapper (portmap CALLIT, rpcbind CALLIT, BCAST, INDIRECT). */
  forwardSeverity: severityOrOff.default('medium'),
  /** Host paths whose mount is judged: the path itself or anything under it (`/` only itself). */
  sensitivePaths: z
    .array(z.string().startsWith('/'))
    .default([
      '/',
      '/etc',
      '/root',
      '/boot',
      '/dev',
      '/proc',
      '/sys',
      '/run',
      '/var/run',
      '/var/lib/kubelet',
      '/var/lib/docker',
      '/var/lib/containerd',
      '/var/lib/etcd',
    ]),
  /** NIS maps judged (`passwd` covers `passwd.byname` and `passwd.byuid`). */
  nisMaps: z.array(z.string().min(1)).default(['passwd', 'shadow', 'master.passwd', 'passwd.adjunct']),
  /** The real NFS clients (nodes, a provisioner): an address, address:port, CIDR or CIDR:port. */
  allowClients: allowList(),
});
type Config = z.infer<typeof config>;

type State = { told: Set<NfsKind>; mounted: boolean };

const severityOf = (kind: NfsKind, c: Config) =>
  ({
    root: c.severity,
    mount: c.mountSeverity,
    mounted: c.mountedSeverity,
    enumeration: c.enumerationSeverity,
    nis: c.nisSeverity,
    forward: c.forwardSeverity,
  })[kind];

/**
 * How sure each kind is, which also orders them: the runner keeps one finding per flow and a surer hit's story replaces
 * the one before, so a mount granted outranks the same mount asked for, and a uid 0 claim a listing on its flow.
 */
const confidence: Record<NfsKind, number> = {
  mounted: 1,
  nis: 0.95,
  mount: 0.93,
  root: 0.9,
  forward: 0.85,
  enumeration: 0.8,
};

const who = (client: Endpoint | undefined, server: Endpoint | undefined): [string, string] => [
  client === undefined ? 'An RPC client' : `An RPC client at ${client.ip}`,
  server === undefined ? 'the server' : `${server.ip}:${server.port}`,
];

/** A client's call (and whether it mounts), or the server's reply to one. */
const sightings = (rpc: OncRpc, direction: Direction, state: State, c: Config): NfsSighting[] => {
  if (direction === 'to-server' && rpc.status === undefined) {
    const seen = callSightings(rpc, c, state.mounted);
    if (rpc.program === 100005 && rpc.procedure === 1) state.mounted = true;
    return seen;
  }
  const mounted = direction === 'to-client' ? replySighting(rpc, c) : undefined;
  return mounted === undefined ? [] : [mounted];
};

export const nfsAbuse: Threat<typeof config, State> = {
  id: 'nfs-abuse',
  on: ['operation'],
  reads: [{ ...readsEvery('operation'), protocols: ['onc-rpc'] }],
  config,
  scope: 'flow',
  initialState: () => ({ told: new Set(), mounted: false }),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'operation' || event.rpc === undefined) return noHits;
    const seen = sightings(event.rpc, event.direction, state, c);
    if (seen.length === 0) return noHits;
    const allowed = isAllowedServer(flow?.client, c.allowClients);
    const [from, server] = who(flow?.client, flow?.server);
    const hits: ThreatHit[] = [];
    for (const { kind, what, why } of seen) {
      const severity = severityOf(kind, c);
      if (severity === 'off' || state.told.has(kind) || (allowed && kind !== 'mounted')) continue;
      state.told.add(kind);
      const evidence = `${from} ${what} on ${server}${why === undefined ? '' : `: ${why}`}`;
      hits.push({ threat: 'nfs-abuse', severity, confidence: confidence[kind], evidence, ts: event.ts });
    }
    return hits;
  },
};
