/** Counters one TCP direction's reassembly keeps: what was repaired, what was lost. */

export type ReassemblyStats = {
  /** Segments wholly before the delivered point: retransmissions. */
  retransmissions: number;
  /** Segments that partly overlapped bytes already delivered or held. */
  overlaps: number;
  /** Overlaps whose bytes differed from the bytes held (Linux's copy is kept): an evasion attempt or corruption. */
  conflicts: number;
  /** Segments that arrived ahead of a hole and were held. */
  outOfOrder: number;
  /** Holes skipped (lost packets, buffer limit, snap length). */
  gaps: number;
  gapBytes: number;
  /** FINs before bytes already delivered (duplicates, or forged to end reading): ignored. */
  staleFins: number;
  /** Urgent (out-of-band) octets taken out of the stream, as Linux does. */
  urgentOctets: number;
  /** Held segments dropped from the far end to stay within bounds while the receiver waited for the hole. */
  pruned: number;
};

export const emptyReassemblyStats = (): ReassemblyStats => ({
  retransmissions: 0,
  overlaps: 0,
  conflicts: 0,
  outOfOrder: 0,
  gaps: 0,
  gapBytes: 0,
  staleFins: 0,
  urgentOctets: 0,
  pruned: 0,
});
