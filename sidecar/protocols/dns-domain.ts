/** DNS domain names on the wire (RFC 1035 §3.1, §4.1.4): labels and compression pointers, loop-safe. */

/** RFC 1035 §2.3.4: a name is at most 255 octets on the wire. */
const maxWireLength = 255;
const maxJumps = 64;

/** Printable label octets as-is; '.' and '\' escaped; other octets as \DDD (RFC 4343 §2.1 presentation). */
const formatLabel = (label: Uint8Array): string => {
  let text = '';
  for (const b of label) {
    if (b === 0x2e || b === 0x5c) text += `\\${String.fromCharCode(b)}`;
    else if (b > 0x20 && b < 0x7f) text += String.fromCharCode(b);
    else text += `\\${b.toString().padStart(3, '0')}`;
  }
  return text;
};

export type DnsName = { name: string; end: number };

/**
 * Reads a name at `start`. A pointer must point strictly before the start of the labels being read,
 * so every jump goes backwards and no loop is possible; `end` is where the name ends at `start`.
 */
export const readDnsName = (msg: Uint8Array, start: number): DnsName | undefined => {
  const labels: string[] = [];
  let at = start;
  let segmentStart = start;
  let end = -1;
  let wire = 1;
  for (let jumps = 0; jumps <= maxJumps; ) {
    const length = msg[at];
    if (length === undefined) return undefined;
    if ((length & 0xc0) === 0xc0) {
      const target = ((length & 0x3f) << 8) | (msg[at + 1] ?? 0xff);
      if (at + 1 >= msg.length || target >= segmentStart) return undefined;
      if (end < 0) end = at + 2;
      segmentStart = target;
      at = target;
      jumps += 1;
      continue;
    }
    // 0x40 and 0x80 label types (RFC 6891 §5 obsoleted extended labels) are not valid here.
    if (length & 0xc0) return undefined;
    if (length === 0) return { name: labels.length === 0 ? '.' : labels.join('.'), end: end < 0 ? at + 1 : end };
    wire += length + 1;
    if (wire > maxWireLength || at + 1 + length > msg.length) return undefined;
    labels.push(formatLabel(msg.subarray(at + 1, at + 1 + length)));
    at += 1 + length;
  }
  return undefined;
};
