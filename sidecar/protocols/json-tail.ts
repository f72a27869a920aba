/**
 * The strings of a JSON request body past the 64 KiB kept of it (ADR 46): `[…70 KB of records…, {"q":"<script>…"}]`
 * used to hide its end. A scanner follows strings (RFC 8259 §7: a string is `"` to the next `"` not escaped by `\`)
 * and, between them, brackets for the path (json-tail-path.ts); it holds one string's windows and 32 names, however
 * deep or long the document. The octets kept before the bound are scanned first, to know where the bound fell. Each
 * later string is a key when a `:` follows it, else a value; values are offered to `KeptValues` under their path
 * (`$.rows[].q`), and keys that are not words, or of an object under `__proto__` or `constructor.prototype`, as
 * `<path> key`, as the JSON inputs list them (json-strings.ts). Escapes are decoded as JSON.parse does; one cut by a
 * long string's passed-by middle is kept as sent.
 */
import type { LaterValues } from '../events.ts';
import { JsonTailPath } from './json-tail-path.ts';
import { KeptValues, type LaterTail } from './later-values.ts';
import { octetsText, ValueWindow } from './value-window.ts';

/** Octets kept of a string's start and of its end (xss reads 8 KiB of a value at once). */
export const jsonStringWindow = 8 * 1024;

const quote = 0x22;
const backslash = 0x5c;
const isSpace = (octet: number): boolean =>
  octet === 0x20 || octet === 0x0a || octet === 0x0d || octet === 0x09;
const escapes = /\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))/g;
const simple: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** A string's text between its quotes, its escapes decoded; a cut or bad escape is kept as it is. */
export const jsonUnescape = (raw: string): string => {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw.replace(escapes, (_, hex: string | undefined, char: string) =>
      hex === undefined ? (simple[char] ?? char) : String.fromCharCode(Number.parseInt(hex, 16)),
    );
  }
};

const decode = (bytes: Uint8Array): string => jsonUnescape(octetsText(bytes));

class JsonTail implements LaterTail {
  private readonly kept = new KeptValues(false);
  private readonly string = new ValueWindow(jsonStringWindow);
  private inString = false;
  /** The octet after a `\` comes in the next chunk. */
  private escaped = false;
  /** A string ended (its octets still in `string`), key or value as the next octet not a space says. */
  private pending = false;
  private readonly path = new JsonTailPath();
  /** Strings offered from now on: false while the octets kept before the bound are scanned. */
  private keeping = false;
  private cutStrings = 0;

  constructor(kept: readonly Uint8Array[]) {
    for (const part of kept) this.feed(part);
    this.keeping = true;
    // The string the bound cut: only its rest is kept. One that ended just before the bound is told as it comes.
    if (this.inString) this.string.clear();
  }

  feed(data: Uint8Array): void {
    let at = 0;
    while (at < data.length) at = this.inString ? this.inside(data, at) : this.outside(data, at);
  }

  /** Inside a string from `at`: the offset after what was read. */
  private inside(b: Uint8Array, at: number): number {
    let from = at;
    if (this.escaped) {
      this.string.add(b, from, from + 1);
      this.escaped = false;
      from++;
    }
    // Each octet is looked at once: a quote is looked for again only when an escape took the one found.
    let end = b.indexOf(quote, from);
    let slash = b.indexOf(backslash, from);
    while (slash >= 0 && (end < 0 || slash < end)) {
      // An escape: its `\` and the octet after it are the string's, whatever they are.
      if (slash + 1 >= b.length) {
        this.string.add(b, from, b.length);
        this.escaped = true;
        return b.length;
      }
      if (end === slash + 1) end = b.indexOf(quote, slash + 2);
      slash = b.indexOf(backslash, slash + 2);
    }
    return this.close(b, from, end);
  }

  /** The string's octets from `from` up to its closing quote at `end` (-1: not in this chunk). */
  private close(b: Uint8Array, from: number, end: number): number {
    if (end < 0) {
      this.string.add(b, from, b.length);
      return b.length;
    }
    this.string.add(b, from, end);
    this.inString = false;
    if (this.keeping && this.string.cut) this.cutStrings++;
    this.pending = true;
    return end + 1;
  }

  /** Between strings from `at`: a pending string told key or value, brackets followed, on to the next string. */
  private outside(b: Uint8Array, at: number): number {
    let next = at;
    if (this.pending) {
      while (next < b.length && isSpace(b[next] as number)) next++;
      if (next >= b.length) return next;
      this.tell(b[next] === 0x3a);
    }
    for (; next < b.length; next++) {
      const octet = b[next];
      if (octet === quote) {
        this.inString = true;
        return next + 1;
      }
      if (octet === 0x7b || octet === 0x5b) this.path.open(octet === 0x5b);
      else if (octet === 0x7d || octet === 0x5d) this.path.close();
    }
    return next;
  }

  /**
   * The pending string: a key (kept when not a word, or when it writes onto a prototype), or a value, kept. Its text
   * is made only when needed: a value past a full bound is counted, not read.
   */
  private tell(isKey: boolean): void {
    this.pending = false;
    if (this.keeping && !isKey && this.kept.full) this.kept.unread++;
    else if (this.keeping || isKey) {
      const text = this.string.text(decode);
      if (!this.keeping) this.path.key(text);
      else if (!isKey) this.kept.offer(this.path.path(true), text);
      else {
        if (!/^[\w-]*$/.test(text) || this.path.ontoPrototype())
          this.kept.offer(`${this.path.path(false)} key`, text);
        this.path.key(text);
      }
    }
    this.string.clear();
  }

  result(): LaterValues {
    if (this.pending) this.tell(false);
    if (this.inString && this.keeping && this.string.length > 0)
      this.kept.offer(this.path.path(true), this.string.text(decode));
    this.string.clear();
    return this.kept.result('json', this.cutStrings);
  }
}

/** A reader of a JSON document's strings past the bound; `kept`: the body's octets kept before it. */
export const createJsonTail = (kept: readonly Uint8Array[]): LaterTail => new JsonTail(kept);
