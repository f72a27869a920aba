/**
 * SMB1 messages (MS-CIFS §2.2.3.1 header, §2.2.4 commands): NEGOTIATE's dialect strings and the server's choice,
 * SESSION_SETUP_ANDX (an NTLMSSP or Kerberos blob with extended security, or the account in the clear),
 * TREE_CONNECT_ANDX paths, NT_CREATE_ANDX names and DCE/RPC binds written to pipes, following AndX chains
 * (§2.2.3.4). Strings are UTF-16LE, aligned to two octets from the header, when Flags2 says Unicode; OEM otherwise.
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
  type Pending,
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
import { statusMoreProcessing } from './smb-status.ts';
import { indexOfNul, latin1, u16le, u32le, utf16le } from './wire-bytes.ts';

const commandNames: Readonly<Record<number, string>> = {
  4: 'close',
  36: 'locking-andx',
  37: 'trans',
  43: 'echo',
  46: 'read-andx',
  47: 'write-andx',
  50: 'trans2',
  113: 'tree-disconnect',
  114: 'negotiate',
  115: 'session-setup',
  116: 'logoff-andx',
  117: 'tree-connect',
  160: 'nt-trans',
  162: 'create',
  164: 'nt-cancel',
};
const andxCommands = new Set([0x2e, 0x2f, 0x73, 0x74, 0x75, 0xa2, 0x24]);
const maxChained = 4;
const maxDialects = 16;
const unicodeFlag = 0x8000;
const ntStatusFlag = 0x4000;
const replyFlag = 0x80;
const writeAccess = 0x2 | 0x4 | 0x10000000 | 0x40000000;

type Header = { unicode: boolean; status: number; key: number; tid: number; uid: number };
/** One command of a chain: its command, words and bytes (offsets from the header). */
type Block = { command: number; words: number; wordCount: number; bytes: number; byteEnd: number };

/** A DOS error (class, code) as the NT status it stands for: ERRSRV/ERRbadpw is a refused login. */
const dosStatus = (m: Uint8Array): number => {
  if (m[5] === 0) return 0;
  return m[5] === 2 && u16le(m, 7) === 2 ? 0xc000006d : 0xc0000001;
};

const readHeader = (m: Uint8Array): Header | undefined => {
  if (m.length < 35 || u32le(m, 0) !== 0x424d53ff) return undefined;
  const flags2 = u16le(m, 10);
  return {
    unicode: (flags2 & unicodeFlag) !== 0,
    status: (flags2 & ntStatusFlag) !== 0 ? u32le(m, 5) : dosStatus(m),
    // MID and PID identify a request's answer (§3.2.4.1.1 and §3.3.5.2).
    key: -1 - (u16le(m, 30) + u16le(m, 26) * 0x10000) * 256,
    tid: u16le(m, 24),
    uid: u16le(m, 28),
  };
};

const blockAt = (m: Uint8Array, command: number, at: number): Block | undefined => {
  const wordCount = m[at];
  if (wordCount === undefined) return undefined;
  const words = at + 1;
  const bytes = words + 2 * wordCount + 2;
  if (bytes > m.length) return undefined;
  return { command, words, wordCount, bytes, byteEnd: Math.min(bytes + u16le(m, bytes - 2), m.length) };
};

/** A NUL-terminated string at `at` (after its alignment pad when Unicode): its text and the offset after it. */
const stringAt = (m: Uint8Array, at: number, end: number, unicode: boolean): [string, number] => {
  if (!unicode) {
    const nul = indexOfNul(m, at, end);
    const stop = nul < 0 ? end : nul;
    return [latin1(m, at, Math.min(stop, at + maxNameChars)), stop + 1];
  }
  let i = at % 2 === 1 ? at + 1 : at;
  const start = i;
  while (i + 1 < end && (m[i] !== 0 || m[i + 1] !== 0)) i += 2;
  return [utf16le(m, start, Math.min(i - start, 2 * maxNameChars)), i + 2];
};

