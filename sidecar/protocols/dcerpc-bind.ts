/**
 * A DCE/RPC bind on a named pipe (C706 §12.6.4.3, MS-RPCE §2.2.2): the interface the client asks for, named when it
 * is one of the remote-administration or enumeration interfaces (the pipes' MS-SCMR, MS-TSCH, MS-RRP, MS-SAMR, MS-LSAD,
 * MS-SRVS, MS-NRPC, MS-WKST).
 */
import { dcerpcLittleEndian } from './dcerpc-byte-order.ts';
import { u16be, u16le, u32be, u32le } from './wire-bytes.ts';

const interfaces: ReadonlyMap<string, string> = new Map([
  ['367abb81-9844-35f1-ad32-98f038001003', 'svcctl'],
  ['1ff70682-0a51-30e8-076d-740be8cee98b', 'atsvc'],
  ['86d35949-83c9-4044-b424-db363231fd0c', 'ITaskSchedulerService'],
  ['338cd001-2244-31f1-aaaa-900038001003', 'winreg'],
  ['12345778-1234-abcd-ef00-0123456789ac', 'samr'],
  ['12345778-1234-abcd-ef00-0123456789ab', 'lsarpc'],
  ['4b324fc8-1670-01d3-1278-5a47bf6ee188', 'srvsvc'],
  ['12345678-1234-abcd-ef00-01234567cffb', 'netlogon'],
  ['6bffd098-a112-3610-9833-46c3f87e345a', 'wkssvc'],
  ['e1af8308-5d1f-11c9-91a4-08002b14a0fa', 'epmapper'],
  ['e3514235-4b06-11d1-ab04-00c04fc2dcd2', 'drsuapi'],
]);

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** Presentation contexts looked at in one bind: clients offer one to three. */
const maxContexts = 8;

/** The UUID at `at` (C706 Appendix A: its first three fields are integers, in the PDU's byte order). */
const uuidAt = (b: Uint8Array, at: number, little: boolean): string => {
  const tail = Array.from(b.subarray(at + 8, at + 16), (x) => hex(x, 2)).join('');
  const [u16, u32] = little ? [u16le, u32le] : [u16be, u32be];
  return `${hex(u32(b, at), 8)}-${hex(u16(b, at + 4), 4)}-${hex(u16(b, at + 6), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
};

/**
 * The interface a bind (or alter-context) PDU at `b[at, end)` asks for: the first named one among its presentation
 * contexts (C706 §12.6.3.1 p_cont_list_t: a benign interface may come first), else the first one's UUID; undefined
 * when it is no bind.
 */
export const bindInterface = (b: Uint8Array, at: number, end: number): string | undefined => {
  // Version 5.0, PTYPE bind (11) or alter_context (14), at least one presentation context.
  if (end > b.length || at + 52 > end || b[at] !== 5 || b[at + 1] !== 0) return undefined;
  if ((b[at + 2] !== 11 && b[at + 2] !== 14) || b[at + 24] === 0) return undefined;
  const little = dcerpcLittleEndian(b, at);
  const count = Math.min(b[at + 24] as number, maxContexts);
  let first: string | undefined;
  // Each p_cont_elem_t: context id (2), n_transfer_syn (1), reserved (1), abstract syntax (20), transfer syntaxes (20 each).
  for (let i = 0, context = at + 28; i < count && context + 24 <= end; i++) {
    const uuid = uuidAt(b, context + 4, little);
    const name = interfaces.get(uuid);
    if (name !== undefined) return name;
    first ??= uuid;
    context += 24 + 20 * (b[context + 2] as number);
  }
  return first;
};
