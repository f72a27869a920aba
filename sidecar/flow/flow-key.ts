/** The flow table key: the 5-tuple (and VLAN) in a canonical order, so both directions of a conversation share one key. */

export const flowKey = (
  protocol: number,
  src: string,
  srcPort: number,
  dst: string,
  dstPort: number,
  vlan = 0,
): string =>
  src < dst || (src === dst && srcPort <= dstPort)
    ? `${protocol}|${vlan}|${src}|${srcPort}|${dst}|${dstPort}`
    : `${protocol}|${vlan}|${dst}|${dstPort}|${src}|${srcPort}`;
