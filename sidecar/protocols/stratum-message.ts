/**
 * One line of a mining pool protocol: Stratum v1 as Bitcoin pools speak it (`mining.subscribe`, `mining.authorize`,
 * `mining.notify`, `mining.submit`; BIP 310's `mining.configure`), NiceHash's EthereumStratum 1.0 and 2.0, the
 * Ethereum proxy dialect (`eth_submitLogin`, `eth_getWork`) and the CryptoNote dialect of Monero pools and XMRig
 * (`login`, `job`, `submit`, `keepalived`). Each is JSON-RPC: one JSON object per line over TCP. A line is read as
 * this protocol only when its method is one of these dialects' own and its params have that method's shape, so a
 * JSON-RPC API of any other kind is not taken for mining (nDPI's dissector takes any `{` with `"method":`).
 */

/** What a line says, as far as the engine tells it: a step of a mining session, and who is mining with what. */
export type StratumLine = {
  /** The method called, or `result` / `error` for an answer. */
  method: string;
  /** The step it is: the miner logging in, the pool handing out work, the miner handing in a share. */
  step?: 'login' | 'job' | 'share';
  /** The pool account: a wallet address, often with `.worker` appended. Never the password. */
  user?: string;
  /** The miner's software (`XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0`). */
  agent?: string;
  /** The algorithms the miner offers (`rx/0`, `cn/r`), when it lists them. */
  algorithms?: readonly string[];
  /** An answer's error message (the pool refused a login or a share). */
  error?: string;
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Length bounds on what a line carries into an event: a field as long as its line (stratum.ts reads lines of up to
 * 64 KiB; events are not held). Cut at 256 characters, an agent or account padded past them hid its end (ADR 36).
 */
const maxField = 64 * 1024;
const maxAlgorithms = 16;

const field = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value.slice(0, maxField) : undefined;

const arrayParams = (params: unknown): boolean => Array.isArray(params);
const anyParams = (params: unknown): boolean => Array.isArray(params) || isObject(params);

/** CryptoNote's params are an object naming the fields its method needs. */
const objectWith =
  (...keys: string[]) =>
  (params: unknown): boolean =>
    isObject(params) && keys.every((k) => typeof params[k] === 'string');

type MethodRule = { shape: (params: unknown) => boolean; step?: StratumLine['step'] };

/** Methods a miner sends. */
export const clientMethods: Readonly<Record<string, MethodRule>> = {
  'mining.subscribe': { shape: arrayParams, step: 'login' },
  'mining.authorize': { shape: arrayParams, step: 'login' },
  'mining.configure': { shape: arrayParams },
  'mining.extranonce.subscribe': { shape: arrayParams },
  'mining.suggest_difficulty': { shape: arrayParams },
  'mining.suggest_target': { shape: arrayParams },
  'mining.get_transactions': { shape: arrayParams },
  'mining.multi_version': { shape: arrayParams },
  'mining.submit': { shape: arrayParams, step: 'share' },
  'mining.hello': { shape: anyParams, step: 'login' },
  eth_submitLogin: { shape: arrayParams, step: 'login' },
  eth_getWork: { shape: arrayParams },
  eth_submitWork: { shape: arrayParams, step: 'share' },
  eth_submitHashrate: { shape: arrayParams },
  // Another API's login could take {login, pass}; the miners that speak this dialect also name themselves.
  login: { shape: objectWith('login', 'pass', 'agent'), step: 'login' },
  getjob: { shape: objectWith('id') },
  submit: { shape: objectWith('job_id', 'nonce'), step: 'share' },
  keepalived: { shape: objectWith('id') },
};

/** Methods a pool sends. */
export const poolMethods: Readonly<Record<string, MethodRule>> = {
  'mining.notify': { shape: arrayParams, step: 'job' },
  'mining.set_difficulty': { shape: arrayParams },
  'mining.set_target': { shape: arrayParams },
  'mining.set_extranonce': { shape: arrayParams },
  'mining.set_version_mask': { shape: arrayParams },
  'client.reconnect': { shape: arrayParams },
  'client.show_message': { shape: arrayParams },
  'client.get_version': { shape: arrayParams },
  job: { shape: objectWith('blob', 'job_id'), step: 'job' },
};

const own = (table: Readonly<Record<string, MethodRule>>, method: string): MethodRule | undefined =>
  Object.hasOwn(table, method) ? table[method] : undefined;

/** The object on a line, or undefined when it is not one JSON object. */
export const jsonLine = (text: string): Json | undefined => {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

const strings = (value: unknown): string[] =>
  Array.isArray(value)
    ? value
        .map(field)
        .filter((a): a is string => a !== undefined)
        .slice(0, maxAlgorithms)
    : [];

/** CryptoNote's login and EthereumStratum 2's hello name things in an object. */
const objectFacts = (params: Json, line: StratumLine): void => {
  const user = field(params.login);
  const agent = field(params.agent);
  const algorithms = strings(params.algo);
  if (user !== undefined) line.user = user;
  if (agent !== undefined) line.agent = agent;
  if (algorithms.length > 0) line.algorithms = algorithms;
};

/** Who logs in, with what: each dialect puts the account and the software in its own place. */
const loginFacts = (method: string, params: unknown, line: StratumLine): void => {
  if (isObject(params)) {
    objectFacts(params, line);
    return;
  }
  // mining.subscribe's first param is the miner's software; authorize and eth_submitLogin's is the account.
  const first = Array.isArray(params) ? field(params[0]) : undefined;
  if (first === undefined) return;
  if (method === 'mining.subscribe') line.agent = first;
  else line.user = first;
};

/** A pool's answer to a CryptoNote login carries the first job; to a Bitcoin subscribe, the notify subscription. */
const answerIsJob = (result: unknown): boolean => {
  if (isObject(result)) return objectWith('blob', 'job_id')(result.job);
  if (!Array.isArray(result) || !Array.isArray(result[0])) return false;
  const subscriptions = result[0] as unknown[];
  return subscriptions.some(
    (s) => Array.isArray(s) && (s[0] === 'mining.notify' || s[0] === 'mining.set_difficulty'),
  );
};

const errorText = (error: unknown): string | undefined => {
  if (isObject(error)) return field(error.message) ?? 'error';
  // Bitcoin pools answer errors as [code, message, traceback].
  if (Array.isArray(error)) return field(error[1]) ?? 'error';
  return field(error);
};

/** An answer (no method): a job when it carries one, an error when the pool refused. */
const readAnswer = (message: Json): StratumLine | undefined => {
  if (!('id' in message) || !('result' in message || 'error' in message)) return undefined;
  const error = message.error === null || message.error === undefined ? undefined : errorText(message.error);
  if (error !== undefined) return { method: 'error', error };
  return answerIsJob(message.result) ? { method: 'result', step: 'job' } : { method: 'result' };
};

/**
 * A line read as Stratum: a method of the sender's side with the params it takes, or (`answers`) an answer. A bare
 * answer (`{"id":1,"result":true}`) is any JSON-RPC's, so detection only takes one that carries a job.
 */
export const readStratumLine = (message: Json, fromClient: boolean): StratumLine | undefined => {
  const { method, params } = message;
  if (typeof method !== 'string') return fromClient ? undefined : readAnswer(message);
  const rule = own(fromClient ? clientMethods : poolMethods, method);
  if (rule === undefined || !rule.shape(params)) return undefined;
  // A request carries an id; a pool's notification carries one too, often null.
  if (fromClient && !('id' in message)) return undefined;
  const line: StratumLine = { method };
  if (rule.step !== undefined) line.step = rule.step;
  if (rule.step === 'login') loginFacts(method, params, line);
  return line;
};
