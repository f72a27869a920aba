/**
 * Where an XML tag ends, read in chunks (XML 1.0 §2.6, §2.8, §3.1): a start or end tag at the first `>` outside a
 * quoted attribute value, a processing instruction at its `?>` whatever it holds, a declaration (`<!DOCTYPE`) at the
 * first `>` outside quotes, its internal subset's brackets and the comments in it. Taking the first `>` instead let
 * `<q a="x><![CDATA[">' OR 1=1</q>` open a CDATA section the parser never saw and hide the rest of the body.
 */

const gt = 0x3e;
const dquote = 0x22;
const squote = 0x27;
/** `<!--`, `-->` and `?>` as the last octets read, most recent lowest. */
const commentOpen = 0x3c212d2d;
const commentClose = 0x2d2d3e;
const piClose = 0x3f3e;

export type TagKind = 'element' | 'pi' | 'declaration';

/** What kind of tag a markup opening is from its first octet after `<` (CDATA and comments are told apart before). */
export const tagKind = (first: string): TagKind =>
  first === '?' ? 'pi' : first === '!' ? 'declaration' : 'element';

export class XmlTagEnd {
  private kind: TagKind = 'element';
  private quote = 0;
  private depth = 0;
  private inComment = false;
  private recent = 0;

  /** A new tag of `kind` begins. */
  start(kind: TagKind): void {
    this.kind = kind;
    this.quote = 0;
    this.depth = 0;
    this.inComment = false;
    this.recent = 0;
  }

  /** The index in `b` of the tag's closing `>` from `from`, or -1 when it goes on past `b`. */
  find(b: Uint8Array, from: number): number {
    for (let i = from; i < b.length; i++) {
      const octet = b[i] as number;
      this.recent = ((this.recent << 8) | octet) >>> 0;
      if (this.ends(octet)) return i;
    }
    return -1;
  }

  private ends(octet: number): boolean {
    if (this.kind === 'pi') return (this.recent & 0xffff) === piClose;
    if (this.inComment) {
      if ((this.recent & 0xffffff) === commentClose) this.inComment = false;
      return false;
    }
    if (this.quote !== 0) {
      if (octet === this.quote) this.quote = 0;
      return false;
    }
    if (octet === dquote || octet === squote) this.quote = octet;
    else if (octet === gt) return this.depth === 0;
    else if (this.kind === 'declaration') this.nest(octet);
    return false;
  }

  /** Inside a declaration: the internal subset's brackets, and the comments in it (whose quotes mean nothing). */
  private nest(octet: number): void {
    if (octet === 0x5b) this.depth++;
    else if (octet === 0x5d && this.depth > 0) this.depth--;
    else if (this.depth > 0 && this.recent === commentOpen) this.inComment = true;
  }
}
