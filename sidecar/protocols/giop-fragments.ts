/**
 * GIOP fragmentation (CORBA 3.0, §15.4.9): from 1.1 a Request or Reply (1.2: also LocateRequest, LocateReply) with
 * the more-fragments flag is continued by Fragment messages until one without it. In 1.1 fragments follow their
 * message on the connection; in 1.2 each Fragment names the request id it continues (a 4-octet header), and
 * fragments of several messages may interleave. Messages are put back together here, up to 64 KiB each and 16 at a
 * time per direction; octets past that are dropped (the headers a summary reads come first).
 */
import { type GiopHeader, giopHeaderSize } from './giop-header.ts';
import { joinParts, u32be, u32le } from './wire-bytes.ts';

export const maxGiopKept = 64 * 1024;
const maxHeld = 16;

type Held = { header: GiopHeader; parts: Uint8Array[]; size: number };
export type Whole = { header: GiopHeader; message: Uint8Array };

/** 1.2's messages are keyed by the request id their body (or the Fragment's header) opens with; 1.1 has one. */
const keyOf = (header: GiopHeader, message: Uint8Array): number => {
  if (header.minor < 2) return -1;
  return header.little ? u32le(message, giopHeaderSize) : u32be(message, giopHeaderSize);
};

export type GiopFragments = {
  /** A message: whole as it is, or held (undefined) when fragments follow and there is room to hold it. */
  message(header: GiopHeader, message: Uint8Array): Whole | undefined;
  /** A Fragment: the message it completes, or undefined while more follow (or when it continues nothing held). */
  fragment(header: GiopHeader, message: Uint8Array): Whole | undefined;
  clear(): void;
};

export const createGiopFragments = (): GiopFragments => {
  const held = new Map<number, Held>();

  const append = (entry: Held, data: Uint8Array): void => {
    const room = maxGiopKept + giopHeaderSize - entry.size;
    if (room <= 0 || data.length === 0) return;
    const part = data.length > room ? data.subarray(0, room) : data;
    entry.parts.push(part);
    entry.size += part.length;
  };

  return {
    message(header, message) {
      if (!header.more || header.minor === 0) return { header, message };
      const key = keyOf(header, message);
      if (held.size >= maxHeld && !held.has(key)) return { header, message };
      held.set(key, { header, parts: [message], size: message.length });
      return undefined;
    },
    fragment(header, message) {
      const key = keyOf(header, message);
      const entry = held.get(key);
      if (entry === undefined || entry.header.minor !== header.minor) return undefined;
      append(entry, message.subarray(header.minor === 2 ? giopHeaderSize + 4 : giopHeaderSize));
      if (header.more) return undefined;
      held.delete(key);
      return { header: entry.header, message: joinParts(entry.parts, entry.size) };
    },
    clear: () => held.clear(),
  };
};
