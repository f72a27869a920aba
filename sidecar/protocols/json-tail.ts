/**
 * The strings of a JSON request body past the 64 KiB kept of it (ADR 46): `[…70 KB of records…, {"q":"<script>…"}]`
 * used to hide its end. A scanner follows strings only (RFC 8259 §7: a string is `"` to the next `"` not escaped by
 * `\`), so it needs no stack and holds no more than one string's windows, however deep or long the document. The
 * octets kept before the bound are scanned first, to know whether the bound fell inside a string. Each later string is
 * a key when a `:` follows it, else a value; values are offered to `KeptValues` under the last key seen, and keys
 * that are not words under `key`, as the JSON inputs list them (json-strings.ts). Escapes are decoded as JSON.parse
 * does; one cut by a long string's passed-by middle is kept as sent.
 */
import type { LaterValues } from '../events.ts';
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
  private readonly kept = new KeptValues();
  private readonly string = new ValueWindow(jsonStringWindow);
  private inString = false;
  /** The octet after a `\` comes in the next chunk. */
  private escaped = false;
  /** A string ended, key or value as the next octet not a space says. */
  private pending: string | undefined;
  private key = '';
  /** Strings offered from now on: false while the octets kept before the bound are scanned. */
  private keeping = false;
  private cutStrings = 0;

  constructor(kept: readonly Uint8Array[]) {
    for (const part of kept) this.feed(part);
    this.keeping = true;
    this.pending = undefined;
    this.string.clear();
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
    if (this.keeping) {
      if (this.string.cut) this.cutStrings++;
      this.pending = this.kept.full ? undefined : this.string.text(decode);
      if (this.kept.full) this.kept.unread++;
    }
    this.string.clear();
    return end + 1;
  }

  /** Between strings from `at`: a pending string told key or value, then on to the next string. */
  private outside(b: Uint8Array, at: number): number {
    let next = at;
    if (this.pending !== undefined) {
      while (next < b.length && isSpace(b[next] as number)) next++;
      if (next >= b.length) return next;
      this.tell(b[next] === 0x3a);
    }
    const open = b.indexOf(quote, next);
    if (open < 0) return b.length;
    this.inString = true;
    return open + 1;
  }

  private tell(isKey: boolean): void {
    const text = this.pending ?? '';
    this.pending = undefined;
    if (!isKey) this.kept.offer(this.key, text);
    else {
      this.key = text.slice(0, 64);
      if (!/^[\w-]*$/.test(text)) this.kept.offer('key', text);
    }
  }

  result(): LaterValues {
    if (this.pending !== undefined) this.tell(false);
    if (this.inString && this.keeping && this.string.length > 0)
      this.kept.offer(this.key, this.string.text(decode));
    this.string.clear();
    return this.kept.result('json', this.cutStrings);
  }
}

/** A reader of a JSON document's strings past the bound; `kept`: the body's octets kept before it. */
export const createJsonTail = (kept: readonly Uint8Array[]): LaterTail => new JsonTail(kept);
