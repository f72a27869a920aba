/**
 * The query operators and server-side JavaScript of a MongoDB request: the `$`-keys below a command's top level and the
 * code its `$where`, `$function`, `$accumulator` and mapReduce carry (bsonspec.org v1.1; the wire protocol reference,
 * mongodb.com/docs/manual/reference/mongodb-wire-protocol). Bounded, and read without allocating for a request that
 * holds neither.
 */
import { opMsg, opQuery } from './mongodb-detect.ts';
import { i32le, indexOfNul, latin1, text } from './wire-bytes.ts';

export type MongodbQuery = { operators?: string[]; javascript?: string[] };

/** Distinct `$`-keys kept per message, each cut at 64 characters. */
export const maxOperators = 64;
/** Bytes of JavaScript kept per message, all its code strings together. */
export const maxJavascriptBytes = 4096;
/** Documents nested deeper are not read (the server refuses past 100; filters nest a few levels). */
const maxDepth = 32;
/** Elements visited per message: a request of thousands of statements costs no more than this. */
const maxElements = 4096;
/** Kind-1 sections (OP_MSG) whose documents hold filters: update and delete statements, bulkWrite's operations. */
const filterSequences = ['updates', 'deletes', 'ops'];

/**
 * Where a string element sits: a string is JavaScript only as `$where`, a `$function`'s or `$accumulator`'s body, or a
 * mapReduce function.
 */
type Context = 'plain' | 'function' | 'map-reduce';

/** One message's findings; reset per message, so a message with none allocates nothing. */
const found = { operators: undefined as string[] | undefined, javascript: undefined as string[] | undefined };
const budget = { elements: 0, javascriptBytes: 0 };

