/**
 * Splits one direction of a JDWP connection into packets (the JDWP specification, "Packets": a 4-octet length that
 * counts the 11-octet header, an id, flags, then the command set and command or an error code). A packet is held
 * until whole, up to `maxPacket` octets (a big application's AllClasses reply); of a longer one the first 64 KiB
 * are handed over (its commands are read as far as they go, so padding a command hides nothing) and the rest skipped. A length below 11 stops the direction: its framing is lost.
 */

/** Octets of a packet held to be read whole (an AllClasses reply of ten thousand classes is about 1 MiB). */
export const maxPacket = 2 * 1024 * 1024;
const headerLength = 11;
/** Octets of a longer packet handed over. */
export const maxPrefix = headerLength + 64 * 1024;

export type Framer = {
  /** The whole packets (or oversized packets' headers) `chunk` completes, in order; none once stopped. */
  push(chunk: Uint8Array): Uint8Array[];
  stopped(): boolean;
  stop(): void;
};

const lengthOf = (b: Uint8Array, at: number): number =>
  (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;

export const createFramer = (): Framer => {
  let parts: Uint8Array[] = [];
  let held = 0;
  /** Octets the held parts must reach before they are joined and read. */
  let need = headerLength;
  let skip = 0;
  let stopped = false;

  const joined = (chunk: Uint8Array): Uint8Array | undefined => {
    if (parts.length === 0) return chunk;
    parts.push(chunk.slice());
    held += chunk.length;
    if (held < need) return undefined;
    const out = new Uint8Array(held);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    parts = [];
    held = 0;
    return out;
  };

  const hold = (rest: Uint8Array): void => {
    if (rest.length === 0) return;
    parts = [rest.slice()];
    held = rest.length;
    const length = rest.length >= 4 ? lengthOf(rest, 0) : headerLength;
    need = length > maxPacket ? maxPrefix : Math.max(length, headerLength);
  };

  /**
   * Hands over the packet at the start of `data` (whole, or the first octets of an oversized one, the rest to be
   * skipped) and says how many octets it used; 0 when it is not all there yet, or when the length stops the side.
   */
  const next = (data: Uint8Array, packets: Uint8Array[]): number => {
    if (data.length < headerLength) return 0;
    const length = lengthOf(data, 0);
    if (length < headerLength) {
      stopped = true;
      return 0;
    }
    if (length <= maxPacket) {
      if (data.length < length) return 0;
      packets.push(data.subarray(0, length));
      return length;
    }
    if (data.length < maxPrefix) return 0;
    packets.push(data.subarray(0, maxPrefix));
    const used = Math.min(length, data.length);
    skip = length - used;
    return used;
  };

  return {
    push(chunk) {
      if (stopped) return [];
      const skipped = Math.min(skip, chunk.length);
      skip -= skipped;
      let data = joined(chunk.subarray(skipped));
      if (data === undefined) return [];
      const packets: Uint8Array[] = [];
      for (let used = next(data, packets); used > 0; used = next(data, packets)) data = data.subarray(used);
      if (!stopped) hold(data);
      return packets;
    },
    stopped: () => stopped,
    stop() {
      stopped = true;
      parts = [];
      held = 0;
    },
  };
};
