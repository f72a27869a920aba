/**
 * A long length-delimited protobuf field as a stream reads it (protobuf-stream.ts): a string, bytes or a nested
 * message, which the wire format does not tell apart. It is walked as a message and followed as text at once: its
 * first and last 8 KiB are kept (`ValueWindow`), and whether its octets so far are text (UTF-8 without control
 * characters, as `utf8Text` reads a short one). Text fields its walk finds are held while it is still text, and
 * dropped if it ends as text (then its text is the value); once it is not, they are handed on.
 */
import { TextDecoder } from 'node:util';
import { ValueWindow } from './value-window.ts';

/** Octets kept of a long text field's start and end (xss reads 8 KiB of a value at once). */
export const protobufTextWindow = 8 * 1024;
/** Text fields held while a field may still be text; past them the rest are counted unread. */
const maxHeld = 256;

export type Leaf = [path: string, value: string];

export class ProtobufFrame {
  /** Fields found inside while this may still be text; undefined once it cannot be. */
  held: Leaf[] | undefined;
  /** Not a message: a field inside it was malformed or passed its end. Its octets are passed by. */
  opaque = false;
  /** Its walk was given up while it read as text, with `maxHeld` fields held: if it is not text, the rest is unread. */
  abandoned = false;
  private readonly window: ValueWindow | undefined;
  private readonly decoder: TextDecoder | undefined;

  /** `end`: where the field ends in its message; `text`: whether to follow it as text (not the message itself). */
  constructor(
    readonly end: number,
    readonly path: string,
    text: boolean,
  ) {
    this.window = text ? new ValueWindow(protobufTextWindow) : undefined;
    this.decoder = text ? new TextDecoder('utf-8', { fatal: true }) : undefined;
    this.held = text ? [] : undefined;
  }

  get isText(): boolean {
    return this.held !== undefined;
  }

  /** The field's octets `from` to `to` of `b`: kept, and checked for text; false when they end its being text. */
  add(b: Uint8Array, from: number, to: number): boolean {
    if (this.held === undefined || from >= to) return this.held !== undefined;
    for (let i = from; i < to; i++) {
      const octet = b[i] as number;
      if ((octet < 0x20 && octet !== 0x09 && octet !== 0x0a && octet !== 0x0d) || octet === 0x7f)
        return false;
    }
    try {
      this.decoder?.decode(b.subarray(from, to), { stream: true });
    } catch {
      return false;
    }
    this.window?.add(b, from, to);
    return true;
  }

  /**
   * Holds a field found inside. A text of many lines reads as many fields: past `maxHeld` the walk is given up (the
   * field is followed as text only), and it is counted unread only if the field turns out not to be text.
   */
  hold(leaf: Leaf): void {
    if (this.held === undefined || this.abandoned) return;
    if (this.held.length < maxHeld) this.held.push(leaf);
    else {
      this.opaque = true;
      this.abandoned = true;
    }
  }

  /** No longer text: the fields held, to hand on. */
  release(): Leaf[] {
    const held = this.held ?? [];
    this.held = undefined;
    return held;
  }

  /** At the field's end: its text when it was text to the last octet, and whether its middle was passed by. */
  finish(): { text: string; cut: boolean } | undefined {
    if (this.held === undefined || this.window === undefined) return undefined;
    try {
      this.decoder?.decode();
    } catch {
      return undefined;
    }
    return { text: this.window.text(), cut: this.window.cut };
  }
}
