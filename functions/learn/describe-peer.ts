/** A peer as people read it: `namespace/name`, a CIDR, or an FQDN. */
import type { Peer } from '#core/rule.ts';

export const describePeer = (peer: Peer): string => {
  if (peer.type === 'group') return `${peer.namespace}/${peer.name}`;
  return peer.type === 'cidr' ? peer.cidr : peer.fqdn;
};
