/** MQTT detection: CONNECT with its protocol name and level, CONNACK, or a well-formed PUBLISH picked up mid-stream. */
import type { Direction } from '../events.ts';
import { isTopicName, mqttPacketLength, varint } from './mqtt-packet.ts';
import type { Detection } from './protocol.ts';
import { startsWithAscii, u16be } from './wire-bytes.ts';

/** Protocol name and level (3.1.1 §3.1.2.1-2, 5.0 §3.1.2.1-2; MQIsdp is MQTT 3.1). */
const names: readonly (readonly [string, readonly number[]])[] = [
  ['\x00\x04MQTT', [4, 5]],
  ['\x00\x06MQIsdp', [3]],
];

const detectConnect = (b: Uint8Array): Detection => {
  const remaining = varint(b, 1);
  if (remaining === 'need-more') return 'need-more';
  if (remaining === 'bad' || remaining.value < 12 || remaining.value > 64 * 1024) return 'no-match';
  const at = 1 + remaining.size;
  const rest = b.subarray(at);
  const known = names.find(([name]) => startsWithAscii(rest, name, true));
  if (!known) return 'no-match';
  const [name, levels] = known;
  if (rest.length < name.length + 2) return 'need-more';
  const level = rest[name.length] ?? 0;
  const flags = rest[name.length + 1] ?? 1;
  // Connect flags bit 0 is reserved and must be 0 (§3.1.2.3).
  return levels.includes(level) && (flags & 1) === 0 ? 'match' : 'no-match';
};

/** CONNACK (3.1.1 §3.2): remaining length 2, acknowledge flags 0 or 1, return code 0..5. */
const detectConnack = (b: Uint8Array): Detection => {
  if (b.length < 4) return b.length < 2 || b[1] === 2 ? 'need-more' : 'no-match';
  return b[1] === 2 &&
    (b[2] ?? 9) <= 1 &&
    (b[3] ?? 9) <= 5 &&
    (b.length === 4 || mqttPacketLength(b.subarray(4)) !== -1)
    ? 'match'
    : 'no-match';
};

/** PUBLISH: a whole packet whose topic is a valid name, ending exactly where the bytes do or where another packet starts. */
const detectPublish = (b: Uint8Array): Detection => {
  const length = mqttPacketLength(b);
  if (length < 0 || length > 4096) return 'no-match';
  if (length === 0 || b.length < length) return 'need-more';
  const header = length - (varint(b, 1) as { value: number }).value;
  const topicLength = u16be(b, header);
  const qos = ((b[0] ?? 0) >> 1) & 3;
  if (topicLength === 0 || header + 2 + topicLength + (qos > 0 ? 2 : 0) > length) return 'no-match';
  if (!isTopicName(b, header + 2, header + 2 + topicLength)) return 'no-match';
  return b.length === length || mqttPacketLength(b.subarray(length)) >= 0 ? 'match' : 'no-match';
};

export const detectMqtt = (b: Uint8Array, direction: Direction): Detection => {
  if (b.length === 0) return 'need-more';
  const type = (b[0] ?? 0) >> 4;
  if (b[0] === 0x10 && direction === 'to-server') return detectConnect(b);
  if (b[0] === 0x20 && direction === 'to-client') return detectConnack(b);
  return type === 3 ? detectPublish(b) : 'no-match';
};
