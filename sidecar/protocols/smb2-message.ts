/**
 * SMB 2 and 3 messages (MS-SMB2): the 64-octet header (§2.2.1), compounded messages followed by NextCommand
 * (§3.2.4.1.4), and the bodies worth telling: NEGOTIATE (§2.2.3, §2.2.4), SESSION_SETUP (§2.2.5, §2.2.6),
 * TREE_CONNECT (§2.2.9, §2.2.10), CREATE (§2.2.13), a DCE/RPC bind written to a pipe (WRITE §2.2.21, IOCTL
 * FSCTL_PIPE_TRANSCEIVE §2.2.31). Requests are remembered by MessageId and told with their answer's status.
 */
import { bindInterface } from './dcerpc-bind.ts';
import { requestOpnum } from './dcerpc-request.ts';
import { readKerberosAnswer } from './kerberos-answer.ts';
import { readLogin } from './ntlmssp.ts';
import {
  answered,
  continueLogin,
  grantTree,
  isIpcShare,
  maxNameChars,
  remember,
  resumeLogin,
  type SmbFlow,
  type SmbOut,
  tell,
  tellAnswer,
  tellFirst,
  tellLogin,
  tellPipeData,
} from './smb-flow.ts';
import { statusMoreProcessing, statusPending } from './smb-status.ts';
import { u16le, u32le, utf16le } from './wire-bytes.ts';

const commandNames = [
  'negotiate',
  'session-setup',
  'logoff',
  'tree-connect',
  'tree-disconnect',
  'create',
  'close',
  'flush',
  'read',
  'write',
  'lock',
  'ioctl',
  'cancel',
  'echo',
  'query-directory',
  'change-notify',
  'query-info',
  'set-info',
  'oplock-break',
] as const;

const dialectNames: Readonly<Record<number, string>> = {
  514: '2.0.2',
  528: '2.1',
  767: '2.???',
  768: '3.0',
  770: '3.0.2',
  785: '3.1.1',
};
const dialectName = (code: number): string => dialectNames[code] ?? `0x${code.toString(16).padStart(4, '0')}`;

const headerSize = 64;
const maxCompounded = 32;
const maxDialects = 16;
const pipeTransceive = 0x0011c017;
const flagAsync = 0x2;
const flagRelated = 0x4;
/** FILE_WRITE_DATA, FILE_APPEND_DATA, GENERIC_ALL, GENERIC_WRITE (MS-SMB2 §2.2.13.1.1). */
const writeAccess = 0x2 | 0x4 | 0x10000000 | 0x40000000;
/** FILE_OPEN (1) only opens; every other disposition may create or overwrite. */
const fileOpen = 1;

type Header = {
  command: number;
  status: number;
  key: number;
  treeId: number;
  flags: number;
  session: number;
};

const readHeader = (m: Uint8Array): Header | undefined => {
  if (m.length < headerSize + 2 || u32le(m, 0) !== 0x424d53fe || u16le(m, 4) !== 64) return undefined;
  const flags = u32le(m, 16);
  return {
    command: u16le(m, 12),
    status: u32le(m, 8),
    key: u32le(m, 24) + (u32le(m, 28) & 0x1fffff) * 0x100000000,
    treeId: (flags & flagAsync) === 0 ? u32le(m, 36) : -1,
    flags,
    session: u32le(m, 40) + (u32le(m, 44) & 0x1fffff) * 0x100000000,
  };
};

/** A UTF-16LE name at an offset from the header, bounded. */
const name16 = (m: Uint8Array, offset: number, length: number): string =>
  offset < headerSize ? '' : utf16le(m, offset, Math.min(length, 2 * maxNameChars));

const negotiateRequest = (m: Uint8Array, out: SmbOut): void => {
  const count = Math.min(u16le(m, headerSize + 2), maxDialects);
  const dialects: string[] = [];
  for (let i = 0; i < count && headerSize + 36 + 2 * i + 2 <= m.length; i++)
    dialects.push(dialectName(u16le(m, headerSize + 36 + 2 * i)));
  tell(out, 2, 'negotiate', { dialects });
};

/** What a request handler reads: the message (from its header), its tree and the flow. */
type Request = { m: Uint8Array; h: Header; treeId: number; flow: SmbFlow; out: SmbOut };

/** The 16-octet FileId at `at`, as a map key. */
const fileId = (m: Uint8Array, at: number): string =>
  `${u32le(m, at)}.${u32le(m, at + 4)}.${u32le(m, at + 8)}.${u32le(m, at + 12)}`;

/** Data written to the file whose FileId is at `fileAt`: a DCE/RPC bind or request when it is one. */
const pipeData = (r: Request, command: string, fileAt: number, offset: number, length: number): void => {
  const { m, flow, out } = r;
  const end = Math.min(offset + length, m.length);
  const rpc = offset >= headerSize ? bindInterface(m, offset, end) : undefined;
  const opnum = offset >= headerSize && rpc === undefined ? requestOpnum(m, offset, end) : undefined;
  tellPipeData(out, flow, 2, command, { file: fileId(m, fileAt), rpc, opnum });
};

