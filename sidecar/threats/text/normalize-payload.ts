/** Peels the encodings attackers stack (URL, double URL, HTML entities, JS escapes) until the text stops changing. */
import { decodeHtmlEntities } from './decode-html-entities.ts';
import { decodeJsEscapes } from './decode-js-escapes.ts';
import { lenientUrlDecode } from './lenient-url-decode.ts';

const maxRounds = 4;
const encoded = /%[0-9a-fA-F]{2}|%u[0-9a-fA-F]{4}|&#?[a-zA-Z0-9]{2,}|\\u|\\x/;

const decodeRound = (text: string): string => decodeJsEscapes(decodeHtmlEntities(lenientUrlDecode(text)));

/** Decoded text with NUL bytes removed (servers written in C stop there; matching should look through). */
export const normalizePayload = (text: string): string => {
  let current = text;
  for (let round = 0; round < maxRounds && encoded.test(current); round++) {
    const next = decodeRound(current);
    if (next === current) break;
    current = next;
  }
  return current.indexOf('\u0000') < 0 ? current : current.replaceAll('\u0000', '');
};
