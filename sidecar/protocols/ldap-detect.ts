/** LDAP detection: an LDAPMessage SEQUENCE whose messageID, protocolOp tag and lengths are all consistent. */
import type { Direction } from '../events.ts';
import { berInteger, readTlv, type Tlv } from './ldap-ber.ts';
import { ldapRequests, ldapResponses } from './ldap-ops.ts';
import type { Detection } from './protocol.ts';

export type LdapMessage = { id: number; op: Tlv; end: number };

const maxMessage = 16 * 1024 * 1024;

/** Reads SEQUENCE { messageID INTEGER, protocolOp } (RFC 4511 §4.1.1); `need-more` while a header is cut. */
export const ldapMessage = (
  b: Uint8Array,
  ops: Record<number, string>,
): LdapMessage | 'need-more' | 'bad' => {
  const seq = readTlv(b, 0);
  if (typeof seq === 'string') return seq;
  if (seq.tag !== 0x30 || seq.end - seq.contentStart < 5 || seq.end > maxMessage) return 'bad';
  const id = readTlv(b, seq.contentStart);
  if (typeof id === 'string') return id;
  if (id.tag !== 0x02 || id.end - id.contentStart > 4 || id.end > seq.end) return 'bad';
  if (b.length < id.end) return 'need-more';
  const messageId = berInteger(b, id);
  const op = readTlv(b, id.end);
  if (typeof op === 'string') return messageId < 0 ? 'bad' : op;
  if (messageId < 0 || ops[op.tag] === undefined || op.end > seq.end) return 'bad';
  return { id: messageId, op, end: seq.end };
};

/** After the op, only Controls ([0] constructed, tag 0xA0) may follow, ending exactly with the message. */
const tailConsistent = (b: Uint8Array, m: LdapMessage): boolean => {
  if (m.op.end === m.end) return true;
  const controls = readTlv(b, m.op.end);
  return typeof controls === 'object' && controls.tag === 0xa0 && controls.end === m.end;
};

/** BindRequest starts with version INTEGER 3 (or 2). */
const opConsistent = (b: Uint8Array, m: LdapMessage): boolean => {
  if (m.op.tag === 0x42) return m.op.end === m.op.contentStart; // UnbindRequest is NULL
  if (m.op.tag !== 0x60) return true;
  return (
    b[m.op.contentStart] === 0x02 &&
    b[m.op.contentStart + 1] === 0x01 &&
    [2, 3].includes(b[m.op.contentStart + 2] ?? 0)
  );
};

/** A whole message must be consistent to its end; one longer than a detection window is judged by its head. */
const judge = (b: Uint8Array, m: LdapMessage): Detection => {
  if (b.length >= m.end) return opConsistent(b, m) && tailConsistent(b, m) ? 'match' : 'no-match';
  if (m.end <= 4096) return 'need-more';
  return opConsistent(b, m) ? 'match' : 'no-match';
};

export const detectLdap = (b: Uint8Array, direction: Direction): Detection => {
  if (b.length === 0) return 'need-more';
  if (b[0] !== 0x30) return 'no-match';
  const m = ldapMessage(b, direction === 'to-server' ? ldapRequests : ldapResponses);
  if (m === 'need-more') return b.length < 16 ? 'need-more' : 'no-match';
  if (m === 'bad' || (direction === 'to-server' && m.id === 0)) return 'no-match';
  return judge(b, m);
};
