/** Judges a request value as an XSS payload: script-capable tags, event handlers, script URLs, JS sinks after a break-out. */
import { type HtmlTag, htmlTags } from './html-tags.ts';
import { inWindows } from './text-windows.ts';

const maxLength = 8192;
const hint = /[<>"'`(=:]|&#|\\u/;
/** Tags that run script or load active content by themselves. */
const activeTags = new Set(
  (
    'script iframe frame frameset object embed applet base meta link style svg math xss form isindex ' +
    'bgsound layer ilayer import xml vmlframe template portal animate set handler listener noscript'
  ).split(' '),
);
/** Tags that are only suspicious with a script-bearing attribute (img, a, body, div, ...): all other tags. */
const scriptUrl =
  /^[\s\u0000-\u001f]*(?:j\s*a\s*v\s*a|v\s*b|l\s*i\s*v\s*e)\s*s\s*c\s*r\s*i\s*p\s*t\s*:|^\s*data\s*:\s*(?:text\/html|image\/svg|application\/(?:x-)?javascript)/i;
const cssScript =
  /expression\s*\(|-moz-binding|behavior\s*:|url\s*\(\s*['"]?\s*(?:javascript|vbscript):|@import/i;
const urlAttributes = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'data',
  'xlink:href',
  'background',
  'dynsrc',
  'lowsrc',
  'code',
  'codebase',
  'poster',
  'content',
  'value',
  'to',
  'from',
  'values',
  'srcdoc',
]);
/** A call to a script sink or dialog, with an argument list that reads as code, not prose. */
const sinkCall =
  /\b(?:alert|confirm|prompt|eval|settimeout|setinterval|execscript|fromcharcode|atob|write|writeln|constructor|import|fetch|open)\s*(?:\(\s*(?:[-0-9'"`/[{(]|document\b|window\b|this\b|self\b|top\b|string\b|location\b|atob\b|[\w$.]+\s*\))|`)/i;
const scriptObjects =
  /\bdocument\s*\.\s*(?:cookie|domain|location|write|body|createelement)|\bwindow\s*\.\s*location|\.constructor\s*\.\s*constructor/i;
/** An event-handler attribute written into an existing tag: `" onmouseover=alert(1)`. */
const handlerInjection =
  /(?:^|[\s"'`/;])on[a-z]{3,}\s*=\s*['"`]?[^\s]*?[(`]|(?:^|[\s"'`/;])on[a-z]{3,}\s*=\s*['"`]?\s*(?:javascript:|[\w$.]+\s*\()/i;
const styleInjection =
  /\bstyle\s*=[^>]*?(?:expression\s*\(|-moz-binding|behavior\s*:)|\bxpression\s*\(|e\/\*.*?\*\/xpression/i;
/** Breaking out of a JS string or block into code: `';alert(1)//`, `"));if(...)`. */
const jsBreakout =
  /['"`)\]}]\s*[;,)+\-*|&]*\s*[;,)]?\s*(?:[\w$.]+\s*=\s*)?[\w$.]*(?:alert|confirm|prompt|eval)\s*[(`]/i;
const templateInjection =
  /\{\{.*(?:constructor|\$eval|alert|confirm|prompt).*\}\}|\{\{\s*constructor\.constructor/i;

const tagVerdict = (tag: HtmlTag): string | undefined => {
  if (activeTags.has(tag.name)) return `<${tag.name}> tag`;
  for (const { name, value } of tag.attributes) {
    if (name.startsWith('on') && name.length > 4) return `<${tag.name}> with ${name} handler`;
    if (urlAttributes.has(name) && scriptUrl.test(value)) return `<${tag.name}> with script URL in ${name}`;
    if ((name === 'style' || name === 'xss') && cssScript.test(value))
      return `<${tag.name}> with script in style`;
  }
  return undefined;
};

const patternVerdict = (text: string): string | undefined => {
  if (handlerInjection.test(text)) return 'event handler attribute injected';
  if (styleInjection.test(text)) return 'CSS expression';
  if (scriptUrl.test(text) && /[(`=]/.test(text)) return 'javascript: URL';
  if (/(?:^|["'\s=(])(?:java|vb)script\s*:\s*[\w$.[\]'"]+\s*[(`=]/i.test(text)) return 'javascript: URL';
  if (templateInjection.test(text)) return 'template expression';
  if (jsBreakout.test(text)) return 'script string break-out';
  if (sinkCall.test(text) && (scriptObjects.test(text) || /[;'"]/.test(text))) return 'script sink call';
  if (scriptObjects.test(text)) return 'DOM access';
  return undefined;
};

/** One window of the value (`inWindows`). */
const judge = (text: string): string | undefined => {
  if (text.includes('<')) {
    for (const tag of htmlTags(text)) {
      const verdict = tagVerdict(tag);
      if (verdict !== undefined) return verdict;
    }
  }
  return patternVerdict(text);
};

/** A short reason when `value` (already decoded) carries executable markup or script; undefined otherwise. */
export const xssVerdict = (value: string): string | undefined =>
  value.length < 4 || !hint.test(value) ? undefined : inWindows(value, maxLength, judge);
