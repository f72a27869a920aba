/**
 * A control message between connected Erlang nodes (OTP's erl_dist_protocol, "Protocol between Connected Nodes"): a
 * tuple whose first element names the operation, followed, for sends and spawn requests, by the message or argument
 * list. What a remote call runs is read from either: OTP 23 and later `rpc:call` and `erpc:call` send a SPAWN_REQUEST
 * of `erpc:execute_call(Ref, M, F, A)`; older nodes a REG_SEND to `rex` of `{'$gen_call', From, {call, M, F, A, GL}}`
 * (rpc:cast: `{'$gen_cast', {cast, M, F, A, GL}}`); `spawn(Node, M, F, A)` is a SPAWN_REQUEST of M:F itself.
 */
import { atomOf, readTermAt, type Term, termBudget, textOf } from './erlang-term.ts';

/** Control message kinds by number; the gaps are numbers OTP never used. */
const kinds: readonly (string | undefined)[] = [
  undefined,
  'link',
  'send',
  'exit',
  'unlink',
  'node-link',
  'reg-send',
  'group-leader',
  'exit2',
  undefined,
  undefined,
  undefined,
  'send-tt',
  'exit-tt',
  undefined,
  undefined,
  'reg-send-tt',
  undefined,
  'exit2-tt',
  'monitor-p',
  'demonitor-p',
  'monitor-p-exit',
  'send-sender',
  'send-sender-tt',
  'payload-exit',
  'payload-exit-tt',
  'payload-exit2',
  'payload-exit2-tt',
  'payload-monitor-p-exit',
  'spawn-request',
  'spawn-request-tt',
  'spawn-reply',
  'spawn-reply-tt',
  'alias-send',
  'alias-send-tt',
  'unlink-id',
  'unlink-id-ack',
];

/** A remote call: `call` through rpc or erpc, `spawn` of a function directly; `arg` its first argument's text. */
export type DistCall = { via: 'call' | 'spawn'; module: string; fn: string; arg?: string };

export type DistControl = { kind: string; name?: string; call?: DistCall };

const listItems = (term: Term | undefined): Term[] | undefined => {
  if (term?.t === 'list') return term.v;
  // A list of octets is sent as STRING_EXT: its characters are the items.
  if (term?.t === 'text') return Array.from(term.v, (ch): Term => ({ t: 'int', v: ch.charCodeAt(0) }));
  return undefined;
};

/**
 * The call of `m:f(args)`; `erlang:apply(M, F, Args)` with a module and function named is the call of M:F(Args)
 * (`rpc:call(Node, erlang, apply, [os, cmd, ["id"]])` runs os:cmd; nested applies as deep as the term was read).
 */
const callOf = (via: DistCall['via'], m: Term | undefined, f: Term | undefined, args: Term | undefined) => {
  const module = atomOf(m);
  const fn = atomOf(f);
  if (module === undefined || fn === undefined) return undefined;
  const items = listItems(args);
  if (module === 'erlang' && fn === 'apply' && items?.length === 3) {
    const [am, af, aa] = items;
    if (atomOf(am) !== undefined && atomOf(af) !== undefined) return callOf(via, am, af, aa);
  }
  const call: DistCall = { via, module, fn };
  const arg = textOf(items?.[0]);
  if (arg !== undefined) call.arg = arg;
  return call;
};

/** SPAWN_REQUEST: `{29, ReqId, From, GroupLeader, {M, F, Arity}, Opts}`, then the argument list. */
const spawnCall = (control: Term[], args: Term | undefined): DistCall | undefined => {
  const mfa = control[4];
  if (mfa?.t !== 'tuple') return undefined;
  const [m, f] = mfa.v;
  const items = listItems(args);
  const viaErpc = atomOf(m) === 'erpc' && /^execute_(call|cast)$/.test(atomOf(f) ?? '');
  if (viaErpc && items !== undefined && items.length >= 3) {
    const [tm, tf, ta] = items.slice(-3);
    return callOf('call', tm, tf, ta) ?? callOf('spawn', m, f, args);
  }
  return callOf('spawn', m, f, args);
};

/**
 * A message to `rex`, the rpc server: `{call | block_call | cast, M, F, A, GL}`, inside a gen_server call or cast, or
 * after the caller's pid.
 */
const rexCall = (message: Term | undefined): DistCall | undefined => {
  if (message?.t !== 'tuple') return undefined;
  const wrapper = atomOf(message.v[0]);
  // rex also takes `{From, Request}` as a plain message (what Metasploit's erlang_cookie_rce sends).
  const plain = message.v.length === 2 && message.v[1]?.t === 'tuple' ? message.v[1] : message;
  const inner = wrapper === '$gen_call' ? message.v[2] : wrapper === '$gen_cast' ? message.v[1] : plain;
  if (inner?.t !== 'tuple' || inner.v.length < 4) return undefined;
  if (!['call', 'block_call', 'cast'].includes(atomOf(inner.v[0]) ?? '')) return undefined;
  return callOf('call', inner.v[1], inner.v[2], inner.v[3]);
};

/**
 * The control message at `at` of a packet, and what follows it when that says what runs. `versioned`: each term
 * carries its own 131 (a pass-through packet), as it does not after a distribution header.
 */
export const readControl = (
  b: Uint8Array,
  at: number,
  refs: readonly string[],
  versioned: boolean,
): DistControl | undefined => {
  const context = { refs, budget: termBudget };
  const skip = (offset: number): number => (versioned && b[offset] === 131 ? offset + 1 : offset);
  const read = readTermAt(b, skip(at), context);
  if (read === undefined || read[0].t !== 'tuple') return undefined;
  const control = read[0].v;
  const number = control[0]?.t === 'int' ? control[0].v : -1;
  const kind = kinds[number];
  if (kind === undefined) return undefined;
  const result: DistControl = { kind };
  if (!kind.startsWith('reg-send') && !kind.startsWith('spawn-request')) return result;
  const following = readTermAt(b, skip(read[1]), context)?.[0];
  const name = kind.startsWith('reg-send') ? atomOf(control[3]) : undefined;
  if (name !== undefined) result.name = name;
  const call =
    name === undefined ? spawnCall(control, following) : name === 'rex' ? rexCall(following) : undefined;
  if (call !== undefined) result.call = call;
  return result;
};
