/** Finds the HTML tags in a string the way a browser's tokenizer would read them, with their attributes. */

export type HtmlAttribute = { name: string; value: string };
export type HtmlTag = { name: string; attributes: HtmlAttribute[] };

const nameStart = /[a-zA-Z]/;
const space = /[\s/\u0000]/;

const skip = (text: string, at: number, pattern: RegExp): number => {
  let i = at;
  while (i < text.length && pattern.test(text[i] as string)) i++;
  return i;
};

const readUntil = (text: string, at: number, stop: RegExp): number => {
  let i = at;
  while (i < text.length && !stop.test(text[i] as string)) i++;
  return i;
};

const readValue = (text: string, at: number): [value: string, next: number] => {
  const quote = text[at];
  if (quote === '"' || quote === "'" || quote === '`') {
    const end = text.indexOf(quote, at + 1);
    const stop = end < 0 ? text.length : end;
    return [text.slice(at + 1, stop), stop + 1];
  }
  const stop = readUntil(text, at, /[\s>]/);
  return [text.slice(at, stop), stop];
};

/** Reads attributes from `at` until `>` or the end (attackers often leave the tag open). */
const readAttributes = (text: string, at: number): [attributes: HtmlAttribute[], next: number] => {
  const attributes: HtmlAttribute[] = [];
  let i = at;
  while (i < text.length && text[i] !== '>') {
    i = skip(text, i, space);
    const nameEnd = Math.max(readUntil(text, i, /[\s/>=]/), i + 1);
    const name = text.slice(i, nameEnd).toLowerCase();
    i = skip(text, nameEnd, /\s/);
    let value = '';
    if (text[i] === '=') [value, i] = readValue(text, skip(text, i + 1, /\s/));
    if (name !== '>' && name !== '') attributes.push({ name, value });
  }
  return [attributes, i + 1];
};

/** Every tag and every attribute, however many come first (ADR 30): the caller's window bounds the text. */
export const htmlTags = (text: string): HtmlTag[] => {
  const tags: HtmlTag[] = [];
  let at = text.indexOf('<');
  while (at >= 0 && at < text.length) {
    const start = text[at + 1] === '/' ? at + 2 : at + 1;
    if (!nameStart.test(text[start] ?? '')) {
      at = text.indexOf('<', at + 1);
      continue;
    }
    const nameEnd = readUntil(text, start, /[\s/>\u0000]/);
    const [attributes, next] = readAttributes(text, nameEnd);
    tags.push({ name: text.slice(start, nameEnd).toLowerCase(), attributes });
    at = text.indexOf('<', Math.max(next, at + 1));
  }
  return tags;
};
