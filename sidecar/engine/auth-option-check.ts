/**
 * TCP authentication options the receiving kernel does not expect (RFC 2385 MD5 signatures, RFC 5925 TCP-AO): a
 * socket with no key for its peer drops every segment that carries one (Linux `tcp_inbound_hash`: drop reasons
 * TCP_MD5UNEXPECTED, TCP_AOUNEXPECTED, where the kernel reads the option), so a harmless copy signed with nonsense
 * is an insertion (the kernel-streams oracle's `md5-option` trick). A connection that uses signatures carries them
 * from its SYNs on, so an option is unexpected when neither SYN carried one; without the handshake nothing is known.
 * Such a segment is held aside (held-aside.ts): a kernel that ignores the option (built without TCP-AO, as this
 * machine's) acknowledges it, and it is read then.
 */
import type { DecodedPacket } from '../decode/decoded-packet.ts';
import { linkDirection } from '../decode/local-addresses.ts';
import type { DirectionState } from './flow-state.ts';
import { receiverView } from './receiver-view.ts';

const syn = 2;

/** A SYN's authentication option: the connection signs its segments. */
export const noteAuthOption = (sender: DirectionState, packet: DecodedPacket): void => {
  if (packet.tcpFlags & syn && packet.authOption !== 0 && packet.direction !== linkDirection.unknown)
    receiverView(sender).synAuth = true;
};

export const authUnexpected = (side: DirectionState, other: DirectionState, packet: DecodedPacket): boolean =>
  packet.authOption !== 0 &&
  (packet.tcpFlags & syn) === 0 &&
  side.isn >= 0 &&
  other.isn >= 0 &&
  side.view?.synAuth !== true &&
  other.view?.synAuth !== true;
