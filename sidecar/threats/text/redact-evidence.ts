/** Makes evidence safe to ship: masks credentials (auth headers, cookies, SQL passwords, tokens), escapes control bytes, bounds length. */

const maxEvidence = 512;
const rules: readonly [RegExp, string][] = [
  [
    /\b((?:proxy-)?authorization|cookie|set-cookie|x-api-key|x-auth-token|api-key)(\s*[:=]\s*)[^\r\n]*/gi,
    '$1$2***',
  ],
  [
    /\b(cookie [\w.-]*|header (?:authorization|proxy-authorization|cookie|x-api-key|x-auth-token))(: )[^\n]*/gi,
    '$1$2***',
  ],
  [
    /\b(identified\s+by|password\s*\(|pass(?:word|wd)?|pwd|secret|token)(\s*[=:]\s*|\s*(?=['"]))('(?:[^']|'')*'|"[^"]*"|[^\s&;,)]+)/gi,
    "$1$2'***'",
  ],
  [/\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, '<jwt>'],
  [/\b(bearer|basic)\s+[\w.~+/=-]{8,}/gi, '$1 ***'],
];

const escapeControl = (text: string): string =>
  text.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );

export const redactEvidence = (text: string, max = maxEvidence): string => {
  let out = text.length > max * 4 ? text.slice(0, max * 4) : text;
  for (const [pattern, replacement] of rules) out = out.replace(pattern, replacement);
  out = escapeControl(out);
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
};
