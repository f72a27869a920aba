/**
 * Judges a value as an XML external entity attack (XXE) or an XML entity bomb: what an XML parser would fetch or expand
 * if it read the value as a document. Reasons, in order:
 * - an external entity, general or parameter (`<!ENTITY xxe SYSTEM "file:///etc/passwd">`);
 * - an entity whose expansion is huge or recursive (billion laughs, quadratic blow-up);
 * - an external DTD (`<!DOCTYPE d SYSTEM "http://attacker/x.dtd">`), unless it is a W3C public DTD;
 * - XInclude (`<xi:include href="file:///etc/passwd"/>`);
 * - any other entity declaration: requests to APIs carry no DTDs, so an inline entity is a probe for entity
 *   processing (the first step of most XXE attacks);
 * - a document declared in UTF-7, whose `+ADw-` spellings hide markup from filters;
 * - a DTD that does not end within the first `maxScan` characters: what it declares after them is not read.
 */

import { doctypeExternalId, entityDeclarations, internalSubsetOpen } from './xml-declarations.ts';

/**
 * Characters of a value read: the most a judged value holds (a request body is kept to 64 KiB; a base64 or SAML
 * document is unwrapped to at most 256 KiB). A longer value whose DTD does not end within them is reported (ADR 36).
 */
export const maxScan = 256 * 1024;
/** Characters an entity may expand to before it is a bomb (libxml2 refuses far smaller amplifications). */
const bombCharacters = 100_000;
/**
 * Entities nested in one another that are followed: libxml2 refuses a nesting deeper than 40, and following a deeper
 * one would take a call each (a document of 256 KiB declares 10,000 in a chain).
 */
