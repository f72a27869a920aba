/** Decodes JavaScript/JSON-style escapes: \uXXXX, \u{X..}, \xXX (also the `\\u` that double escaping leaves). */

const escapeSequence = /\\+(?:u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2}))/g;

const decodeOne = (match: string, braced?: string, four?: string, two?: string): string => {
  const code = Number.parseInt(braced ?? four ?? two ?? '', 16);
  return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : match;
};

export const decodeJsEscapes = (text: string): string =>
  text.indexOf('\\') < 0 ? text : text.replace(escapeSequence, decodeOne);
