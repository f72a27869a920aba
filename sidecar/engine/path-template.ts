/** Collapses the variable segments of a URL path into `{id}`: numbers, UUIDs, hex hashes, long random tokens. */

const maxSegments = 32;

const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const isHex = (code: number): boolean =>
  isDigit(code) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70);
const isLetter = (code: number): boolean => (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
const isTokenChar = (code: number): boolean => isDigit(code) || isLetter(code) || code === 45 || code === 95;

const every = (text: string, test: (code: number) => boolean): boolean => {
  for (let i = 0; i < text.length; i++) if (!test(text.charCodeAt(i))) return false;
  return true;
};

/** 8-4-4-4-12 hex digits (RFC 9562 section 4). */
const isUuid = (text: string): boolean => {
  if (text.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const code = text.charCodeAt(i);
    const dash = i === 8 || i === 13 || i === 18 || i === 23;
    if (dash ? code !== 45 : !isHex(code)) return false;
  }
  return true;
};

/** Long, mixed letters and digits switching class often: an opaque token or key, not a word. */
const isRandomLooking = (text: string): boolean => {
  if (text.length < 20 || !every(text, isTokenChar)) return false;
  let digits = 0;
  let switches = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = isDigit(text.charCodeAt(i));
    if (digit) digits += 1;
    if (i > 0 && digit !== isDigit(text.charCodeAt(i - 1))) switches += 1;
  }
  return digits >= 4 && switches >= 4;
};

export const isVariableSegment = (segment: string): boolean =>
  segment.length > 0 &&
  (every(segment, isDigit) ||
    isUuid(segment) ||
    (segment.length >= 16 && every(segment, isHex) && !every(segment, isLetter)) ||
    isRandomLooking(segment));

export const pathTemplate = (path: string): string => {
  const end = path.indexOf('?');
  const segments = (end < 0 ? path : path.slice(0, end)).split('/', maxSegments + 1);
  const kept = segments
    .slice(0, maxSegments)
    .map((segment) => (isVariableSegment(segment) ? '{id}' : segment));
  return segments.length > maxSegments ? `${kept.join('/')}/…` : kept.join('/');
};
