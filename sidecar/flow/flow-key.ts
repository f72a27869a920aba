/** The flow table key: the 5-tuple in a canonical order, so both directions of a conversation share one key. */

export const flowKey = (
  protocol: number,
  src: string,
  srcPort: number,
  dst: string,
  dstPort: number,
): string =>
  src < dst || (src === dst && srcPort <= dstPort)
    ? `${protocol}|${src}|${srcPort}|${dst}|${dstPort}`
    : `${protocol}|${dst}|${dstPort}|${src}|${srcPort}`;