const maxNesting = 64;
const entityReference = /([&%])([^\s;&%<>"']+);/g;
const xincludeNamespace = 'http://www.w3.org/2001/xinclude';
/** Bounded within the tag, so that many unclosed tags cost a bounded scan each. */
const xincludeElement = /<(?:[\w.-]+:)?include\b[^>]{0,2048}?\bhref\s*=\s*("[^"]{0,2048}"|'[^']{0,2048}')/i;
const utf7Declaration = /<\?xml[^>]{0,200}?encoding\s*=\s*["']\s*utf-?7/i;
/** W3C's own DTDs (XHTML, SVG, MathML): a public identifier and, if any, a w3.org address. */
const w3cPublicId = /^-\/\/W3C\/\/DTD /;
const w3cAddress = /^https?:\/\/www\.w3\.org\//i;

/** Character references an entity value's literal holds are replaced when it is declared (XML 1.0 section 4.5). */
const replaceCharacterReferences = (value: string): string =>
  value.replace(/&#(x[0-9a-f]+|[0-9]+);/gi, (whole, code: string) => {
    const n = code[0] === 'x' || code[0] === 'X' ? Number.parseInt(code.slice(1), 16) : Number(code);
    return n === 0x25 || n === 0x26 ? String.fromCharCode(n) : whole;
  });

type Declarations = {
  external?: string;
  /** Internal entities' replacement texts, general (`&name`) and parameter (`%name`). */
  internal: Map<string, string>;
  first?: string;
  /** Where the last declaration ends: the document's references follow. */
  end: number;
};

const readDeclarations = (text: string): Declarations => {
  const found: Declarations = { internal: new Map(), end: 0 };
  for (const declaration of entityDeclarations(text)) {
    const { name, external, value, end } = declaration;
    found.first ??= name;
    found.end = end;
    if (external !== undefined) found.external ??= `external entity ${name} → ${external.slice(0, 120)}`;
    else found.internal.set(name, replaceCharacterReferences(value ?? ''));
  }
  return found;
};

/**
 * A bomb: an internal entity, or the document's references to them, expanding past `bombCharacters` (billion laughs
 * nests entities; a quadratic blow-up references one large entity many times), or a reference cycle.
 */
const expansionVerdict = (internal: Map<string, string>, documentText: string): string | undefined => {
  if (internal.size === 0) return undefined;
  const sizes = new Map<string, number>();
  const visiting = new Set<string>();
  let tooDeep = false;
  const expanded = (text: string): number => {
    let total = text.length;
    for (const ref of text.matchAll(entityReference)) {
      total += size(`${ref[1]}${ref[2]}`) - ref[0].length;
      if (total > Number.MAX_SAFE_INTEGER) break;
    }
    return total;
  };
  const size = (name: string): number => {
    const known = sizes.get(name);
    if (known !== undefined) return known;
    const value = internal.get(name);
    if (value === undefined) return name.length + 1;
    if (visiting.has(name)) return Number.POSITIVE_INFINITY;
    if (visiting.size >= maxNesting) {
      tooDeep = true;
      return Number.POSITIVE_INFINITY;
    }
    visiting.add(name);
    const total = expanded(value);
    visiting.delete(name);
    sizes.set(name, total);
    return total;
  };
  let largest = '';
  let most = 0;
  for (const name of internal.keys()) {
    const n = size(name);
    if (n === Number.POSITIVE_INFINITY)
      return tooDeep ? `entity nesting deeper than ${maxNesting}: ${name};` : `recursive entity ${name};`;
    if (n > most) [largest, most] = [name, n];
  }
  if (most > bombCharacters)
    return `entity expansion bomb: ${largest}; expands to ${most.toLocaleString('en')} characters`;
  const whole = expanded(documentText);
  return whole > bombCharacters
    ? `entity expansion bomb: the document's entity references expand to ${whole.toLocaleString('en')} characters`
    : undefined;
};

const doctypeVerdict = (text: string): string | undefined => {
  const id = doctypeExternalId(text);
  if (id === undefined) return undefined;
  const [first = '', second] = id.literals;
  const isPublic = id.keyword === 'PUBLIC';
  if (isPublic && w3cPublicId.test(first) && (second === undefined || w3cAddress.test(second)))
    return undefined;
  return `external DTD ${(isPublic ? (second ?? first) : first).slice(0, 120)}`;
};

const xincludeVerdict = (text: string): string | undefined => {
  if (!text.toLowerCase().includes(xincludeNamespace)) return undefined;
  const m = xincludeElement.exec(text);
  return m === null ? undefined : `XInclude of ${(m[1] ?? '').slice(1, -1).slice(0, 120)}`;
};

/** Markup a UTF-16 document spells with a NUL beside every ASCII character reads the same once NULs are dropped. */
const withoutNuls = (text: string): string =>
  text.indexOf('\u0000') < 0 ? text : text.replaceAll('\u0000', '');

/** What the document's declarations (`<!ENTITY`, `<!DOCTYPE`) make a parser do, in the order of the reasons above. */
const declarationsVerdict = (text: string, cut: boolean): string | undefined => {
  const declarations = readDeclarations(text);
  if (declarations.external !== undefined) return declarations.external;
  const bomb = expansionVerdict(declarations.internal, text.slice(declarations.end));
  if (bomb !== undefined) return bomb;
  const doctype = doctypeVerdict(text);
  if (doctype !== undefined) return doctype;
  if (declarations.first !== undefined)
    return `entity declaration ${declarations.first}; in a request (probe for entity processing)`;
  return cut && internalSubsetOpen(text) ? 'DTD longer than 256 KiB (not read to its end)' : undefined;
};

/** A short reason when `value`, read as XML, declares or pulls in what XXE attacks use; undefined otherwise. */
export const xxeVerdict = (value: string): string | undefined => {
  if (value.indexOf('<') < 0 && value.indexOf('+ADw-') < 0) return undefined;
  const cut = value.length > maxScan;
  const text = withoutNuls(cut ? value.slice(0, maxScan) : value);
  if (utf7Declaration.test(text)) return 'XML declared in UTF-7 (hides markup from filters)';
  const declared = text.indexOf('<!') >= 0 ? declarationsVerdict(text, cut) : undefined;
  return declared ?? xincludeVerdict(text);
};
