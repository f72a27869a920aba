/**
 * The form fields of a multipart/form-data request body that come after the 64 KiB kept of it (ADR 33). A field
 * placed behind a long file part used to pass unjudged, since the body was cut inside the file. Past the bound, the
 * rest of the body streams through this reader:
 * - each later part's headers are kept, so a file's name is still judged;
 * - the contents of parts that are not files are kept, up to 64 KiB in all;
 * - file contents are skipped, as ModSecurity's limit on bodies without files counts only fields.
 * What is kept is appended to the body as more parts, so the body still reads as multipart.
 */
import { joinParts } from './wire-bytes.ts';

/** Octets of later parts kept (headers and field contents). */
export const multipartTailBytes = 64 * 1024;
/** A part's header block longer than this is not a header block: the part is skipped. */
const maxHeaderBlock = 8 * 1024;

const boundaryParameter = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i;
const latin1 = new TextDecoder('latin1');
const encoder = new TextEncoder();
const empty = new Uint8Array(0);

/** The boundary a multipart Content-Type names (RFC 2046 §5.1.1: 1 to 70 characters), or undefined. */
export const multipartBoundary = (contentType: string): string | undefined => {
  const found = boundaryParameter.exec(contentType);
  return found?.[1] ?? found?.[2];
};

/** The offset of `needle` in `hay` from `from`, or -1. */
const indexOf = (hay: Uint8Array, needle: Uint8Array, from: number): number => {
  const first = needle[0] ?? 0;
  for (
    let at = hay.indexOf(first, from);
    at >= 0 && at + needle.length <= hay.length;
    at = hay.indexOf(first, at + 1)
  ) {
    let i = 1;
    while (i < needle.length && hay[at + i] === needle[i]) i++;
    if (i === needle.length) return at;
  }
  return -1;
};

/** Where a header block ends (after its blank line), from `from`; -1 while it has not. */
const headerEnd = (b: Uint8Array, from: number): number => {
  for (let at = b.indexOf(0x0a, from); at >= 0; at = b.indexOf(0x0a, at + 1)) {
    if (b[at + 1] === 0x0a) return at + 2;
    if (b[at + 1] === 0x0d && b[at + 2] === 0x0a) return at + 3;
  }
  return -1;
};

type Mode = 'skip' | 'keep' | 'after' | 'headers' | 'done';

export type MultipartTail = {
  /** The next octets of the body past the bound. */
  feed(data: Uint8Array): void;
  /** The later parts kept, as body octets to append (a delimiter, then each part), closed; empty when none. */
  result(): Uint8Array;
};

class Tail implements MultipartTail {
  /** Reading starts inside the part the bound cut: its rest is skipped, whatever it is. */
  private mode: Mode = 'skip';
  /** Octets not decided yet: a delimiter's or a header block's start. */
  private carry = empty;
  private readonly kept: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly delimiter: Uint8Array) {}

  private keep(bytes: Uint8Array): void {
    const room = multipartTailBytes - this.size;
    if (room <= 0 || bytes.length === 0) return;
    const taken = bytes.slice(0, room);
    this.kept.push(taken);
    this.size += taken.length;
  }

  /** Content up to the next delimiter; returns the offset after it, or -1 when the buffer ends first. */
  private content(b: Uint8Array, at: number): number {
    const found = indexOf(b, this.delimiter, at);
    const end = found < 0 ? Math.max(at, b.length - this.delimiter.length + 1) : found;
    if (this.mode === 'keep') this.keep(b.subarray(at, end));
    if (found < 0) {
      this.carry = b.slice(end);
      return -1;
    }
    this.keep(this.delimiter);
    this.mode = 'after';
    return found + this.delimiter.length;
  }

  /** A part's header block: kept, and the part's content kept unless it is a file. */
  private headers(b: Uint8Array, at: number): number {
    const end = headerEnd(b, at);
    if (end < 0 && b.length - at > maxHeaderBlock) {
      this.mode = 'skip';
      return at;
    }
    if (end < 0) {
      this.carry = b.slice(at);
      return -1;
    }
    const block = b.subarray(at, end);
    this.keep(block);
    this.mode = /;\s*filename\*?\s*=/i.test(latin1.decode(block)) ? 'skip' : 'keep';
    return end;
  }

  feed(data: Uint8Array): void {
    if (this.mode === 'done' || data.length === 0) return;
    const b = this.carry.length === 0 ? data : joinParts([this.carry, data], this.carry.length + data.length);
    this.carry = empty;
    let at = 0;
    while (at >= 0 && at < b.length && this.reading()) at = this.step(b, at);
  }

  /** Not past the closing delimiter (a method: a step changes the mode, which a narrowed field would hide). */
  private reading(): boolean {
    return this.mode !== 'done';
  }

  /** One step from `at`: the offset to go on from, or -1 when the rest waits for more octets (carried). */
  private step(b: Uint8Array, at: number): number {
    if (this.mode === 'skip' || this.mode === 'keep') return this.content(b, at);
    if (this.mode === 'headers') return this.headers(b, at);
    if (b.length - at < 2) {
      this.carry = b.slice(at);
      return -1;
    }
    // After a delimiter: `--` closes the body, anything else (a line end) starts a part's headers.
    this.mode = b[at] === 0x2d && b[at + 1] === 0x2d ? 'done' : 'headers';
    return at;
  }

  result(): Uint8Array {
    if (this.size === 0) return empty;
    const close = encoder.encode('\r\n');
    const parts = [encoder.encode('\r\n'), ...this.kept, close];
    return joinParts(
      parts,
      parts.reduce((n, p) => n + p.length, 0),
    );
  }
}

/**
 * A message's body as told: the parts kept (copies, so a single one is handed over as it is) and, for a multipart
 * request read past its bound, the later parts its tail kept.
 */
export const bodyWithTail = (
  parts: readonly Uint8Array[],
  size: number,
  tail: MultipartTail | undefined,
): Uint8Array => {
  const later = tail?.result();
  if (later === undefined || later.length === 0) return joinParts(parts, size);
  return joinParts([...parts, later], size + later.length);
};

/**
 * A reader of the body past the bound, for a multipart Content-Type that names its boundary; else undefined. Not for
 * a body with a Content-Encoding: its boundaries are compressed, and octets that look like one (a deflate stored block
 * holds them as they are) would be appended to compressed octets, which then no longer decode. The injection inputs
 * read such a body's later parts once decoded (http-inputs.ts).
 */
export const createMultipartTail = (contentType: string, contentEncoding = ''): MultipartTail | undefined => {
  if (!/^\s*multipart\/form-data\b/i.test(contentType)) return undefined;
  if (!/^\s*(identity\s*)?$/i.test(contentEncoding)) return undefined;
  const boundary = multipartBoundary(contentType);
  return boundary === undefined ? undefined : new Tail(encoder.encode(`--${boundary}`));
};
