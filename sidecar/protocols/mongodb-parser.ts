/**
 * Streaming MongoDB parser: command names (and target collection) from requests, whether a find reads its collection
 * whole, and the operators and server-side JavaScript a request carries; authentication outcome from replies.
 */
import { inflateSync } from 'node:zlib';
import type { ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import { type BsonField, bsonDocument } from './mongodb-bson.ts';
import { legacyOps, maxMessage, opCompressed, opMsg, opQuery, opReply } from './mongodb-detect.ts';
import { mongodbQuery } from './mongodb-operators.ts';
import type { ProtocolParser } from './protocol.ts';
import { cString, i32le, maxTextBytes } from './wire-bytes.ts';

type Command = { operation: string; detail?: string; user?: string; whole?: true };
type Document = { fields: BsonField[]; db?: string; complete: boolean };
type State = { pending: Map<number, Command> };

const authCommands = new Set(['saslStart', 'saslContinue', 'authenticate']);
const field = (fields: readonly BsonField[], key: string) => fields.find((f) => f.key === key)?.value;

/**
 * A `find` on a named collection with no filter, or an empty one, and no limit reads the collection whole, as
 * mongodump and mongoexport do (mongo-tools: `Find(nil, bson.D{}, opts)`, with at most a `hint` of `_id` and a read
 * preference). Told only of a command read whole: a filter or a limit past what was read would be missed.
 */
const readsWhole = ({ fields, complete }: Document): boolean => {
  const [first] = fields;
  if (!complete || first?.key !== 'find' || typeof first.value !== 'string' || first.value === '')
    return false;
  const limit = field(fields, 'limit');
  if (typeof limit === 'number' && limit !== 0) return false;
  const filter = fields.find((f) => f.key === 'filter');
  return filter === undefined || (filter.type === 0x03 && filter.size === 5);
};

/** The command is the first field; its string value names the collection; `$db` (OP_MSG) names the database. */
const command = (doc: Document): Command | undefined => {
  const { fields, db } = doc;
  const [first] = fields;
  if (!first) return undefined;
  const database = db ?? field(fields, '$db');
  const coll = typeof first.value === 'string' ? first.value : undefined;
  const detail = [database, coll].filter((x) => typeof x === 'string').join('.');
  // SCRAM's client-first message carries the user name as "n=<user>" (RFC 5802 §5.1).
  const payload = field(fields, 'payload');
  const scramUser = typeof payload === 'string' ? /(?:^|,)n=([^,]*)/.exec(payload)?.[1] : undefined;
  const user = first.key === 'authenticate' ? field(fields, 'user') : scramUser;
  return {
    operation: first.key.slice(0, 128),
    ...(detail ? { detail: detail.slice(0, maxTextBytes) } : {}),
    ...(typeof user === 'string' && user ? { user } : {}),
    ...(readsWhole(doc) ? { whole: true as const } : {}),
  };
};

const read = (m: Uint8Array, offset: number): Document =>
  bsonDocument(m, offset) ?? { fields: [], complete: false };

/** The first document of a message (OP_MSG kind 0 section, OP_QUERY query, OP_REPLY first document). */
const document = (m: Uint8Array, opCode: number): Document | undefined => {
  if (opCode === opMsg) return m[20] === 0 ? read(m, 21) : undefined;
  if (opCode === opReply) return read(m, 36);
  if (opCode !== opQuery) return undefined;
  const name = cString(m, 20);
  if (!name) return undefined;
  const [db = '', coll = ''] = name.value.split(/\.(.*)/s);
  if (coll !== '$cmd')
    return { fields: [{ key: 'query', type: 2, value: coll, size: 0 }], db, complete: false };
  return { ...read(m, name.next + 8), db };
};

/** OP_COMPRESSED with the noop or zlib compressor is unwrapped into the original message; others stay opaque. */
const unwrap = (m: Uint8Array): Uint8Array | undefined => {
  const original = i32le(m, 16);
  const size = i32le(m, 20);
  const body = m.subarray(25);
  if (m[24] !== 0 && m[24] !== 2) return undefined;
  let inner: Uint8Array;
  try {
    inner =
      m[24] === 0 ? body : inflateSync(body, { maxOutputLength: Math.min(Math.max(size, 1), 1024 * 1024) });
  } catch {
    return undefined; // corrupt or oversized zlib stream: the message stays opaque
  }
  const out = new Uint8Array(16 + inner.length);
  out.set(m.subarray(0, 12));
  new DataView(out.buffer).setInt32(12, original, true);
  out.set(inner, 16);
  return out;
};

const request = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const opCode = i32le(m, 12);
  const legacy = legacyOps[opCode];
  const doc = document(m, opCode);
  const found: Command | undefined = legacy ? { operation: legacy } : doc ? command(doc) : undefined;
  if (!found) return [];
  if (state.pending.size >= 256) state.pending.clear();
  if (authCommands.has(found.operation)) state.pending.set(i32le(m, 4), found);
  const detail = found.detail === undefined ? {} : { detail: found.detail };
  const query = mongodbQuery(m, opCode);
  return [
    {
      kind: 'operation',
      ts: ctx.ts,
      direction: ctx.direction,
      protocol: 'mongodb',
      operation: found.operation,
      ...detail,
      ...(found.whole === true ? { whole: true as const } : {}),
      ...query,
    },
  ];
};

/** Code 18 is AuthenticationFailed; a finished SASL conversation (done: true) or authenticate with ok: 1 succeeded. */
const reply = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const asked = state.pending.get(i32le(m, 8));
  const fields = document(m, i32le(m, 12))?.fields ?? [];
  const ok = field(fields, 'ok');
  const failed = ok === 0 && (field(fields, 'code') === 18 || asked !== undefined);
  const done =
    (ok === 1 && field(fields, 'done') === true) || (ok === 1 && asked?.operation === 'authenticate');
  if (!failed && !(asked && done)) return [];
  state.pending.delete(i32le(m, 8));
  const errmsg = field(fields, 'errmsg');
  return [
    {
      kind: 'db-auth',
      ts: ctx.ts,
      direction: ctx.direction,
      dialect: 'mongodb',
      ok: !failed,
      ...(asked?.user === undefined ? {} : { user: asked.user }),
      ...(typeof errmsg === 'string' ? { message: errmsg } : {}),
    },
  ];
};

export const createMongodbParser = (): ProtocolParser => {
  const state: State = { pending: new Map() };
  const handle = (m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
    const message = i32le(m, 12) === opCompressed ? unwrap(m) : m;
    if (!message) return [];
    return ctx.direction === 'to-server' ? request(state, message, ctx) : reply(state, message, ctx);
  };
  return createFramedParser({
    frame: (b) => {
      if (b.length < 4) return 0;
      const length = i32le(b, 0);
      return length >= 16 && length <= maxMessage ? length : -1;
    },
    message: handle,
  });
};