/** A login, or the next leg of the session's login in progress (a Kerberos mechListMIC names no one). */
const sessionSetup = ({ m, h, flow }: Request): void => {
  const offset = u16le(m, headerSize + 12);
  const login = readLogin(m, offset, offset + u16le(m, headerSize + 14));
  const pending = login === undefined ? resumeLogin(flow, h.session) : { command: 'session-setup', login };
  if (pending !== undefined) remember(flow, h.key, pending);
};

/**
 * A SESSION_SETUP answer (§2.2.6): another leg asked for (the login carries on under the SessionId the server gave),
 * or the login's outcome, with the Kerberos AP-REP or KRB-ERROR in the server's security buffer read for it.
 */
const sessionSetupAnswer = (m: Uint8Array, h: Header, flow: SmbFlow, out: SmbOut): void => {
  const pending = answered(flow, h.key);
  if (pending?.command !== 'session-setup') return;
  if (h.status === statusMoreProcessing) {
    continueLogin(flow, h.session, pending);
    return;
  }
  const offset = u16le(m, headerSize + 4);
  const answer =
    offset >= headerSize ? readKerberosAnswer(m, offset, offset + u16le(m, headerSize + 6)) : undefined;
  tellAnswer(out, 2, pending, h.status, answer);
  tellLogin(out, pending, h.status, (u16le(m, headerSize + 2) & 1) !== 0, answer);
};

const create = ({ m, h, treeId, flow }: Request): void => {
  const b = headerSize;
  const share = flow.trees.get(treeId);
  const write = (u32le(m, b + 24) & writeAccess) !== 0 || u32le(m, b + 36) !== fileOpen;
  const pending = { command: 'create', name: name16(m, u16le(m, b + 44), u16le(m, b + 46)), write };
  remember(flow, h.key, share === undefined ? pending : { ...pending, share, pipe: isIpcShare(share) });
};

const requests: Readonly<Record<number, (request: Request) => void>> = {
  0: ({ m, out }) => negotiateRequest(m, out),
  1: sessionSetup,
  3: ({ m, h, flow }) =>
    remember(flow, h.key, {
      command: 'tree-connect',
      share: name16(m, u16le(m, headerSize + 4), u16le(m, headerSize + 6)),
    }),
  5: create,
  // WRITE (§2.2.21): DataOffset, Length, then FileId at 16; IOCTL (§2.2.31): CtlCode, FileId at 8, InputOffset.
  9: (r) => pipeData(r, 'write', headerSize + 16, u16le(r.m, headerSize + 2), u32le(r.m, headerSize + 4)),
  11: (r) => {
    if (u32le(r.m, headerSize + 4) === pipeTransceive)
      pipeData(r, 'ioctl', headerSize + 8, u32le(r.m, headerSize + 24), u32le(r.m, headerSize + 28));
    else tellFirst(r.out, r.flow, 2, 'ioctl');
  },
};

/** Compounded related requests name the tree of the request before them (§3.2.4.1.4). */
type Chain = { treeId: number };

const request = (m: Uint8Array, h: Header, flow: SmbFlow, out: SmbOut, chain: Chain): void => {
  const treeId = (h.flags & flagRelated) !== 0 && h.treeId === 0xffffffff ? chain.treeId : h.treeId;
  chain.treeId = treeId;
  const handler = requests[h.command];
  if (handler === undefined) tellFirst(out, flow, 2, commandNames[h.command] ?? 'unknown');
  else handler({ m, h, treeId, flow, out });
};

const response = (m: Uint8Array, h: Header, flow: SmbFlow, out: SmbOut): void => {
  // An interim answer (§3.3.4.2): the real one follows with the same MessageId.
  if (h.status === statusPending && (h.flags & flagAsync) !== 0) return;
  if (h.command === 0) {
    tell(out, 2, 'negotiate', { dialect: dialectName(u16le(m, headerSize + 4)), ok: h.status === 0 });
    return;
  }
  if (h.command === 1) {
    sessionSetupAnswer(m, h, flow, out);
    return;
  }
  const pending = answered(flow, h.key);
  if (pending === undefined || pending.command !== commandNames[h.command]) return;
  if (h.command === 3 && h.status === 0 && pending.share !== undefined && h.treeId >= 0)
    grantTree(flow, h.treeId, pending.share);
  tellAnswer(out, 2, pending, h.status);
};

/** One session message of SMB2 headers: each compounded message in turn. */
export const readSmb2 = (message: Uint8Array, flow: SmbFlow, out: SmbOut): void => {
  const chain: Chain = { treeId: -1 };
  let at = 0;
  for (let i = 0; i < maxCompounded && at < message.length; i++) {
    const next = u32le(message, at + 20);
    const end = next === 0 ? message.length : at + next;
    // NextCommand moves forward, 8-aligned, within the message (§2.2.1.2); anything else ends the chain.
    if (next !== 0 && (next < headerSize || next % 8 !== 0 || end > message.length)) return;
    const m = message.subarray(at, end);
    const h = readHeader(m);
    if (h === undefined || h.command >= commandNames.length) return;
    if (out.direction === 'to-server') request(m, h, flow, out, chain);
    else response(m, h, flow, out);
    if (next === 0) return;
    at = end;
  }
};
