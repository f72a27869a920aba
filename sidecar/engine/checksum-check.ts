/**
 * Checksum insertion (Ptacek and Newsham 1998; fragroute's `tcp_chaff cksum`): a segment with a wrong checksum,
 * carrying harmless bytes where the attack will come, which the pod's kernel drops and an inspector that does not
 * check reads instead of the retransmitted real one. The tap drops such a segment as the kernel does, once the
 * sender has shown that its checksums are finished: a direction is checked from its first valid checksum on.
 * Before that, a direction whose checksums are all unfinished (the capture point sits before checksum offload:
 * loopback, veth, merged packets) or all wrong (a capture rewritten without fixing them) is read as it is, since
 * nothing tells a forged segment from the rest.
 */
import { tcpChecksum } from '../decode/checksum.ts';
import type { DecodedPacket } from '../decode/decoded-packet.ts';
import type { DirectionState } from './flow-state.ts';

/**
 * Unfinished checksums in a row, with no valid one, after which a direction is taken for a local sender (the pod
 * itself, or a pod on its node) and its checksums are no longer summed: they never will be finished.
 */
const offloadedToStop = 8;

/** True when the receiver drops this segment for its checksum; learns from valid and unfinished ones. */
export const checksumRejects = (side: DirectionState, packet: DecodedPacket): boolean => {
  if (!side.checksumsVerified && side.offloadedRun >= offloadedToStop) return false;
  const verdict = tcpChecksum(packet);
  if (verdict === 'valid') side.checksumsVerified = true;
  side.offloadedRun = verdict === 'offloaded' ? side.offloadedRun + 1 : 0;
  return verdict === 'bad' && side.checksumsVerified;
};
