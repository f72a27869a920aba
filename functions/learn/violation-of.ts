/**
 * A violation: the flow, the group whose baseline it left, the nearest rule and why it did not match, and behind a
 * trusted proxy the clients the flow's requests named.
 */
import { createHash } from 'node:crypto';
import type { ViolationFinding } from '#core/finding.ts';
import type { Mode } from '#core/mode.ts';
import type { Rule } from '#core/rule.ts';
import type { FindingRecord } from '#functions/platform/store/store.ts';
import { describePeer } from './describe-peer.ts';
import type { Edge } from './edge.ts';
import { ruleId } from './merge-edge.ts';

/** The rule that would allow this edge, as "allow" would store it. */
export const proposalOf = (edge: Edge): Rule => {
  const rule: Rule = {
    id: ruleId(edge),
    from: edge.from,
    to: edge.to,
    transport: edge.transport,
    port: edge.port,
    protocol: edge.protocol,
    source: 'manual',
    hits: 0,
    firstSeen: edge.firstSeen,
    lastSeen: edge.lastSeen,
  };
  if (edge.methods.length > 0 || edge.paths.length > 0)
    rule.http = { methods: edge.methods, paths: edge.paths };
  if (edge.dnsNames.length > 0) rule.dnsNames = edge.dnsNames;
  return rule;
};

export type ViolationInput = { edge: Edge; group: string; mode: Mode; reason: string; nearest?: Rule };

/**
 * The stored violation. Its id is derived from the group, the flow's endpoints and start, so the same flow
 * reported by both ends' taps is one violation. Protect never blocks mesh control traffic: it is reported
 * as monitor, and says so.
 */
export const violationOf = (input: ViolationInput, batchId: string): FindingRecord => {
  const { edge } = input;
  const blocked = input.mode === 'protect' && edge.meshControl ? 'monitor' : input.mode;
  const other =
    edge.reporter?.side === 'server' || describePeer(edge.to) === input.group ? edge.from : edge.to;
  const finding: ViolationFinding = {
    type: 'violation',
    transport: edge.transport,
    client: edge.flow.client,
    server: edge.flow.server,
    protocol: edge.protocol,
    group: input.group,
    peer: describePeer(other),
    mode: blocked,
    reason: blocked === input.mode ? input.reason : `${input.reason} (mesh control plane: never blocked)`,
    firstSeen: edge.firstSeen,
    lastSeen: edge.lastSeen,
  };
  if (input.nearest !== undefined) finding.nearestRule = input.nearest.id;
  // Evidence only: the rule and its proposal name the proxy the connection came from, as enforcement sees it.
  const forwarded = edge.flow.l7?.forwarded;
  if (forwarded !== undefined) finding.forwarded = forwarded;
  const flowKey = [
    input.group,
    edge.flow.client.ip,
    edge.flow.client.port,
    edge.flow.server.ip,
    edge.port,
    edge.firstSeen,
  ];
  const id = `v-${createHash('sha256').update(flowKey.join('|')).digest('hex').slice(0, 20)}`;
  const slash = input.group.indexOf('/');
  return {
    id,
    batchId,
    namespace: input.group.slice(0, slash),
    group: input.group,
    kind: 'violation',
    at: edge.firstSeen,
    finding,
    proposal: proposalOf(edge),
  };
};
