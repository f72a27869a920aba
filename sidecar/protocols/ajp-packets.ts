/**
 * One direction of an AJP13 connection cut into packets (ajpv13a "Packet Format"): the magic (`0x12 0x34` from the
 * proxy, `AB` from the container), a 2-octet length and that many octets. A packet is at most 65,535 octets, so what
 * is held between chunks is bounded; a packet arriving in many chunks is joined once, when it is whole, so a sender
 * trickling octets costs no more than one that sends them at once. A wrong magic stops the direction, whose framing
 * is then lost.
 */
import { joinParts, u16be } from './wire-bytes.ts';

export class AjpPackets {
  private parts: Uint8Array[] = [];
  private size = 0;
  /** Octets the held packet takes in all, once its header is held (0 before). */
  private need = 0;
  stopped = false;

  constructor(
    private readonly m0: number,
    private readonly m1: number,
  ) {}

  /** The payloads of the whole packets `chunk` completes, in order; what is left of a packet is held (copied). */
  take(chunk: Uint8Array): Uint8Array[] {
    if (this.stopped || chunk.length === 0) return [];
    if (this.need > 0 && this.size + chunk.length < this.need) {
      this.hold(chunk.slice());
      return [];
    }
    const b = this.size === 0 ? chunk : joinParts([...this.parts, chunk], this.size + chunk.length);
    this.parts = [];
    this.size = 0;
    this.need = 0;
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
    if (at < b.length) this.hold(b.slice(at));
    return payloads;
  }

  /** Octets were lost: the framing is gone. */
  stop(): void {
    this.stopped = true;
    this.parts = [];
    this.size = 0;
  }

  private hold(part: Uint8Array): void {
    this.parts.push(part);
    this.size += part.length;
    const first = this.parts[0];
    if (this.need === 0 && first !== undefined && first.length >= 4) this.need = 4 + u16be(first, 2);
  }
}
