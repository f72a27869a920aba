/**
 * A DCE/RPC bind on a named pipe (C706 §12.6.4.3, MS-RPCE §2.2.2): the interface the client asks for, named when it
 * is one of the remote-administration or enumeration interfaces (the pipes' MS-SCMR, MS-TSCH, MS-RRP, MS-SAMR, MS-LSAD,
 * MS-SRVS, MS-NRPC, MS-WKST).
 */
import { u16le, u32le } from './wire-bytes.ts';

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

/** The UUID at `at` in its wire order (the first three fields little-endian, C706 Appendix A). */
const uuidAt = (b: Uint8Array, at: number): string => {
  const tail = Array.from(b.subarray(at + 8, at + 16), (x) => hex(x, 2)).join('');
  return `${hex(u32le(b, at), 8)}-${hex(u16le(b, at + 4), 4)}-${hex(u16le(b, at + 6), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
};

/** The interface a bind (or alter-context) PDU at `b[at, end)` asks for: its name, or its UUID; else undefined. */
export const bindInterface = (b: Uint8Array, at: number, end: number): string | undefined => {
  // Version 5.0, PTYPE bind (11) or alter_context (14), at least one presentation context.
  if (end > b.length || at + 52 > end || b[at] !== 5 || b[at + 1] !== 0) return undefined;
  if ((b[at + 2] !== 11 && b[at + 2] !== 14) || b[at + 24] === 0) return undefined;
  const uuid = uuidAt(b, at + 32);
  return interfaces.get(uuid) ?? uuid;
};
