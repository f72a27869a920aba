/**
 * IP fragment reassembly (RFC 791 section 3.2, RFC 8200 section 4.5), bounded. Overlaps are handled as Linux does
 * (since 4.19; RFC 5722 for IPv6): an exact duplicate of a fragment held is ignored, any other overlap discards the
 * whole datagram. A tap that assembled it anyway would read bytes the pod never received, and a TCP segment forged
 * that way would then shadow the real one (an evasion).
 */

export type FragmentLimits = {
  /** Datagrams being reassembled at once; the oldest is dropped beyond this. */
  maxDatagrams: number;
  /**
   * Fragments per datagram. A 1500-octet packet cut into 8-octet fragments (the smallest IPv4 allows, as fragroute
   * does to evade inspection) is 184 of them, and Linux reassembles it: fewer here would drop what the pod receives.
   */
  maxFragments: number;
  /** Seconds of capture time a datagram may take to complete (RFC 791 suggests 15 s; Linux uses 30 s). */
  timeoutMs: number;
};

export const defaultFragmentLimits: FragmentLimits = {
  maxDatagrams: 1024,
  maxFragments: 256,
  timeoutMs: 30_000,
};

/** The largest datagram an IP length field allows. */
const maxDatagram = 65_535;

type Part = { start: number; data: Uint8Array };
type Pending = { parts: Part[]; total: number; firstTs: number };

export type FragmentResult = {
  /** The reassembled payload once every byte has arrived. */
  done: Uint8Array | undefined;
  /** This fragment overlapped one already held (a teardrop-style attack or a broken stack). */
  overlap: boolean;
  /** The fragment was refused: too many fragments, beyond 64 KiB, a full table, or an overlap (datagram discarded). */
  dropped: boolean;
};

const overlaps = (parts: readonly Part[], start: number, end: number): boolean =>
  parts.some((part) => start < part.start + part.data.length && part.start < end);

/** Every byte from 0 to total is covered; parts sorted by start. */
const complete = (pending: Pending): boolean => {
  if (pending.total < 0) return false;
  const sorted = [...pending.parts].sort((a, b) => a.start - b.start);
  let covered = 0;
  for (const part of sorted) {
    if (part.start > covered) return false;
    covered = Math.max(covered, part.start + part.data.length);
  }
  return covered >= pending.total;
};

/** The parts (disjoint: an overlap discards the datagram) copied into place. */
const assemble = (pending: Pending): Uint8Array => {
  const out = new Uint8Array(pending.total);
  for (let i = pending.parts.length - 1; i >= 0; i--) {
    const part = pending.parts[i] as Part;
    out.set(part.data.subarray(0, Math.max(0, pending.total - part.start)), part.start);
  }
  return out;
};

export type FragmentTable = {
  add(key: string, offset: number, more: boolean, data: Uint8Array, ts: number): FragmentResult;
  readonly size: number;
  readonly dropped: number;
};

export const createFragmentTable = (limits: FragmentLimits = defaultFragmentLimits): FragmentTable => {
  const table = new Map<string, Pending>();
  let dropped = 0;
  const refuse = (key: string): FragmentResult => {
    dropped += 1;
    table.delete(key);
    return { done: undefined, overlap: false, dropped: true };
  };
  const expire = (ts: number): void => {
    for (const [key, pending] of table) {
      if (table.size < limits.maxDatagrams && ts - pending.firstTs <= limits.timeoutMs) break;
      table.delete(key);
      dropped += 1;
    }
  };
  return {
    add(key, offset, more, data, ts) {
      const end = offset + data.length;
      if (end > maxDatagram) return refuse(key);
      let pending = table.get(key);
      if (pending === undefined) {
        expire(ts);
        pending = { parts: [], total: -1, firstTs: ts };
        table.set(key, pending);
      }
      if (pending.parts.length >= limits.maxFragments) return refuse(key);
      if (pending.parts.some((part) => part.start === offset && part.data.length === data.length))
        return { done: undefined, overlap: false, dropped: false };
      if (overlaps(pending.parts, offset, end)) {
        dropped += 1;
        table.delete(key);
        return { done: undefined, overlap: true, dropped: true };
      }
      // A copy: the capture buffer the fragment points into is not kept alive by the table.
      pending.parts.push({ start: offset, data: data.slice() });
      if (!more) pending.total = end;
      if (!complete(pending)) return { done: undefined, overlap: false, dropped: false };
      table.delete(key);
      return { done: assemble(pending), overlap: false, dropped: false };
    },
    get size() {
      return table.size;
    },
    get dropped() {
      return dropped;
    },
  };
};
