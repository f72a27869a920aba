/**
 * Readers for flows that are labelled by another flow's announcement (ADR 21) rather than detected from their bytes.
 * Not in the detection registry (index.ts): their detectors would never match.
 */
import type { ProtocolId } from '#core/protocol-id.ts';
import { ftpData } from './ftp-data.ts';
import type { Protocol } from './protocol.ts';
import { socksDatagrams } from './socks-udp.ts';

export const announcedProtocols: Partial<Record<ProtocolId, Protocol>> = {
  'ftp-data': ftpData,
  // Only a UDP ASSOCIATE's relay is announced as SOCKS (socks-udp-relay.ts).
  socks: socksDatagrams,
};
