/** MQTT fixed header and field readers (MQTT 3.1.1 §2.2, MQTT 5.0 §1.5 and §2.1). */
import { isPrintable, text, u16be } from './wire-bytes.ts';

export const packetNames = [
  'RESERVED',
  'CONNECT',
  'CONNACK',
  'PUBLISH',
  'PUBACK',
  'PUBREC',
  'PUBREL',
  'PUBCOMP',
  'SUBSCRIBE',
  'SUBACK',
  'UNSUBSCRIBE',
  'UNSUBACK',
  'PINGREQ',
  'PINGRESP',
  'DISCONNECT',
  'AUTH',
] as const;

/** Variable Byte Integer (MQTT 5.0 §1.5.5): value and bytes used; `need-more` or `bad` when it cannot be read. */
export const varint = (b: Uint8Array, at: number): { value: number; size: number } | 'need-more' | 'bad' => {
  let value = 0;
  for (let i = 0; i < 4; i++) {
    const byte = b[at + i];
    if (byte === undefined) return 'need-more';
    value += (byte & 0x7f) * 128 ** i;
    if ((byte & 0x80) === 0) return { value, size: i + 1 };
  }
  return 'bad';
};

/** Fixed-header flags (§2.2.2): PUBLISH carries DUP/QoS/RETAIN (QoS 3 is malformed); PUBREL, SUBSCRIBE, UNSUBSCRIBE 0b0010. */
export const flagsValid = (first: number): boolean => {
  const type = first >> 4;
  const flags = first & 0x0f;
  if (type === 0) return false;
  if (type === 3) return (flags & 0x06) !== 0x06;
  return flags === (type === 6 || type === 8 || type === 10 ? 0x02 : 0);
};

/** Whole packet length at `b` (fixed header + remaining length): > 0, 0 when more bytes are needed, -1 malformed. */
export const mqttPacketLength = (b: Uint8Array): number => {
  if (b.length === 0) return 0;
  if (!flagsValid(b[0] ?? 0)) return -1;
  const remaining = varint(b, 1);
  if (remaining === 'need-more') return 0;
  return remaining === 'bad' ? -1 : 1 + remaining.size + remaining.value;
};

/** A UTF-8 string with a 2-byte length (§1.5.3 / §1.5.4): text, next offset; undefined when it does not fit. */
export const mqttString = (
  b: Uint8Array,
  at: number,
  end: number,
): { value: string; next: number } | undefined => {
  const n = u16be(b, at);
  if (at + 2 + n > end) return undefined;
  return { value: text(b, at + 2, at + 2 + n), next: at + 2 + n };
};

/** A topic name fit for PUBLISH: non-empty, printable, no wildcards (§4.7.1), no NUL. */
export const isTopicName = (b: Uint8Array, start: number, end: number): boolean => {
  if (end <= start || !isPrintable(b, start, end)) return false;
  return !b.subarray(start, end).some((x) => x === 0x23 || x === 0x2b);
};