const negotiateRequest = (m: Uint8Array, b: Block, flow: SmbFlow, out: SmbOut): void => {
  const dialects: string[] = [];
  let at = b.bytes;
  // Each dialect: buffer format 0x02, then an OEM string (§2.2.4.52.1).
  while (at < b.byteEnd && m[at] === 0x02 && dialects.length < maxDialects) {
    const [dialect, next] = stringAt(m, at + 1, b.byteEnd, false);
    dialects.push(dialect.slice(0, 64));
    at = next;
  }
  flow.smb1Dialects = dialects;
  tell(out, 1, 'negotiate', { dialects });
};

/**
 * SESSION_SETUP_ANDX: 12 words with extended security (a blob: a login, or the next leg of the session's login in
 * progress), 13 (NT LM 0.12) or 10 (LANMAN) with the account.
 */
const sessionSetup = (m: Uint8Array, b: Block, h: Header, flow: SmbFlow): Pending | undefined => {
  if (b.wordCount === 12) {
    const login = readLogin(m, b.bytes, b.bytes + u16le(m, b.words + 14));
    return login === undefined ? resumeLogin(flow, h.uid) : { command: 'session-setup', login };
  }
  if (b.wordCount !== 13 && b.wordCount !== 10) return undefined;
  const oem = u16le(m, b.words + 14);
  const wide = b.wordCount === 13 ? u16le(m, b.words + 16) : 0;
  const [user, next] = stringAt(m, b.bytes + oem + wide, b.byteEnd, h.unicode);
  const [domain] = stringAt(m, next, b.byteEnd, h.unicode);
  // Challenge responses when the server asked for them (an NTLMv2 response is longer than 24 octets, and its LMv2 may
  // be empty); without its answer, 24-octet LM/NTLM responses. Anything else was typed in the clear (never kept).
  const challenge = flow.smb1Challenge ?? (oem === 24 || wide === 24);
  const auth = user === '' ? 'anonymous' : challenge ? 'other' : 'cleartext';
  const login = { auth, ...(user === '' ? {} : { user }), ...(domain === '' ? {} : { domain }) } as const;
  return { command: 'session-setup', login };
};

const treeConnect = (m: Uint8Array, b: Block, h: Header): Pending => {
  const [share] = stringAt(m, b.bytes + u16le(m, b.words + 6), b.byteEnd, h.unicode);
  return { command: 'tree-connect', share };
};

const ntCreate = (m: Uint8Array, b: Block, h: Header, flow: SmbFlow): Pending => {
  const [name] = stringAt(m, b.bytes, b.byteEnd, h.unicode);
  const write = (u32le(m, b.words + 15) & writeAccess) !== 0 || u32le(m, b.words + 35) !== 1;
  const share = flow.trees.get(h.tid);
  const pending: Pending = { command: 'create', name, write };
  return share === undefined ? pending : { ...pending, share, pipe: isIpcShare(share) };
};

/**
 * Data written to a pipe: WRITE_ANDX (§2.2.4.43.1: the FID at word 2, DataLength and DataOffset at words 10 and 11)
 * or a TRANSACTION such as TransactNmPipe (§2.2.4.33.1: DataCount and DataOffset at words 11 and 12, the FID in its
 * second setup word, word 15); a DCE/RPC bind or request when it is one.
 */
const pipeData = (m: Uint8Array, b: Block, flow: SmbFlow, out: SmbOut): void => {
  const [fileAt, lengthAt, offsetAt] = b.command === 0x2f ? [4, 20, 22] : [30, 22, 24];
  const offset = u16le(m, b.words + offsetAt);
  const readable = b.wordCount * 2 >= offsetAt + 2 && offset >= 32;
  const end = Math.min(offset + u16le(m, b.words + lengthAt), m.length);
  const rpc = readable ? bindInterface(m, offset, end) : undefined;
  const opnum = readable && rpc === undefined ? requestOpnum(m, offset, end) : undefined;
  const file = b.wordCount * 2 >= fileAt + 2 ? String(u16le(m, b.words + fileAt)) : '';
  tellPipeData(out, flow, 1, commandNames[b.command] ?? 'unknown', { file, rpc, opnum });
};

