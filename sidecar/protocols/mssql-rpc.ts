/**
 * The statement of a TDS RPC request (MS-TDS 2.2.6.6): the procedure named by id or by name, and for the procedures
 * that carry SQL text (sp_executesql, sp_prepare, sp_prepexec) that text, from the parameters before it. Parameters
 * are a name (B_VARCHAR), status flags, TYPE_INFO and a value; only the types those procedures' leading parameters
 * use are read (INTN, NVARCHAR/NCHAR, VARCHAR/CHAR, as plain or PLP values); anything else ends the read.
 */
import { latin1, u16le, u32le, utf16le } from './wire-bytes.ts';

/** Procedure ids (2.2.6.6, ProcID). */
const procedures: Record<number, string> = {
  1: 'sp_cursor',
  2: 'sp_cursoropen',
  3: 'sp_cursorprepare',
  4: 'sp_cursorexecute',
  5: 'sp_cursorprepexec',
  6: 'sp_cursorunprepare',
  7: 'sp_cursorfetch',
  8: 'sp_cursoroption',
  9: 'sp_cursorclose',
  10: 'sp_executesql',
  11: 'sp_prepare',
  12: 'sp_execute',
  13: 'sp_prepexec',
  14: 'sp_prepexecrpc',
  15: 'sp_unprepare',
};
/** Which parameter (from 0) holds the statement. */
const statementParameter: Record<string, number> = { sp_executesql: 0, sp_prepare: 2, sp_prepexec: 2 };

export type RpcCall = { procedure: string; statement?: string };

type Value = { end: number; text?: string };

/** A PLP value (2.2.5.2.3): ULONGLONG length, then chunks of ULONG length, ending with a zero one. */
const plp = (b: Uint8Array, at: number, wide: boolean, max: number): Value => {
  if (u32le(b, at) === 0xffffffff && u32le(b, at + 4) === 0xffffffff) return { end: at + 8 };
  const parts: string[] = [];
  let offset = at + 8;
  let kept = 0;
  for (let chunk = 0; chunk < 4096; chunk++) {
    const length = u32le(b, offset);
    if (offset + 4 > b.length) return { end: -1, text: parts.join('') };
    offset += 4;
    if (length === 0) return { end: offset, text: parts.join('') };
    if (kept < max)
      parts.push(
        wide ? utf16le(b, offset, Math.min(length, max - kept)) : latin1(b, offset, offset + length),
      );
    kept += length;
    offset += length;
  }
  return { end: -1 };
};

/** One parameter's TYPE_INFO and value at `at`: where it ends, and its text for character types. */
const parameterValue = (b: Uint8Array, at: number, max: number): Value => {
  const type = b[at];
  if (type === 0x26) return { end: at + 3 + (b[at + 2] ?? 0) }; // INTN: max length, then length + value
  if (type === 0xe7 || type === 0xef || type === 0xa7 || type === 0xaf) {
    const wide = type === 0xe7 || type === 0xef;
    const declared = u16le(b, at + 1);
    const value = at + 8; // USHORT max length, 5-octet collation
    if (declared === 0xffff) return plp(b, value, wide, max);
    const length = u16le(b, value);
    if (length === 0xffff) return { end: value + 2 };
    const text = wide
      ? utf16le(b, value + 2, Math.min(length, max))
      : latin1(b, value + 2, value + 2 + Math.min(length, max));
    return { end: value + 2 + length, text };
  }
  return { end: -1 };
};

/** After ALL_HEADERS (2.2.5.3): a DWORD total length that covers itself and each header's own DWORD length. */
export const afterAllHeaders = (b: Uint8Array): number => {
  const total = u32le(b, 0);
  if (b.length < 8 || total < 8 || total > Math.min(b.length, 1024)) return 0;
  const first = u32le(b, 4);
  return first >= 6 && first <= total - 4 ? total : 0;
};

export const rpcCall = (b: Uint8Array, maxStatement: number): RpcCall | undefined => {
  let at = afterAllHeaders(b);
  const nameLength = u16le(b, at);
  let procedure: string;
  if (nameLength === 0xffff) {
    procedure = procedures[u16le(b, at + 2)] ?? `proc ${u16le(b, at + 2)}`;
    at += 4;
  } else {
    if (nameLength === 0 || nameLength > 128 || at + 2 + nameLength * 2 > b.length) return undefined;
    procedure = utf16le(b, at + 2, nameLength * 2);
    at += 2 + nameLength * 2;
  }
  at += 2; // OptionFlags
  const wanted = statementParameter[procedure.toLowerCase()];
  if (wanted === undefined) return { procedure };
  for (let parameter = 0; parameter <= wanted && at >= 0 && at < b.length; parameter++) {
    at += 1 + (b[at] ?? 0) * 2 + 1; // name (B_VARCHAR), status flags
    const value = parameterValue(b, at, maxStatement * 2);
    if (parameter === wanted)
      return value.text === undefined ? { procedure } : { procedure, statement: value.text };
    at = value.end;
  }
  return { procedure };
};
