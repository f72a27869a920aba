/** Streaming ZooKeeper parser: the handshake, requests with their znode path, errors, and four-letter words. */
import type { Direction, ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import type { ProtocolParser } from './protocol.ts';
import { i32be, isPrintable, latin1, maxTextBytes, text } from './wire-bytes.ts';
import { fourLetterWords } from './zookeeper-detect.ts';

type State = { first: Record<Direction, boolean> };

/** Request types (ZooDefs.OpCode); the ones with `true` start with a path string. */
const opcodes: Record<number, [string, boolean]> = {
  1: ['create', true],
  2: ['delete', true],
  3: ['exists', true],
  4: ['getData', true],
  5: ['setData', true],
  6: ['getACL', true],
  7: ['setACL', true],
  8: ['getChildren', true],
  9: ['sync', true],
  12: ['getChildren2', true],
  13: ['check', true],
  14: ['multi', false],
  15: ['create2', true],
  16: ['reconfig', false],
  17: ['checkWatches', true],
  18: ['removeWatches', true],
  19: ['createContainer', true],
  20: ['deleteContainer', true],
  21: ['createTTL', true],
  22: ['multiRead', false],
  100: ['auth', false],
  101: ['setWatches', false],
  102: ['sasl', false],
  103: ['getEphemerals', true],
  104: ['getAllChildrenNumber', true],
  105: ['setWatches2', false],
  106: ['addWatch', true],
  107: ['whoAmI', false],
  [-10]: ['createSession', false],
  [-11]: ['closeSession', false],
};

/** Error codes (KeeperException.Code) worth naming. */
const errors: Record<number, string> = {
  [-4]: 'CONNECTIONLOSS',
  [-101]: 'NONODE',
  [-102]: 'NOAUTH',
  [-103]: 'BADVERSION',
  [-108]: 'NOTEMPTY',
  [-110]: 'NODEEXISTS',
  [-112]: 'SESSIONEXPIRED',
  [-114]: 'INVALIDACL',
  [-115]: 'AUTHFAILED',
  [-118]: 'SESSIONMOVED',
};

const isWord = (b: Uint8Array): boolean => fourLetterWords.has(latin1(b, 0, 4));

const frame = (state: State, b: Uint8Array, direction: Direction): number => {
  if (state.first[direction] && direction === 'to-server' && b[0] !== 0)
    return b.length >= 4 ? (isWord(b) ? b.length : -1) : 0;
  if (state.first[direction] && direction === 'to-client' && b[0] !== 0) return -1; // a four-letter answer: not framed
  if (b.length < 4) return 0;
  const length = i32be(b, 0);
  return length >= 0 && length <= 16 * 1024 * 1024 ? 4 + length : -1;
};

const op = (ctx: FrameContext, operation: string, detail?: string): ProtocolEvent => ({
  kind: 'operation',
  ts: ctx.ts,
  direction: ctx.direction,
  protocol: 'zookeeper',
  operation,
  ...(detail ? { detail } : {}),
});

/** Request header: int xid, int type; then for path operations a ustring path (int length + bytes). */
const request = (m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const known = opcodes[i32be(m, 8)];
  if (!known || i32be(m, 4) === -2) return []; // -2: ping
  const [name, hasPath] = known;
  const length = i32be(m, 12);
  const path = hasPath && length > 0 && 16 + length <= m.length && isPrintable(m, 16, 16 + length);
  return [op(ctx, name, path ? text(m, 16, 16 + length, maxTextBytes) : undefined)];
};

/** Reply header: int xid, long zxid, int err; xid -1 is a watch notification, -2 a ping. */
const reply = (m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const err = i32be(m, 16);
  if (m.length < 20 || err === 0 || i32be(m, 4) < 0) return [];
  return [op(ctx, 'error', errors[err] ?? String(err))];
};

const message = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const first = state.first[ctx.direction];
  state.first[ctx.direction] = false;
  if (first && ctx.direction === 'to-server' && m[0] !== 0) {
    ctx.stop('to-server');
    return [op(ctx, latin1(m, 0, 4))];
  }
  if (first) return ctx.direction === 'to-server' ? [op(ctx, 'connect', `timeout=${i32be(m, 16)}`)] : [];
  return ctx.direction === 'to-server' ? request(m, ctx) : reply(m, ctx);
};

export const createZookeeperParser = (): ProtocolParser => {
  const state: State = { first: { 'to-server': true, 'to-client': true } };
  return createFramedParser({
    frame: (b, d) => frame(state, b, d),
    message: (m, ctx) => message(state, m, ctx),
  });
};
