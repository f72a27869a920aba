/** One pass of percent-decoding that never throws: %XX runs as lenient UTF-8, %uXXXX as UTF-16, bad escapes kept. */
import { lenientUtf8 } from './lenient-utf8.ts';

const hexValue = (code: number): number => {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
};

const hexAt = (text: string, at: number, digits: number): number => {
  let value = 0;
  for (let i = 0; i < digits; i++) {
    const digit = hexValue(text.charCodeAt(at + i));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
};

/** Reads a run of %XX bytes starting at `at`; returns the decoded text and the index after the run. */
const byteRun = (text: string, at: number): [decoded: string, next: number] => {
  const bytes: number[] = [];
  let i = at;
  while (text.charCodeAt(i) === 37) {
    const value = hexAt(text, i + 1, 2);
    if (value < 0) break;
    bytes.push(value);
    i += 3;
  }
  return [lenientUtf8(bytes), i];
};

/** Decodes the escape at `at` (which holds `%`): returns the text it stands for and the index after it. */
const escapeAt = (text: string, at: number): [decoded: string, next: number] => {
  if ((text[at + 1] === 'u' || text[at + 1] === 'U') && hexAt(text, at + 2, 4) >= 0) {
    return [String.fromCharCode(hexAt(text, at + 2, 4)), at + 6];
  }
  return hexAt(text, at + 1, 2) >= 0 ? byteRun(text, at) : ['%', at + 1];
};

export const lenientUrlDecode = (text: string, plusAsSpace = false): string => {
  if (text.indexOf('%') < 0) return plusAsSpace ? text.replaceAll('+', ' ') : text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === '%') {
      const [decoded, next] = escapeAt(text, i);
      out += decoded;
      i = next;
    } else {
      out += char === '+' && plusAsSpace ? ' ' : char;
      i++;
    }
  }
  return out;
};
