/**
 * One direction of an AJP13 connection cut into packets (ajpv13a "Packet Format"): the magic (`0x12 0x34` from the
 * proxy, `AB` from the container), a 2-octet length and that many octets. A packet is at most 65,535 octets, so what
 * is held between chunks is bounded; a wrong magic stops the direction, whose framing is then lost.
 */
import { u16be } from './wire-bytes.ts';

const none = new Uint8Array(0);

export class AjpPackets {
  private held: Uint8Array = none;
  stopped = false;

  constructor(
    private readonly m0: number,
    private readonly m1: number,
  ) {}

  /** The payloads of the whole packets `chunk` completes, in order; what is left of a packet is held (copied). */
  take(chunk: Uint8Array): Uint8Array[] {
    if (this.stopped) return [];
    let b = chunk;
    if (this.held.length > 0) {
      b = new Uint8Array(this.held.length + chunk.length);
      b.set(this.held);
      b.set(chunk, this.held.length);
    }
    const payloads: Uint8Array[] = [];
    let at = 0;
    while (b.length - at >= 4) {
      if (b[at] !== this.m0 || b[at + 1] !== this.m1) {
        this.stop();
        return payloads;
      }
      const end = at + 4 + u16be(b, at + 2);
      if (end > b.length) break;
      payloads.push(b.subarray(at + 4, end));
      at = end;
    }
    this.held = at < b.length ? b.slice(at) : none;
    return payloads;
  }

  /** Octets were lost: the framing is gone. */
  stop(): void {
    this.stopped = true;
    this.held = none;
  }
}
