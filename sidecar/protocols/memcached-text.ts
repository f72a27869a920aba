/** memcached text protocol (memcached protocol.txt): command and reply line syntax. */

/** Keys are up to 250 characters without control characters or whitespace. */
const isKey = (token: string | undefined): boolean =>
  token !== undefined && token.length > 0 && token.length <= 250 && /^[\x21-\x7e\x80-\xff]+$/.test(token);
const isNumber = (token: string | undefined): boolean => token !== undefined && /^-?\d{1,20}$/.test(token);
const isUnsigned = (token: string | undefined): boolean => token !== undefined && /^\d{1,20}$/.test(token);
const noreply = (token: string | undefined): boolean => token === undefined || token === 'noreply';

/** `<cmd> <key> <flags> <exptime> <bytes> [noreply]`; cas adds `<cas unique>` before noreply. */
const storage = (t: readonly string[], extra: number): boolean =>
  isKey(t[1]) &&
  isUnsigned(t[2]) &&
  isNumber(t[3]) &&
  isUnsigned(t[4]) &&
  (extra === 0 || isUnsigned(t[5])) &&
  noreply(t[5 + extra]) &&
  t.length <= 6 + extra;

const keys = (t: readonly string[], from: number): boolean => t.length > from && t.slice(from).every(isKey);

/** Exact syntax per command; `touch` and `quit` are left out (valid Redis inline commands look the same). */
const commandSyntax: Readonly<Record<string, (t: readonly string[]) => boolean>> = {
  set: (t) => storage(t, 0),
  add: (t) => storage(t, 0),
  replace: (t) => storage(t, 0),
  append: (t) => storage(t, 0),
  prepend: (t) => storage(t, 0),
  cas: (t) => storage(t, 1),
  get: (t) => keys(t, 1),
  gets: (t) => keys(t, 1),
  gat: (t) => isNumber(t[1]) && keys(t, 2),
  gats: (t) => isNumber(t[1]) && keys(t, 2),
  delete: (t) => isKey(t[1]) && t.length <= 3,
  incr: (t) => isKey(t[1]) && isUnsigned(t[2]) && noreply(t[3]) && t.length <= 4,
  decr: (t) => isKey(t[1]) && isUnsigned(t[2]) && noreply(t[3]) && t.length <= 4,
  stats: (t) => t.length <= 3,
  version: (t) => t.length === 1,
  flush_all: (t) => t.length <= 3,
  verbosity: (t) => isUnsigned(t[1]) && noreply(t[2]) && t.length <= 3,
  mg: (t) => isKey(t[1]),
  ms: (t) => isKey(t[1]) && isUnsigned(t[2]),
  md: (t) => isKey(t[1]),
  ma: (t) => isKey(t[1]),
};

/** Every command the parser names (detection uses only `commandSyntax`). */
export const memcachedVerbs = new Set([
  ...Object.keys(commandSyntax),
  'touch',
  'quit',
  'mn',
  'me',
  'shutdown',
]);

export const isMemcachedCommand = (tokens: readonly string[]): boolean =>
  commandSyntax[tokens[0] ?? '']?.(tokens) ?? false;

const exactReplies = new Set(['END', 'STORED', 'NOT_STORED', 'EXISTS', 'NOT_FOUND', 'DELETED', 'TOUCHED']);

/** Replies only memcached sends: VALUE and STAT lines, status words, VERSION, CLIENT_/SERVER_ERROR. */
export const isMemcachedReply = (tokens: readonly string[]): boolean => {
  const [word] = tokens;
  if (word === 'VALUE')
    return isKey(tokens[1]) && isUnsigned(tokens[2]) && isUnsigned(tokens[3]) && tokens.length <= 5;
  if (word === 'STAT') return tokens.length >= 3 && isKey(tokens[1]);
  if (word === 'VERSION') return tokens.length === 2;
  if (word === 'CLIENT_ERROR' || word === 'SERVER_ERROR') return tokens.length >= 2;
  return tokens.length === 1 && exactReplies.has(word ?? '');
};

/** Octets of a data block that follows this line (plus its CRLF), or 0. */
export const memcachedDataLength = (tokens: readonly string[]): number => {
  const [word] = tokens;
  const size = (token: string | undefined): number => (isUnsigned(token) ? Number(token) + 2 : 0);
  if (word === 'set' || word === 'add' || word === 'replace' || word === 'append' || word === 'prepend') {
    return size(tokens[4]);
  }
  if (word === 'cas') return size(tokens[4]);
  if (word === 'VALUE') return size(tokens[3]);
  if (word === 'ms') return size(tokens[2]);
  if (word === 'VA') return size(tokens[1]);
  return 0;
};
