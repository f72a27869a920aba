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

const crlf = encoder.encode('\r\n');
const dashes = encoder.encode('--');
const isLineEnd = (octet: number | undefined): boolean => octet === 0x0d || octet === 0x0a;

export type MultipartTail = {
  /** The next octets of the body past the bound. */
  feed(data: Uint8Array): void;
  /** The later parts kept, as body octets to append (each part after a CRLF and its delimiter), closed; empty when none. */
  result(): Uint8Array;
};

/**
 * Delimiters (RFC 2046 §5.1.1) count at a line's start only: CRLF before them, or a bare LF or CR, which some servers
 * take for one (Go after a first LF-only line, PHP, Werkzeug) and others for content (busboy, Commons FileUpload,
 * Rack). A part begun after a bare line end is kept as any part is; a close after one ends reading only for the
 * servers that took it, so reading goes on in the part it is in. Found anywhere, a `--boundary--` in a field's value
 * ended reading and hid the parts after it from the judges, while every server read them.
 */
class Tail implements MultipartTail {
  /** Reading starts inside the part the bound cut: its rest is skipped, whatever it is. */
  private mode: Mode = 'skip';
  /** The content mode before the delimiter just found: a close after a bare line end goes back to it. */
  private partMode: Mode = 'skip';
  /** Octets not decided yet: a delimiter's (with the line end before it) or a header block's start. */
  private carry = empty;
  private readonly kept: Uint8Array[] = [];
  private size = 0;
  /** The two octets before what is read next (the carry, then new octets). */
  private before1: number;
  private before2 = 0;
  /** The line end before the delimiter just found: CRLF, or a bare LF or CR. */
  private lineEnd = crlf;

  /** `before`: the body's octet before the first one fed. */
  constructor(
    private readonly delimiter: Uint8Array,
    before: number,
  ) {
    this.before1 = before;
  }

  private keep(bytes: Uint8Array): void {
    const room = multipartTailBytes - this.size;
    if (room <= 0 || bytes.length === 0) return;
    const taken = bytes.slice(0, room);
    this.kept.push(taken);
    this.size += taken.length;
  }

  /** The octet at `at` in `b`, or before it (-1, -2). */
  private octet(b: Uint8Array, at: number): number | undefined {
    if (at >= 0) return b[at];
    return at === -1 ? this.before1 : this.before2;
  }

  /** The octets from `from` wait for more; the two before them are remembered. */
  private hold(b: Uint8Array, from: number): void {
    const before2 = this.octet(b, from - 2) ?? 0;
    this.before1 = this.octet(b, from - 1) ?? 0;
    this.before2 = before2;
    this.carry = b.slice(from);
  }

  /** The next delimiter from `at` at a line's start, or -1. */
  private nextDelimiter(b: Uint8Array, at: number): number {
    let found = indexOf(b, this.delimiter, at);
    while (found >= 0 && !isLineEnd(this.octet(b, found - 1))) found = indexOf(b, this.delimiter, found + 1);
    return found;
  }

  /** Content up to the next delimiter (its line end not kept); the offset after it, or -1 when the buffer ends first. */
  private content(b: Uint8Array, at: number): number {
    const found = this.nextDelimiter(b, at);
    if (found < 0) {
      const end = Math.max(at, b.length - this.delimiter.length - 1);
      if (this.mode === 'keep') this.keep(b.subarray(at, end));
      this.hold(b, end);
      return -1;
    }
    const before = this.octet(b, found - 1) ?? 0;
    this.lineEnd = before === 0x0a && this.octet(b, found - 2) === 0x0d ? crlf : Uint8Array.of(before);
    if (this.mode === 'keep') this.keep(b.subarray(at, Math.max(at, found - this.lineEnd.length)));
    this.partMode = this.mode;
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
      this.hold(b, at);
      return -1;
    }
    const block = b.subarray(at, end);
    this.keep(block);
    this.mode = /;\s*filename\*?\s*=/i.test(latin1.decode(block)) ? 'skip' : 'keep';
    return end;
  }

  /** After a delimiter: `--` closes the body (after a bare line end, only to some servers), else a part starts. */
  private after(b: Uint8Array, at: number): number {
    if (b.length - at < 2) {
      this.hold(b, at);
      return -1;
    }
    const close = b[at] === 0x2d && b[at + 1] === 0x2d;
    if (close && this.lineEnd === crlf) this.mode = 'done';
    else if (close) {
      // Content to a server that wants CRLF: the part goes on, the close in it.
      if (this.partMode === 'keep')
        this.keep(joinParts([this.lineEnd, this.delimiter], this.lineEnd.length + this.delimiter.length));
      this.mode = this.partMode;
    } else {
      this.keep(crlf);
      this.keep(this.delimiter);
      this.mode = 'headers';
    }
    return at;
  }

  feed(data: Uint8Array): void {
    if (this.mode === 'done' || data.length === 0) return;
    const b = this.carry.length === 0 ? data : joinParts([this.carry, data], this.carry.length + data.length);
    this.carry = empty;
    let at = 0;
    while (at >= 0 && at < b.length && this.reading()) at = this.step(b, at);
    if (at >= b.length) this.hold(b, b.length);
  }

  /** Not past the closing delimiter (a method: a step changes the mode, which a narrowed field would hide). */
  private reading(): boolean {
    return this.mode !== 'done';
  }

  /** One step from `at`: the offset to go on from, or -1 when the rest waits for more octets (held). */
  private step(b: Uint8Array, at: number): number {
    if (this.mode === 'skip' || this.mode === 'keep') return this.content(b, at);
    if (this.mode === 'headers') return this.headers(b, at);
    return this.after(b, at);
  }

  result(): Uint8Array {
    if (this.size === 0) return empty;
    const parts = [...this.kept, crlf, this.delimiter, dashes, crlf];
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
 * read such a body's later parts once decoded (http-inputs.ts). `before`: the body's last octet before the first fed,
 * for a delimiter right there, which counts after a line end only.
 */
export const createMultipartTail = (
  contentType: string,
  contentEncoding = '',
  before = 0,
): MultipartTail | undefined => {
  if (!/^\s*multipart\/form-data\b/i.test(contentType)) return undefined;
  if (!/^\s*(identity\s*)?$/i.test(contentEncoding)) return undefined;
  const boundary = multipartBoundary(contentType);
  return boundary === undefined ? undefined : new Tail(encoder.encode(`--${boundary}`), before);
};

/** The body's last octet kept when `data` passed the bound with `room` octets of it kept: what a tail reads after. */
export const lastOctet = (parts: readonly Uint8Array[], data: Uint8Array, room: number): number =>
  (room > 0 ? data[room - 1] : parts.at(-1)?.at(-1)) ?? 0;
