/** Judges a value as a Log4j lookup attack by resolving the nested `${...}` lookups the way Log4j would, then looking for JNDI. */

import { inWindows } from './text-windows.ts';

const maxLength = 4096;
const maxRounds = 64;
/** Lookups that disclose secrets or only serve obfuscation; none belongs in a request. */
const lookupPrefix =
  /\$\{\s*(?:jndi|env|sys|java|lower|upper|date|ctx|main|bundle|k8s|docker|web|log4j|spring|base64|event|marker|sd|jvmrunargs|hostname|::-|:-)/i;
const innermost = /\$\{([^${}]*)\}/;
const jndiProtocol = /jndi\s*:\s*(?:ldaps?|rmi|dns|iiop|corba|nds|nis|https?|\$)/i;

/** Log4j's resolution of one lookup body: `a:-b` defaults to b, lower/upper/date return their argument. */
const resolve = (body: string): string => {
  const fallback = body.indexOf(':-');
  if (fallback >= 0) return body.slice(fallback + 2);
  const colon = body.indexOf(':');
  const prefix = colon < 0 ? body : body.slice(0, colon).toLowerCase();
  const arg = colon < 0 ? '' : body.slice(colon + 1);
  if (prefix === 'lower') return arg.toLowerCase();
  if (prefix === 'upper') return arg.toUpperCase();
  if (prefix === 'date') return arg.replaceAll("'", '');
  if (prefix.trim() === 'jndi') return `\u0001jndi:${arg}`;
  return '';
};

const expand = (text: string): string => {
  let current = text;
  for (let round = 0; round < maxRounds; round++) {
    const match = innermost.exec(current);
    if (match === null) break;
    current =
      current.slice(0, match.index) + resolve(match[1] ?? '') + current.slice(match.index + match[0].length);
  }
  return current;
};

/** One window of the value (`inWindows`). */
const judge = (text: string): string | undefined => {
  if (jndiProtocol.test(text) && /\$\{\s*jndi/i.test(text)) return 'JNDI lookup';
  const expanded = expand(text);
  if (expanded.includes('\u0001jndi:') || /\u0001?jndi:/i.test(expanded.normalize('NFKC')))
    return 'obfuscated JNDI lookup';
  if (/\$\{[^}]*\$\{/.test(text) && lookupPrefix.test(text)) return 'nested lookup';
  return lookupPrefix.test(text) ? 'Log4j lookup' : undefined;
};

/** A short reason when `value` (already decoded) carries a Log4Shell lookup; undefined otherwise. */
export const log4shellVerdict = (value: string): string | undefined =>
  value.indexOf('${') < 0 ? undefined : inWindows(value, maxLength, judge);
