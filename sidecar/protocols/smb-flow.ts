/**
 * What one SMB connection remembers between messages: requests waiting for their answer (by message id), logins
 * whose answer asked for another leg (by session), the trees the server granted (tree id → share), the SMB1 dialects
 * offered, the commands already told, the SMB version once the conversation shows it; and how events are told.
 * Every map is bounded: a client that never reads its answers cannot grow them.
 */
import type { DbAuthEvent, Direction, ProtocolEvent, SmbEvent } from '../events.ts';
import { operationName } from './dcerpc-request.ts';
import type { KerberosAnswer } from './kerberos-answer.ts';
import { kerberosErrorName } from './kerberos-errors.ts';
import type { Login } from './ntlmssp.ts';
import { refusesLogin, statusName, statusSuccess } from './smb-status.ts';

/** What a request said that its answer's event tells. */
export type Pending = {
  command: string;
  share?: string;
  name?: string;
  pipe?: boolean;
  write?: boolean;
  login?: Login | { auth: 'cleartext' | 'other'; user?: string; domain?: string; workstation?: string };
};

export type SmbFlow = {
  pending: Map<number, Pending>;
  /** Logins answered with STATUS_MORE_PROCESSING_REQUIRED, by session (SMB1 UID, SMB2 SessionId): the next leg's. */
  legs: Map<number, Pending>;
  trees: Map<number, string>;
  /** The interface each pipe was bound to (by file id), for its requests' operations. */
  pipes: Map<string, string>;
  told: Set<string>;
  /** The RPC operations already told (`samr 13`). */
  calls: Set<string>;
  smb1Dialects: string[];
  /** The SMB1 server's NEGOTIATE answer asked for challenge responses, not passwords (SecurityMode bit 1); unknown before it. */
  smb1Challenge?: boolean;
  /** The SMB the conversation speaks, once its messages show it. */
  version?: 1 | 2;
  /** NetBIOS session events told before the version was known, waiting for it (at most `maxHeld`). */
  held: SmbEvent[];
};

const maxPending = 128;
const maxLegs = 16;
const maxTrees = 64;
const maxTold = 64;
const maxPipes = 64;
const maxCalls = 128;
const maxHeld = 4;
export const maxNameChars = 512;

export const createSmbFlow = (): SmbFlow => ({
  pending: new Map(),
  legs: new Map(),
  trees: new Map(),
  pipes: new Map(),
  told: new Set(),
  calls: new Set(),
  smb1Dialects: [],
  held: [],
});

const bounded = <K, V>(map: Map<K, V>, max: number, key: K, value: V): void => {
  if (!map.has(key) && map.size >= max) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
  map.set(key, value);
};

export const remember = (flow: SmbFlow, key: number, pending: Pending): void =>
  bounded(flow.pending, maxPending, key, pending);

export const grantTree = (flow: SmbFlow, key: number, share: string): void =>
  bounded(flow.trees, maxTrees, key, share);

/** A login's answer asked for another leg (STATUS_MORE_PROCESSING_REQUIRED): its next request on the session is it. */
export const continueLogin = (flow: SmbFlow, session: number, pending: Pending): void => {
  if (pending.login !== undefined) bounded(flow.legs, maxLegs, session, pending);
};

/** The login a session's next leg carries on (a Kerberos mechListMIC names no one), if one is in progress. */
export const resumeLogin = (flow: SmbFlow, session: number): Pending | undefined => {
  const pending = flow.legs.get(session);
  if (pending !== undefined) flow.legs.delete(session);
  return pending;
};

/** Takes the request an answer is for, if it was remembered. */
export const answered = (flow: SmbFlow, key: number): Pending | undefined => {
  const pending = flow.pending.get(key);
  if (pending !== undefined) flow.pending.delete(key);
  return pending;
};

/** `\\host\IPC$` (any case): the tree whose opens are named pipes. */
export const isIpcShare = (share: string | undefined): boolean =>
  share !== undefined && share.length >= 4 && share.slice(-4).toUpperCase() === 'IPC$';

/** The events one message tells, its capture time and direction. */
export type SmbOut = { events: ProtocolEvent[]; ts: number; direction: Direction };

export const tell = (out: SmbOut, version: 1 | 2, command: string, fields: Partial<SmbEvent> = {}): void => {
  out.events.push({
    kind: 'smb',
    ts: out.ts,
    direction: out.direction,
    version,
    command,
    ...fields,
  } as SmbEvent);
};

/**
 * A NetBIOS session packet's event (RFC 1002 §4.3), which comes before any SMB message: told with the flow's version
 * when known, else held until `settleVersion` knows it. A negative answer ends the session: it and what was held are
 * told at once, with no version.
 */
export const tellSession = (out: SmbOut, flow: SmbFlow, fields: Partial<SmbEvent>, last = false): void => {
  const event = {
    kind: 'smb',
    ts: out.ts,
    direction: out.direction,
    command: 'netbios-session',
    ...fields,
  } as SmbEvent;
  if (flow.version !== undefined) event.version = flow.version;
  if (flow.version === undefined && !last) {
    if (flow.held.length < maxHeld) flow.held.push(event);
    return;
  }
  out.events.push(...releaseHeld(flow), event);
};

