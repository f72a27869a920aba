/** Turns a flow finding into an edge, resolving each IP to a group, else an FQDN (SNI, Host, then DNS answers) or a host CIDR. */
import { isIP } from 'node:net';
import type { FlowFinding } from '#core/finding.ts';
import type { Peer } from '#core/rule.ts';
import type { IpRecord, PodRecord } from '#functions/platform/store/store.ts';
import { type Edge, groupPeer } from './edge.ts';
import { isMeshControlEdge } from './mesh-control.ts';

export type EdgeContext = {
  /** The reporting tap's pod, when its heartbeat is known. */
  self?: PodRecord;
  /** Live IP → pod mappings for the IPs of this batch. */
  ips: ReadonlyMap<string, IpRecord>;
  /** IP → the FQDN a pod resolved it from (the cluster's DNS answers), for IPs that are no pod's. */
  names?: ReadonlyMap<string, string>;
};

export type EdgeResult = { edge: Edge } | { skipped: string };

const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1';

const hostCidr = (ip: string): Peer => ({ type: 'cidr', cidr: `${ip}/${isIP(ip) === 6 ? 128 : 32}` });

/** The name the client asked for: TLS SNI, else the HTTP Host (without port), never an IP literal. */
const serverName = (flow: FlowFinding): string | undefined => {
  const host = flow.tls?.sni ?? flow.l7?.tls?.sni ?? flow.l7?.http?.hosts?.[0];
  const name = host
    ?.replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  return name === undefined || name === '' || isIP(name) !== 0 ? undefined : name;
};

const peerOf = (ip: string, ctx: EdgeContext, name: string | undefined): Peer => {
  if (ctx.self !== undefined && !ctx.self.hostNetwork && ctx.self.ips.includes(ip))
    return groupPeer(ctx.self.group);
  const record = ctx.ips.get(ip);
  if (record !== undefined) return groupPeer(record.group);
  const fqdn = name ?? ctx.names?.get(ip);
  return fqdn === undefined ? hostCidr(ip) : { type: 'fqdn', fqdn };
};

const sideOf = (flow: FlowFinding, self: PodRecord | undefined): 'client' | 'server' | undefined => {
  if (self === undefined || self.hostNetwork) return undefined;
  if (self.ips.includes(flow.client.ip)) return 'client';
  return self.ips.includes(flow.server.ip) ? 'server' : undefined;
};

const l7Facts = (flow: FlowFinding) => {
  const grpc = flow.l7?.grpc?.methods ?? [];
  const methods = [...(flow.l7?.http?.methods ?? []), ...(grpc.length > 0 ? ['POST'] : [])];
  const paths = [...(flow.l7?.http?.paths ?? []), ...grpc.map((m) => (m.startsWith('/') ? m : `/${m}`))];
  const dnsNames = (flow.l7?.dns?.queries ?? []).map((q) => q.name.toLowerCase().replace(/\.$/, ''));
  return { methods: [...new Set(methods)], paths: [...new Set(paths)], dnsNames: [...new Set(dnsNames)] };
};

export const edgeOfFlow = (flow: FlowFinding, ctx: EdgeContext): EdgeResult => {
  if (isLoopback(flow.client.ip) && isLoopback(flow.server.ip)) {
    return { skipped: 'loopback flow inside the pod (app ↔ its own proxy)' };
  }
  const from = peerOf(flow.client.ip, ctx, undefined);
  const to = peerOf(flow.server.ip, ctx, serverName(flow));
  if (from.type !== 'group' && to.type !== 'group')
    return { skipped: 'neither end of the flow is a known workload' };
  const side = sideOf(flow, ctx.self);
  const edge: Edge = {
    from,
    to,
    transport: flow.transport,
    port: flow.server.port,
    protocol: flow.protocol,
    ...l7Facts(flow),
    firstSeen: flow.firstSeen,
    lastSeen: flow.lastSeen,
    meshControl: isMeshControlEdge({ from, to, port: flow.server.port }),
    flow,
  };
  if (side !== undefined && ctx.self !== undefined) edge.reporter = { group: ctx.self.group, side };
  return { edge };
};
