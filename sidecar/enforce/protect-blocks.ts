/** Protect mode's attack response: which peers to cut off, from the threat findings the engine just produced. */
import type { Finding, Severity } from '#core/finding.ts';
import type { Block } from './enforcement-state.ts';

export type ProtectOptions = {
  /** The pod's own addresses: they tell inbound attacks (we are the server) from outbound ones. */
  podIps: readonly string[];
  now: number;
  /** How long a cut lasts. */
  blockMs?: number;
  minSeverity?: Severity;
};

const rank: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const loopback = /^(127\.|::1$)/;

/**
 * A threat at or above the severity cuts the peer on that server port: the attacking client when the pod serves,
 * the server when the pod called it. Loopback peers (the pod's own proxy) are never cut: that would cut the app.
 */
export const protectBlocks = (findings: readonly Finding[], options: ProtectOptions): Block[] => {
  const until = options.now + (options.blockMs ?? 10 * 60_000);
  const floor = rank[options.minSeverity ?? 'high'];
  const blocks = new Map<string, Block>();
  for (const finding of findings) {
    if (finding.type !== 'threat' || rank[finding.severity] < floor) continue;
    const inbound = options.podIps.includes(finding.server.ip) || !options.podIps.includes(finding.client.ip);
    const peer = inbound ? finding.client.ip : finding.server.ip;
    if (loopback.test(peer) || options.podIps.includes(peer)) continue;
    const block: Block = { ip: peer, port: finding.server.port, peer: inbound ? 'client' : 'server', until };
    blocks.set(`${block.ip}|${block.port}|${block.peer}`, block);
  }
  return [...blocks.values()];
};

/** Adds new blocks (a repeat extends its time) and forgets expired ones; `changed` says whether to re-apply. */
export const mergeBlocks = (current: readonly Block[], added: readonly Block[], now: number) => {
  const key = (block: Block) => `${block.ip}|${block.port ?? ''}|${block.peer}`;
  const merged = new Map(
    current
      .filter((block) => block.until === undefined || block.until > now)
      .map((block) => [key(block), block]),
  );
  const changed = merged.size !== current.length || added.some((block) => !merged.has(key(block)));
  for (const block of added) merged.set(key(block), block);
  return { blocks: [...merged.values()].slice(-1024), changed };
};
