/** A parsed DNS message as the engine's `dns-message` event, whatever carried it (UDP, TCP, HTTP). */
import type { Direction, DnsMessageEvent } from '../events.ts';
import type { DnsMessage } from './dns-message.ts';
import { dnsRcodeName } from './dns-names.ts';

export const dnsMessageEvent = (
  parsed: DnsMessage,
  size: number,
  direction: Direction,
  ts: number,
  transport: DnsMessageEvent['transport'],
): DnsMessageEvent => {
  const event: DnsMessageEvent = {
    kind: 'dns-message',
    ts,
    direction,
    id: parsed.header.id,
    isResponse: (parsed.header.flags & 0x8000) !== 0,
    opcode: (parsed.header.flags >> 11) & 0xf,
    rcode: dnsRcodeName(parsed.header.flags & 0xf),
    questions: parsed.questions,
    answers: parsed.answers,
    size,
    transport,
  };
  if (parsed.end !== size) event.malformed = true;
  return event;
};
