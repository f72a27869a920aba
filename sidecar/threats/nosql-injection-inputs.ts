/**
 * MongoDB operators in request inputs: a parameter name with `[$ne]`, a JSON key `$where`, a value holding a JSON
 * object with an operator key. Only inputs with a `$` in them are read further; nothing is allocated for the others.
 */
import { javascriptHarm, looksLikeJavascript } from './nosql-injection-javascript.ts';
import { formNames } from './text/form-names.ts';
import type { PayloadInput } from './text/payload-input.ts';

/**
 * How strong a sighting is: 3 JavaScript that does harm, 2 a JavaScript operator, 1 a comparison operator on a login
 * field or path, 0 a comparison operator elsewhere (APIs such as Strapi's and Feathers' take them on purpose).
 */
export type Level = 0 | 1 | 2 | 3;
export type Sighting = { level: Level; reason: string; where: string; value: string };

/** Operators that run JavaScript on the server (MongoDB query and aggregation reference). */
const javascriptOperators = new Set(['where', 'function', 'accumulator']);
/**
 * Query operators an injected object turns a value test into: `$ne`/`$gt` match anything (a login bypass), `$regex`
 * reads a secret a character at a time, `$in`/`$nin` enumerate. Not `$eq` (no more than the value itself) nor
 * `$type`, which .NET's JSON writes as a type name.
 */
const queryOperators = new Set([
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'regex',
  'exists',
  'not',
  'nor',
  'or',
  'and',
  'expr',
  'elemMatch',
  'all',
  'size',
]);
/**
 * A JSON object inside a value with an operator key (a cookie `j:{"$ne":1}`, a `filter` parameter), and the key it
 * tests.
 */
const embeddedOperator =
  /(?:"([^"\\]{1,64})"\s*:\s*\{\s*)?"\$(where|function|accumulator|ne|gt|gte|lt|lte|in|nin|regex|exists|not|nor|or|and|expr|elemMatch|all|size)"\s*:/;
/**
 * Fields a login or password reset tests: an operator there bypasses it or reads the secret out. Not ids (`userId`):
 * Feathers lists by `userId[$in][]=`. Paths: not `session` or `verify`, which conferences and shops have too.
 */
const loginField =
  /^(?:user(?:_?name)?|login|e-?mail|mail|pass(?:word|wd|code)?|pwd|pin|otp|(?:access_?|refresh_?)?token|secret|api_?key|credentials?)$/i;
const loginPath =
  /(?:^|[/_.-])(?:log-?in|log-?on|sign-?in|auth\w*|token|oauth\w*|password|passwd|reset|otp|mfa|2fa)(?:$|[/_.?-])/i;

export const stronger = (a: Sighting | undefined, b: Sighting | undefined): Sighting | undefined =>
  a === undefined || (b !== undefined && b.level > a.level) ? b : a;

type Use = { field: string; path: string; where: string; values: readonly string[]; bare: boolean };

/**
 * A JavaScript operator: judged by what its code does. A bare `$where=` is also Socrata's SoQL filter: not unless it
 * reads as JavaScript.
 */
const javascriptSighting = (op: string, { where, values, bare }: Use): Sighting | undefined => {
  const value = values[0] ?? '';
  if (bare && !looksLikeJavascript(value)) return undefined;
  for (const code of values) {
    const harm = javascriptHarm(code);
    if (harm !== undefined)
      return { level: 3, reason: `a MongoDB $${op} whose JavaScript ${harm}`, where, value: code };
  }
  return { level: 2, reason: `a MongoDB $${op} operator (server-side JavaScript)`, where, value };
};

/** One operator used on `field` (the key or bracket it tests), with the values it was given. */
const judgeOperator = (op: string, use: Use): Sighting | undefined => {
  if (javascriptOperators.has(op)) return javascriptSighting(op, use);
  const { field, path, where, values, bare } = use;
  if (bare || !queryOperators.has(op)) return undefined;
  const value = values[0] ?? '';
  const onField = field !== '' && loginField.test(field);
  if (onField || loginPath.test(path)) {
    const on = onField ? `the login field ${field}` : `a login path (${path.slice(0, 64)})`;
    return { level: 1, reason: `a MongoDB $${op} operator on ${on}`, where, value };
  }
  return { level: 0, reason: `a MongoDB $${op} operator in a request value`, where, value };
};

/** The key a bracket at `open` nests under: `password` in `user[password][$ne]`, `user` in `user[$ne]`. */
const fieldBefore = (name: string, open: number): string => {
  const before = name.endsWith(']', open) ? name.slice(0, open - 1) : name.slice(0, open);
  return before.slice(before.lastIndexOf('[') + 1);
};

