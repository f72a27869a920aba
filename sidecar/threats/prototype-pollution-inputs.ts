/**
 * Writes onto Object.prototype in request inputs: a parameter name `a[__proto__][isAdmin]`, a JSON key under
 * `__proto__` or `constructor.prototype`, a value that is a set path `__proto__.isAdmin`. Only names and values with
 * `__proto__` or `constructor` in them (or an escape that could spell them) are read further.
 */

import { formNames } from './text/form-names.ts';
import { memoVerdict } from './text/memo-verdict.ts';
import { multipartFieldName } from './text/multipart-field-name.ts';
import type { PayloadInput } from './text/payload-input.ts';
import { prototypeGadget } from './text/prototype-gadgets.ts';
import { type PrototypeWrite, prototypeWrite, setPathWrite } from './text/prototype-path.ts';

/** 1 a write onto Object.prototype, 2 a write of a property known to give code execution or privilege. */
export type Sighting = { level: 1 | 2; reason: string; where: string; value: string };

/** A name or query that could spell a prototype step: the words, or an escaped `_` or lowercase letter. */
export const prototypeHint = /_proto|constructor|%5f|%[67][0-9a-f]/i;

export const stronger = (a: Sighting | undefined, b: Sighting | undefined): Sighting | undefined =>
  a === undefined || (b !== undefined && b.level > a.level) ? b : a;

const sighting = (write: PrototypeWrite, carrier: string, where: string, value: string): Sighting => {
  const target = write.property === '' ? 'Object.prototype itself' : `Object.prototype.${write.property}`;
  const gadget = prototypeGadget(write.property);
  const known = gadget === undefined ? '' : ` (a known ${gadget} gadget)`;
  const reason = `${carrier} writing ${target} through ${write.via}${known}`;
  return { level: gadget === undefined ? 1 : 2, reason, where, value };
};

/** A parameter name read as qs and PHP read brackets (and dots, as qs's `allowDots` and many merges do). */
export const nameSighting = (name: string, value: string, where: string): Sighting | undefined => {
  const write = prototypeWrite(name);
  return write === undefined ? undefined : sighting(write, 'a parameter name', where, value);
};

/** The strongest sighting among the names of a query string or urlencoded form that could spell a prototype step. */
export const formSighting = (text: string, place: string): Sighting | undefined => {
  if (!prototypeHint.test(text)) return undefined;
  let best: Sighting | undefined;
  for (const { name, value, where } of formNames(text, place, (raw) => prototypeHint.test(raw)))
    best = stronger(best, nameSighting(name, value, where));
  return best;
};

/** The property under `__proto__` or `constructor.prototype` that a JSON key input (json-strings.ts) writes. */
const jsonKeyWrite = (where: string, key: string): PrototypeWrite | undefined => {
  if (where.endsWith('.__proto__ key')) return { property: key, via: '__proto__' };
  if (where.endsWith('.constructor.prototype key')) return { property: key, via: 'constructor.prototype' };
  return undefined;
};

/** A set path in a value, remembered per text: values repeat from request to request. */
const setPath = memoVerdict((text) => {
  const write = setPathWrite(text);
  return write === undefined ? undefined : `${write.via}\u0000${write.property}`;
});

const valueSighting = ({ where, decoded }: PayloadInput): Sighting | undefined => {
  if (decoded.indexOf('__proto__') < 0 && decoded.indexOf('constructor') < 0) return undefined;
  const found = setPath(decoded);
  if (found === undefined) return undefined;
  const [via, property] = found.split('\u0000') as [string, string];
  return sighting({ via, property }, 'a set path', where, decoded);
};

/** The strongest sighting among the inputs: JSON keys, multipart field names, and values that are set paths. */
export const inputsSighting = (inputs: readonly PayloadInput[]): Sighting | undefined => {
  let best: Sighting | undefined;
  for (let i = 0; i < inputs.length && (best === undefined || best.level < 2); i++) {
    const input = inputs[i] as PayloadInput;
    const { where } = input;
    if (where.endsWith(' key')) {
      const write = jsonKeyWrite(where, input.raw);
      if (write !== undefined) best = stronger(best, sighting(write, 'a JSON key', where, input.raw));
    }
    const name = multipartFieldName(where);
    if (name !== undefined && prototypeHint.test(name))
      best = stronger(best, nameSighting(name, input.raw, where));
    best = stronger(best, valueSighting(input));
  }
  return best;
};
