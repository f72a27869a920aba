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

type Walk = { labels: string[]; at: number; segmentStart: number; end: number; wire: number };

/** Follows a compression pointer (§4.1.4); false when it does not point strictly backwards. */
const jump = (msg: Uint8Array, walk: Walk, first: number): boolean => {
  const second = msg[walk.at + 1];
  const target = ((first & 0x3f) << 8) | (second ?? 0);
  if (second === undefined || target >= walk.segmentStart) return false;
  if (walk.end < 0) walk.end = walk.at + 2;
  walk.segmentStart = target;
  walk.at = target;
  return true;
};

/** Appends one label; false when it runs past the message or the name grows over 255 octets. */
const label = (msg: Uint8Array, walk: Walk, length: number): boolean => {
  walk.wire += length + 1;
  if (walk.wire > maxWireLength || walk.at + 1 + length > msg.length) return false;
  walk.labels.push(formatLabel(msg.subarray(walk.at + 1, walk.at + 1 + length)));
  walk.at += 1 + length;
  return true;
};

/** 0x40 and 0x80 label types (RFC 6891 §5 obsoleted extended labels) are not valid here. */
const advance = (msg: Uint8Array, walk: Walk, length: number): boolean => {
  const kind = length & 0xc0;
  if (kind === 0xc0) return jump(msg, walk, length);
  return kind === 0 && label(msg, walk, length);
};

const finish = (walk: Walk): DnsName => ({
  name: walk.labels.length === 0 ? '.' : walk.labels.join('.'),
  end: walk.end < 0 ? walk.at + 1 : walk.end,
});

/**
 * Reads a name at `start`. A pointer must point strictly before the start of the labels being read,
 * so every jump goes backwards and no loop is possible; `end` is where the name ends at `start`.
 */
export const readDnsName = (msg: Uint8Array, start: number): DnsName | undefined => {
  const walk: Walk = { labels: [], at: start, segmentStart: start, end: -1, wire: 1 };
  for (let steps = 0; steps <= maxJumps + 128; steps += 1) {
    const length = msg[walk.at];
    if (length === undefined) return undefined;
    if (length === 0) return finish(walk);
    if (!advance(msg, walk, length)) return undefined;
  }
  return undefined;
};