/**
 * A parameter name's operators, as qs (Express) and PHP read brackets: `user[$ne]`, `a[b][$regex]`, `$where` on its
 * own (bare). The strongest sighting.
 */
export const nameSighting = (
  name: string,
  value: string,
  where: string,
  path: string,
): Sighting | undefined => {
  let best: Sighting | undefined;
  for (let i = name.indexOf('$'); i >= 0; i = name.indexOf('$', i + 1)) {
    const bracketed = i > 0 && name.charCodeAt(i - 1) === 0x5b;
    if (!bracketed && i !== 0) continue;
    const close = name.indexOf(bracketed ? ']' : '[', i);
    if (bracketed && close < 0) continue;
    const op = name.slice(i + 1, close < 0 ? name.length : close);
    const field = bracketed ? fieldBefore(name, i - 1) : '';
    best = stronger(best, judgeOperator(op, { field, path, where, values: [value], bare: !bracketed }));
  }
  return best;
};

/** The last key of a JSON input's path: `password` in `json $.login.password key`, '' at the top. */
const jsonField = (where: string): string => {
  const path = where.slice(where.lastIndexOf(' $') + 2, -4).replace(/\[\d+\]$/, '');
  return path.slice(path.lastIndexOf('.') + 1);
};

/**
 * A JSON key (json-strings.ts lists keys that are not words as `<path> key`), with the strings under it, which the
 * inputs list next: a `$where`'s code, a `$function`'s body.
 */
const keySighting = (inputs: readonly PayloadInput[], index: number, path: string): Sighting | undefined => {
  const input = inputs[index] as PayloadInput;
  const op = input.raw.slice(1);
  const under = `${input.where.slice(0, -4)}.${input.raw.slice(0, 32)}`;
  const values: string[] = [];
  for (let j = index + 1; j < inputs.length && j <= index + 8; j++) {
    const next = inputs[j] as PayloadInput;
    if (next.where.startsWith(under)) values.push(next.decoded);
  }
  const found = judgeOperator(op, {
    field: jsonField(input.where),
    path,
    where: input.where,
    values,
    bare: false,
  });
  // An operator given no string (`{"$ne": null}`): the evidence shows the key.
  if (found !== undefined && found.value === '') found.value = input.raw;
  return found;
};

/** A value holding a JSON object with an operator key. */
const valueSighting = (input: PayloadInput, path: string): Sighting | undefined => {
  const match = embeddedOperator.exec(input.decoded);
  if (match === null) return undefined;
  const op = match[2] as string;
  const values = javascriptOperators.has(op) ? [input.decoded] : [];
  return judgeOperator(op, { field: match[1] ?? '', path, where: input.where, values, bare: false });
};

/** A JSON document's key: a JSON body's, a WebSocket message's, a multipart JSON part's. */
const isJsonKey = ({ where, raw }: PayloadInput): boolean =>
  raw.charCodeAt(0) === 0x24 &&
  where.endsWith(' key') &&
  where.includes(' $') &&
  (where.startsWith('json ') || where.startsWith('websocket json ') || where.startsWith('multipart '));

/**
 * The strongest sighting among inputs: JSON keys, multipart field names, and every value with a `$` in it. Query and
 * form parameter names are read by `formSighting`, whole (the inputs keep a name's first 64 characters).
 */
export const inputsSighting = (inputs: readonly PayloadInput[], path: string): Sighting | undefined => {
  let best: Sighting | undefined;
  for (let i = 0; i < inputs.length && (best === undefined || best.level < 3); i++) {
    const input = inputs[i] as PayloadInput;
    const { where } = input;
    if (
      where.startsWith('multipart ') &&
      where.includes('$') &&
      !where.endsWith(' filename') &&
      !isJsonKey(input)
    )
      best = stronger(best, nameSighting(where.slice(10), input.decoded, where, path));
    if (input.raw.indexOf('$') < 0 && input.decoded.indexOf('$') < 0) continue;
    best = stronger(best, isJsonKey(input) ? keySighting(inputs, i, path) : valueSighting(input, path));
  }
  return best;
};

/** Whether a parameter name as sent holds `$` or its escape `%24`. */
export const holdsDollarText = (text: string): boolean => text.indexOf('$') >= 0 || text.indexOf('%24') >= 0;

/** The strongest sighting among the names of a query string or urlencoded form whose text holds `$` or `%24`. */
export const formSighting = (text: string, place: string, path: string): Sighting | undefined => {
  if (!holdsDollarText(text)) return undefined;
  let best: Sighting | undefined;
  for (const { name, value, where } of formNames(text, place, holdsDollarText))
    best = stronger(best, nameSighting(name, value, where, path));
  return best;
};