const request = (m: Uint8Array, b: Block, h: Header, flow: SmbFlow, out: SmbOut): void => {
  let pending: Pending | undefined;
  if (b.command === 0x72) negotiateRequest(m, b, flow, out);
  else if (b.command === 0x2f || b.command === 0x25) pipeData(m, b, flow, out);
  else if (b.command === 0x73) pending = sessionSetup(m, b, h, flow);
  else if (b.command === 0x75) pending = treeConnect(m, b, h);
  else if (b.command === 0xa2) pending = ntCreate(m, b, h, flow);
  else tellFirst(out, flow, 1, commandNames[b.command] ?? `0x${b.command.toString(16)}`);
  if (pending !== undefined) remember(flow, h.key - b.command, pending);
};

const response = (m: Uint8Array, b: Block, h: Header, flow: SmbFlow, out: SmbOut): void => {
  if (b.command === 0x72) {
    const dialect = b.wordCount >= 1 ? flow.smb1Dialects[u16le(m, b.words)] : undefined;
    // SecurityMode's NEGOTIATE_ENCRYPT_PASSWORDS (§2.2.4.52.2), in NT LM 0.12's 17 words and LANMAN's 13.
    if (h.status === 0 && b.wordCount >= 13) flow.smb1Challenge = ((m[b.words + 2] as number) & 0x2) !== 0;
    tell(out, 1, 'negotiate', { ok: h.status === 0, ...(dialect === undefined ? {} : { dialect }) });
    return;
  }
  const pending = answered(flow, h.key - b.command);
  if (pending === undefined) return;
  if (b.command === 0x73) {
    sessionSetupAnswer(m, b, h, { flow, out, pending });
    return;
  }
  if (b.command === 0x75 && h.status === 0 && pending.share !== undefined)
    grantTree(flow, h.tid, pending.share);
  tellAnswer(out, 1, pending, h.status);
};

/**
 * A SESSION_SETUP_ANDX answer: another leg asked for (the login carries on under the UID the server gave), or the
 * login's outcome, with the Kerberos AP-REP or KRB-ERROR in the server's blob (MS-SMB §2.2.4.6.2: 4 words, the blob's
 * length the fourth) read for it.
 */
const sessionSetupAnswer = (
  m: Uint8Array,
  b: Block,
  h: Header,
  { flow, out, pending }: { flow: SmbFlow; out: SmbOut; pending: Pending },
): void => {
  if (h.status === statusMoreProcessing) {
    continueLogin(flow, h.uid, pending);
    return;
  }
  const answer =
    b.wordCount === 4 ? readKerberosAnswer(m, b.bytes, b.bytes + u16le(m, b.words + 6)) : undefined;
  tellAnswer(out, 1, pending, h.status, answer);
  // Action bit 0: logged in as guest (§2.2.4.53.2).
  tellLogin(out, pending, h.status, b.wordCount >= 3 && (u16le(m, b.words + 4) & 1) !== 0, answer);
};

/** One SMB1 message: its command and the AndX commands chained after it. */
export const readSmb1 = (m: Uint8Array, flow: SmbFlow, out: SmbOut): void => {
  const h = readHeader(m);
  if (h === undefined) return;
  const reply = ((m[9] ?? 0) & replyFlag) !== 0;
  if (reply !== (out.direction === 'to-client')) return;
  let command = m[4] as number;
  let at = 32;
  for (let i = 0; i < maxChained; i++) {
    const b = blockAt(m, command, at);
    if (b === undefined) return;
    // An error answer may carry no words (§2.2.3.1): its status still answers the request.
    if (reply) response(m, b, h, flow, out);
    else request(m, b, h, flow, out);
    if (!andxCommands.has(command) || b.wordCount < 2) return;
    const next = m[b.words] as number;
    const offset = u16le(m, b.words + 2);
    if (next === 0xff || offset <= at || offset >= m.length) return;
    command = next;
    at = offset;
  }
};