/** Whether the key in `b[start, end)` is `ascii`, compared octet by octet. */
const keyIs = (b: Uint8Array, start: number, end: number, ascii: string): boolean => {
  if (end - start !== ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (b[start + i] !== ascii.charCodeAt(i)) return false;
  return true;
};

/** Value sizes of fixed-size element types (-1: not fixed): double, undefined, ObjectId, boolean, date, null, ... */
const fixedSizes = new Int8Array(256).fill(-1);
for (const [type, size] of [
  [1, 8],
  [6, 0],
  [7, 12],
  [8, 1],
  [9, 8],
  [10, 0],
  [16, 4],
  [17, 8],
  [18, 8],
  [19, 16],
  [127, 0],
  [255, 0],
])
  fixedSizes[type as number] = size as number;
/**
 * Length-prefixed types: what is added to the int32 and its least value. String, JavaScript, symbol: the int32 counts
 * the text and its NUL; document, array, code with scope: the whole value; binary: a subtype octet follows the int32;
 * DBPointer: a string then a 12-octet id.
 */
const prefixAdded = new Int8Array(256).fill(-1);
const prefixLeast = new Int8Array(256);
for (const [type, added, least] of [
  [2, 4, 1],
  [13, 4, 1],
  [14, 4, 1],
  [3, 0, 5],
  [4, 0, 5],
  [15, 0, 5],
  [5, 5, 0],
  [12, 16, 1],
]) {
  prefixAdded[type as number] = added as number;
  prefixLeast[type as number] = least as number;
}

/** Bytes of the value of an element of `type` at `at` (BSON 1.1 element grammar), or -1 when unknown or malformed. */
const elementSize = (b: Uint8Array, type: number, at: number, end: number): number => {
  const fixed = fixedSizes[type] ?? -1;
  if (fixed >= 0) return fixed;
  if (type === 11) {
    // A regular expression: two C strings, the pattern and its options.
    const pattern = indexOfNul(b, at, end);
    const options = pattern < 0 ? -1 : indexOfNul(b, pattern + 1, end);
    return options < 0 ? -1 : options + 1 - at;
  }
  const added = prefixAdded[type] ?? -1;
  const n = i32le(b, at);
  return added < 0 || n < (prefixLeast[type] ?? 0) ? -1 : added + n;
};

const noteOperator = (b: Uint8Array, start: number, end: number): void => {
  const list = found.operators ?? [];
  found.operators = list;
  if (list.length >= maxOperators) return;
  const key = latin1(b, start, Math.min(end, start + 64));
  if (!list.includes(key)) list.push(key);
};

const noteJavascript = (b: Uint8Array, start: number, end: number): void => {
  const room = maxJavascriptBytes - budget.javascriptBytes;
  if (room <= 0 || end <= start) return;
  const take = Math.min(end - start, room);
  budget.javascriptBytes += take;
  const list = found.javascript ?? [];
  found.javascript = list;
  list.push(text(b, start, start + take, take));
};

/** A string element holds JavaScript: `$where`, a `$function`'s `body`, an `$accumulator`'s functions, mapReduce's. */
const javascriptString = (b: Uint8Array, start: number, end: number, context: Context): boolean => {
  if (keyIs(b, start, end, '$where')) return true;
  if (context === 'map-reduce')
    return keyIs(b, start, end, 'map') || keyIs(b, start, end, 'reduce') || keyIs(b, start, end, 'finalize');
  if (context !== 'function') return false;
  return (
    keyIs(b, start, end, 'body') ||
    keyIs(b, start, end, 'init') ||
    keyIs(b, start, end, 'accumulate') ||
    keyIs(b, start, end, 'merge') ||
    keyIs(b, start, end, 'finalize')
  );
};

/** The context of a document nested under the key `b[start, end)`. */
const nestedContext = (b: Uint8Array, start: number, end: number): Context =>
  keyIs(b, start, end, '$function') || keyIs(b, start, end, '$accumulator') ? 'function' : 'plain';

/** A value that is code: BSON code (0x0D), code with scope (0x0F: total, string, scope), or a string in context. */
const noteCode = (
  b: Uint8Array,
  type: number,
  key: number,
  nul: number,
  value: number,
  size: number,
  context: Context,
) => {
  if (type === 0x0d) noteJavascript(b, value + 4, value + size - 1);
  else if (type === 0x0f)
    noteJavascript(b, value + 8, Math.min(value + 8 + i32le(b, value + 4) - 1, value + size));
  else if (type === 0x02 && javascriptString(b, key, nul, context))
    noteJavascript(b, value + 4, value + size - 1);
};

/** The element at `at`, read and walked: the offset after it, or -1 when it is malformed or does not fit. */
const element = (b: Uint8Array, at: number, end: number, depth: number, context: Context): number => {
  const type = b[at] ?? 0;
  const nul = indexOfNul(b, at + 1, end);
  if (nul < 0) return -1;
  const value = nul + 1;
  const size = elementSize(b, type, value, end);
  if (size < 0 || value + size > end) return -1;
  if (depth > 0 && b[at + 1] === 0x24) noteOperator(b, at + 1, nul);
  if ((type === 3 || type === 4) && depth < maxDepth)
    walk(b, value, depth + 1, nestedContext(b, at + 1, nul));
  else noteCode(b, type, at + 1, nul, value, size, context);
  return value + size;
};

/** A command document whose first key, the command, is mapReduce: its `map`, `reduce` and `finalize` are code. */
const mapReduce = (b: Uint8Array, first: number, end: number): boolean => {
  const nul = indexOfNul(b, first + 1, end);
  return nul > 0 && (keyIs(b, first + 1, nul, 'mapReduce') || keyIs(b, first + 1, nul, 'mapreduce'));
};

/**
 * Walks the document at `offset`. Depth 0 is a command's own document, whose `$`-keys are its envelope (`$db`,
 * `$readPreference`, `$clusterTime`), not operators; a filter read on its own starts at depth 1.
 */
function walk(b: Uint8Array, offset: number, depth: number, outer: Context): void {
  const length = i32le(b, offset);
  if (length < 5 || offset + length > b.length) return;
  const end = offset + length - 1;
  const context = depth === 0 && mapReduce(b, offset + 4, end) ? 'map-reduce' : outer;
  let at = offset + 4;
  while (at > 0 && at < end && budget.elements < maxElements) {
    budget.elements++;
    at = element(b, at, end, depth, context);
  }
}

/** Whether the identifier in `m[start, end)` is one of `filterSequences` (a loop: no closure per section). */
const filterSequence = (m: Uint8Array, start: number, end: number): boolean => {
  for (let i = 0; i < filterSequences.length; i++)
    if (keyIs(m, start, end, filterSequences[i] as string)) return true;
  return false;
};

/** The documents of a kind-1 section's body `[from, end)` whose identifier names filters. */
const walkSequence = (m: Uint8Array, from: number, end: number): void => {
  const nul = indexOfNul(m, from, end);
  if (nul < 0 || !filterSequence(m, from, nul)) return;
  for (let doc = nul + 1; doc + 5 <= end && budget.elements < maxElements; ) {
    const length = i32le(m, doc);
    if (length < 5) return;
    walk(m, doc, 0, 'plain');
    doc += length;
  }
};

/**
 * OP_MSG's sections, in any order: kind 0, the command's document; kind 1 (int32 size, identifier, documents), the
 * documents of `updates`, `deletes` and bulkWrite's `ops`, which hold filters. Insert's `documents` are data, not read.
 */
const walkSections = (m: Uint8Array): void => {
  const end = m.length - ((m[16] ?? 0) & 1 ? 4 : 0); // checksumPresent: a CRC-32C closes the message
  let at = 20;
  while (at + 5 < end) {
    const size = i32le(m, at + 1);
    if (size < 5 || at + 1 + size > end) return;
    if (m[at] === 0) walk(m, at + 1, 0, 'plain');
    else if (m[at] === 1) walkSequence(m, at + 5, at + 1 + size);
    else return;
    at += 1 + size;
  }
};

/** OP_QUERY (on `<db>.$cmd` a command, else a filter), OP_UPDATE (selector, update) and OP_DELETE (selector). */
const walkLegacy = (m: Uint8Array, opCode: number): void => {
  const nameEnd = indexOfNul(m, 20);
  if (nameEnd < 0) return;
  if (opCode === opQuery) {
    const command = keyIs(m, nameEnd - 5, nameEnd, '.$cmd');
    walk(m, nameEnd + 9, command ? 0 : 1, 'plain');
    return;
  }
  const selector = nameEnd + 5;
  walk(m, selector, 1, 'plain');
  const length = i32le(m, selector);
  if (opCode === 2001 && length >= 5) walk(m, selector + length, 1, 'plain');
};

/** The operators and JavaScript of a request message (OP_MSG, OP_QUERY, OP_UPDATE, OP_DELETE); undefined when none. */
export const mongodbQuery = (m: Uint8Array, opCode: number): MongodbQuery | undefined => {
  found.operators = undefined;
  found.javascript = undefined;
  budget.elements = 0;
  budget.javascriptBytes = 0;
  if (opCode === opMsg) walkSections(m);
  else if (opCode === opQuery || opCode === 2001 || opCode === 2006) walkLegacy(m, opCode);
  const { operators, javascript } = found;
  if (operators === undefined && javascript === undefined) return undefined;
  return {
    ...(operators === undefined ? {} : { operators }),
    ...(javascript === undefined ? {} : { javascript }),
  };
};