/** The held NetBIOS session events, with the version when known; none are held after. */
export const releaseHeld = (flow: SmbFlow): SmbEvent[] => {
  const held = flow.held;
  flow.held = [];
  return flow.version === undefined ? held : held.map((e) => ({ ...e, version: flow.version }) as SmbEvent);
};

/** SMB1 NEGOTIATE dialects that ask a server for SMB 2 or later (MS-SMB2 §3.3.5.3.1). */
const smb2Offers = new Set(['SMB 2.002', 'SMB 2.???']);

/**
 * Settles the flow's version from an SMB message just read (its magic's version): SMB 2 and 3 at once; SMB1 from the
 * server, or from a client that offered no SMB 2 dialect (one that did may still be answered in SMB2, MS-SMB2
 * §3.3.5.3.1). The NetBIOS session events held for it go first in `out`.
 */
export const settleVersion = (flow: SmbFlow, out: SmbOut, version: 1 | 2): void => {
  if (flow.version !== undefined) return;
  const offered = flow.smb1Dialects.some((d) => smb2Offers.has(d));
  if (version === 1 && out.direction === 'to-server' && offered) return;
  flow.version = version;
  out.events.unshift(...releaseHeld(flow));
};

/**
 * Data written to a pipe (`file`: its file id): a DCE/RPC bind, told with its interface and remembered for the
 * pipe; a request on a bound pipe, told with its operation the first time the flow calls it (a SID brute force calls
 * one operation thousands of times); anything else as the command, once.
 */
export const tellPipeData = (
  out: SmbOut,
  flow: SmbFlow,
  version: 1 | 2,
  command: string,
  data: { file: string; rpc?: string | undefined; opnum?: number | undefined },
): void => {
  if (data.rpc !== undefined) {
    bounded(flow.pipes, maxPipes, data.file, data.rpc);
    tell(out, version, command, { rpc: data.rpc });
    return;
  }
  const rpc = flow.pipes.get(data.file);
  if (rpc === undefined || data.opnum === undefined) {
    tellFirst(out, flow, version, command);
    return;
  }
  const key = `${rpc} ${data.opnum}`;
  // Told once each while the memory has room; once it is full, every new call is told (ADR 29): never silence.
  if (flow.calls.has(key)) return;
  if (flow.calls.size < maxCalls) flow.calls.add(key);
  tell(out, version, command, { rpc, opnum: data.opnum, call: operationName(rpc, data.opnum) });
};

/** Tells a command the flow has not used before (for the summary), and nothing more for it. */
export const tellFirst = (out: SmbOut, flow: SmbFlow, version: 1 | 2, command: string): void => {
  if (flow.told.has(command)) return;
  if (flow.told.size < maxTold) flow.told.add(command);
  tell(out, version, command);
};

/** A request's facts and the answer's status as one event; a Kerberos error the answer carried, named. */
export const tellAnswer = (
  out: SmbOut,
  version: 1 | 2,
  pending: Pending,
  status: number,
  answer?: KerberosAnswer,
): void => {
  const { command, login, ...fields } = pending;
  const event: Partial<SmbEvent> = { ...fields, status: statusName(status), ok: status === statusSuccess };
  if (login !== undefined) Object.assign(event, login);
  if (answer !== undefined && 'error' in answer) event.krbError = kerberosErrorName(answer.error);
  tell(out, version, command, event);
};

/**
 * A login's outcome for db-auth-brute-force: success, or a refusal of the credentials (STATUS_LOGON_FAILURE,
 * STATUS_ACCOUNT_*). Anonymous logins guess no password; other failures (an unsupported mechanism) are not told.
 * A named user let in only as guest did not have their password accepted. A Kerberos login the server answered with
 * a KRB-ERROR (a clock skew, a ticket it cannot read) is not told either: its password was proven to the KDC, never
 * to the file server, so no error here says anything about it.
 */
export const tellLogin = (
  out: SmbOut,
  pending: Pending,
  status: number,
  guest: boolean,
  answer?: KerberosAnswer,
): void => {
  const login = pending.login;
  if (login === undefined || login.auth === 'anonymous') return;
  if (status !== statusSuccess && !refusesLogin(status)) return;
  if (answer !== undefined && 'error' in answer) return;
  const event: DbAuthEvent = {
    kind: 'db-auth',
    ts: out.ts,
    direction: out.direction,
    dialect: 'smb',
    ok: status === statusSuccess && !(guest && login.user !== undefined),
    method: login.auth === 'cleartext' ? 'cleartext' : 'other',
    message: guest && status === statusSuccess ? 'logged in as guest' : statusName(status),
  };
  if (login.user !== undefined)
    event.user = login.domain === undefined ? login.user : `${login.domain}\\${login.user}`;
  out.events.push(event);
};
