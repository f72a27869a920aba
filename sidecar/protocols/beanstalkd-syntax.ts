/**
 * beanstalkd's command and reply lines (beanstalkd's doc/protocol.txt): exact syntax, the words its clients and server
 * send, and which lines announce a body (`put`, `RESERVED`, `FOUND`, `OK`).
 */

/** beanstalkd's LINE_BUF_SIZE: a command line (with its CRLF) is at most 224 octets. */
export const maxBeanstalkdLine = 224;

/** protocol.txt "Name": letters, digits, `-+/;.$_()`, 1 to 200 octets, not starting with a hyphen. */
const tubeName = /^[A-Za-z0-9+/;.$_()][A-Za-z0-9+/;.$_()-]{0,199}$/;
const integer = /^\d{1,20}$/;

const isTube = (token: string | undefined): boolean => token !== undefined && tubeName.test(token);
const isInteger = (token: string | undefined): boolean => token !== undefined && integer.test(token);

/** The number of integers after the word, or a tube then integers: what each command takes. */
type Shape = { tube?: true; integers: number };

/**
 * The commands whose line no other protocol here sends. `delete <id>`, `touch <id>`, `stats` and `quit` are
 * memcached's (and Redis's inline TOUCH and QUIT) too: the parser reads them, detection leaves them to those.
 */
const ownCommands: Readonly<Record<string, Shape>> = {
  put: { integers: 4 },
  use: { tube: true, integers: 0 },
  reserve: { integers: 0 },
  'reserve-with-timeout': { integers: 1 },
  'reserve-job': { integers: 1 },
  release: { integers: 3 },
  bury: { integers: 2 },
  watch: { tube: true, integers: 0 },
  ignore: { tube: true, integers: 0 },
  peek: { integers: 1 },
  'peek-ready': { integers: 0 },
  'peek-delayed': { integers: 0 },
  'peek-buried': { integers: 0 },
  kick: { integers: 1 },
  'kick-job': { integers: 1 },
  'stats-job': { integers: 1 },
  'stats-tube': { tube: true, integers: 0 },
  'list-tubes': { integers: 0 },
  'list-tube-used': { integers: 0 },
  'list-tubes-watched': { integers: 0 },
  'pause-tube': { tube: true, integers: 1 },
};

const sharedCommands: Readonly<Record<string, Shape>> = {
  delete: { integers: 1 },
  touch: { integers: 1 },
  stats: { integers: 0 },
  quit: { integers: 0 },
};

/** Every command word, for the parser and for detection's look at an unfinished line. */
export const beanstalkdCommandWords: readonly string[] = Object.keys(ownCommands);

const fits = (shape: Shape | undefined, tokens: readonly string[]): boolean => {
  if (shape === undefined) return false;
  const first = shape.tube === true ? 2 : 1;
  if (shape.tube === true && !isTube(tokens[1])) return false;
  if (tokens.length !== first + shape.integers) return false;
  for (let i = first; i < tokens.length; i++) if (!isInteger(tokens[i])) return false;
  return true;
};

/** A command line only beanstalkd sends, split on single spaces as beanstalkd splits it. */
export const isOwnCommand = (tokens: readonly string[]): boolean =>
  fits(ownCommands[tokens[0] ?? ''], tokens);

/** Any command line beanstalkd takes (its own and those memcached shares). */
export const isCommand = (tokens: readonly string[]): boolean =>
  isOwnCommand(tokens) || fits(sharedCommands[tokens[0] ?? ''], tokens);

/** Replies that are beanstalkd's alone, by their integer count (`USING` and `BURIED`/`KICKED` take other forms). */
const ownReplies: Readonly<Record<string, readonly number[]>> = {
  INSERTED: [1],
  BURIED: [0, 1],
  RESERVED: [2],
  FOUND: [2],
  OK: [1],
  WATCHING: [1],
  KICKED: [0, 1],
  RELEASED: [0],
  PAUSED: [0],
  NOT_IGNORED: [0],
  DEADLINE_SOON: [0],
  TIMED_OUT: [0],
  EXPECTED_CRLF: [0],
  JOB_TOO_BIG: [0],
  DRAINING: [0],
  OUT_OF_MEMORY: [0],
  INTERNAL_ERROR: [0],
  BAD_FORMAT: [0],
  UNKNOWN_COMMAND: [0],
};
/** `DELETED`, `NOT_FOUND`, `TOUCHED`: memcached's replies too, read by the parser, never detected on. */
const sharedReplies = new Set(['DELETED', 'NOT_FOUND', 'TOUCHED']);

export const beanstalkdReplyWords: readonly string[] = [...Object.keys(ownReplies), 'USING'];

/** A reply line only beanstalkd sends. */
export const isOwnReply = (tokens: readonly string[]): boolean => {
  const [word] = tokens;
  if (word === 'USING') return tokens.length === 2 && isTube(tokens[1]);
  const counts = ownReplies[word ?? ''];
  return counts?.includes(tokens.length - 1) === true && tokens.slice(1).every(isInteger);
};

export const isReply = (tokens: readonly string[]): boolean =>
  isOwnReply(tokens) || (tokens.length === 1 && sharedReplies.has(tokens[0] ?? ''));

/** Octets of the body the line announces (`<bytes>` then CRLF), or undefined for a line without one. */
export const announcedBody = (tokens: readonly string[]): number | undefined => {
  const [word] = tokens;
  const size = word === 'put' ? tokens[4] : word === 'RESERVED' || word === 'FOUND' ? tokens[2] : undefined;
  if (word === 'OK') return Number(tokens[1]);
  return size === undefined ? undefined : Number(size);
};
