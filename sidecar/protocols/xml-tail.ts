/**
 * The text of an XML request body past the 64 KiB kept of it (ADR 46): a SOAP or XML-RPC call padded with 70 KB of
 * elements before `<q>' OR 1=1--</q>` used to hide its end, as a form or JSON body's did. A scanner follows markup
 * (XML 1.0 §2.4-2.8: text, tags, CDATA sections, comments, processing instructions and declarations) and offers each
 * element's text (its first and last 8 KiB, entities left as sent: the injection inputs decode them) under the
 * element's name, and each attribute's value under `<element> @<attribute>`; the element names of the first 32 levels
 * are kept. Comments, processing instructions and declarations are passed by (the parser the application runs never
 * hands them on). The octets kept before the bound are scanned first, to know where the bound fell.
 */
import type { LaterValues } from '../events.ts';
import { KeptValues, type LaterTail } from './later-values.ts';
import { octetsText, ValueWindow } from './value-window.ts';
import { tagKind, XmlTagEnd } from './xml-tag-end.ts';

/** Octets kept of a text's start and end (xss reads 8 KiB of a value at once), and of a tag's. */
export const xmlTextWindow = 8 * 1024;

const lt = 0x3c;
const gt = 0x3e;
const maxLevels = 32;
const attributes = /([^\s=/<>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const elementName = /^\/?\s*([^\s/>]+)/;

type Mode = 'text' | 'tag' | 'cdata' | 'comment';

/** What a markup opening turns out to be from its first octets (`<![CDATA[`, `<!--`), or a tag. */
const markupKind = (start: string): Mode | undefined => {
  if (start.startsWith('![CDATA[')) return 'cdata';
  if (start.startsWith('!--')) return 'comment';
  if ('![CDATA['.startsWith(start) || '!--'.startsWith(start)) return undefined;
  return 'tag';
};

class XmlTail implements LaterTail {
  private readonly kept = new KeptValues(false);
  private readonly text = new ValueWindow(xmlTextWindow);
  private readonly tag = new ValueWindow(xmlTextWindow);
  private readonly tagEnd = new XmlTagEnd();
  private mode: Mode = 'text';
  /** A markup's first octets while its kind is not known (at most 8). */
  private opening = '';
  /** The last octets of a CDATA section or comment read so far (at most 2), as they may begin its terminator. */
  private readonly held = new Uint8Array(2);
  private heldLength = 0;
  /** Of the octets held, those before the bound (judged with the body's first 64 KiB): not offered again. */
  private heldJudged = 0;
  private readonly names: string[] = [];
  private depth = 0;
  /** Values offered from now on: false while the octets kept before the bound are scanned. */
  private keeping = false;
  private cutValues = 0;

  constructor(kept: readonly Uint8Array[]) {
    for (const part of kept) this.feed(part);
    this.keeping = true;
    // The text or CDATA section the bound cut: only its rest is kept.
    this.text.clear();
    this.heldJudged = this.heldLength;
  }

  feed(data: Uint8Array): void {
    let at = 0;
    while (at < data.length) {
      if (this.mode === 'text') at = this.inText(data, at);
      else if (this.mode === 'tag') at = this.inTag(data, at);
      else at = this.inSection(data, at);
    }
  }

  private inText(b: Uint8Array, at: number): number {
    const end = b.indexOf(lt, at);
    if (end < 0) {
      this.text.add(b, at, b.length);
      return b.length;
    }
    this.text.add(b, at, end);
    this.offerText();
    this.mode = 'tag';
    this.opening = '';
    this.tag.clear();
    return end + 1;
  }

  /** A tag from `at`: its first octets decide whether it is one, then on to its `>` (`XmlTagEnd`). */
  private inTag(b: Uint8Array, at: number): number {
    let from = at;
    while (this.opening.length < 9 && from < b.length && this.tag.length === 0) {
      this.opening += String.fromCharCode(b[from] as number);
      from++;
      const kind = markupKind(this.opening);
      if (kind === undefined) continue;
      if (kind !== 'tag') {
        this.mode = kind;
        this.heldLength = 0;
        return from;
      }
      const bytes = Uint8Array.from(this.opening, (c) => c.charCodeAt(0));
      this.tag.add(bytes, 0, bytes.length);
      this.tagEnd.start(tagKind(this.opening.charAt(0)));
      if (this.tagEnd.find(bytes, 0) >= 0) return this.endTag(from);
    }
    const end = this.tagEnd.find(b, from);
    if (end < 0) {
      this.tag.add(b, from, b.length);
      return b.length;
    }
    this.tag.add(b, from, end);
    return this.endTag(end + 1);
  }

  /** Octet `i - back` of a section read from `at`: from `b`, or from the octets held from its chunks before. */
  private octetBefore(b: Uint8Array, at: number, i: number, back: number): number {
    const j = i - back;
    if (j >= at) return b[j] as number;
    return this.held[this.heldLength - (at - j)] ?? -1;
  }

  /**
   * A CDATA section's octets from the held ones and `b` from `at` to `end`, but for the last `keep` of them: held, as
   * they may be the start of `]]>`.
   */
  private sectionText(b: Uint8Array, at: number, end: number, keep: number): void {
    const total = this.heldLength + end - at;
    const give = Math.max(0, total - keep);
    const fromHeld = Math.min(give, this.heldLength);
    if (this.mode === 'cdata') {
      this.text.add(this.held, Math.min(this.heldJudged, fromHeld), fromHeld);
      this.text.add(b, at, at + give - fromHeld);
    }
    const kept = Uint8Array.from([
      ...this.held.subarray(fromHeld, this.heldLength),
      ...b.subarray(at + give - fromHeld, end),
    ]);
    this.held.set(kept.subarray(0, 2));
    this.heldLength = Math.min(kept.length, 2);
    this.heldJudged = Math.max(0, this.heldJudged - fromHeld);
  }

  /** Inside a CDATA section (its octets are text) or a comment (passed by), up to `]]>` or `-->`. */
  private inSection(b: Uint8Array, at: number): number {
    const closer = this.mode === 'cdata' ? 0x5d : 0x2d;
    for (let i = b.indexOf(gt, at); i >= 0; i = b.indexOf(gt, i + 1)) {
      if (this.octetBefore(b, at, i, 1) !== closer || this.octetBefore(b, at, i, 2) !== closer) continue;
      this.sectionText(b, at, i, 2);
      this.heldLength = 0;
      this.heldJudged = 0;
      this.mode = 'text';
      return i + 1;
    }
    this.sectionText(b, at, b.length, 2);
    return b.length;
  }

  /** A whole tag read: its element opened or closed, its attributes offered. */
  private endTag(next: number): number {
    this.mode = 'text';
    const tag = this.tag.text(octetsText, ' ').replace(/>$/, '');
    const first = tag[0];
    if (first === '?' || first === '!') return next;
    if (first === '/') this.close();
    else this.open(tag);
    return next;
  }

  private close(): void {
    if (this.depth > 0) this.depth--;
    if (this.names.length > this.depth) this.names.length = this.depth;
  }

  private open(tag: string): void {
    const name = (elementName.exec(tag)?.[1] ?? '').slice(0, 64);
    if (this.keeping)
      for (const m of tag.matchAll(attributes)) this.offer(`${name} @${m[1]}`, m[2] ?? m[3] ?? '');
    if (tag.endsWith('/')) return;
    if (this.names.length === this.depth && this.names.length < maxLevels) this.names.push(name);
    this.depth++;
  }

  private offer(name: string, value: string): void {
    if (this.kept.full) this.kept.unread++;
    else this.kept.offer(name, value);
  }

  private offerText(): void {
    if (this.keeping && this.text.length > 0) {
      if (this.text.cut) this.cutValues++;
      const value = this.text.text();
      if (value.trim() !== '') this.offer(this.names.at(-1) ?? '', value);
    }
    this.text.clear();
  }

  result(): LaterValues {
    this.offerText();
    return this.kept.result('xml', this.cutValues);
  }
}

/** A reader of an XML document's text and attributes past the bound; `kept`: the body's octets kept before it. */
export const createXmlTail = (kept: readonly Uint8Array[]): LaterTail => new XmlTail(kept);
