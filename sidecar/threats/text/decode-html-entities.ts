/** Decodes HTML character references (named subset, decimal, hex; the trailing `;` optional as browsers allow). */

const named: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  tab: '\t',
  newline: '\n',
  colon: ':',
  semi: ';',
  comma: ',',
  period: '.',
  sol: '/',
  bsol: '\\',
  lpar: '(',
  rpar: ')',
  lsqb: '[',
  rsqb: ']',
  lcub: '{',
  rcub: '}',
  equals: '=',
  grave: '`',
  excl: '!',
  num: '#',
  percnt: '%',
  plus: '+',
  dollar: '$',
  quest: '?',
  ast: '*',
  vert: '|',
};

const reference = /&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,10}|[a-zA-Z]{2,8});?/g;

const decodeOne = (match: string, body: string): string => {
  if (body.startsWith('#')) {
    const isHex = body[1] === 'x' || body[1] === 'X';
    const code = Number.parseInt(body.slice(isHex ? 2 : 1), isHex ? 16 : 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
  }
  return named[body.toLowerCase()] ?? match;
};

export const decodeHtmlEntities = (text: string): string =>
  text.indexOf('&') < 0 ? text : text.replace(reference, decodeOne);
