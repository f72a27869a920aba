/**
 * The start of a TDS token stream (MS-TDS 2.2.7): the tokens a login answer or a failed batch opens with, each
 * length-prefixed or of fixed size. A walk stops at the first token it cannot size (column metadata, rows).
 */
import { u16le, u32le, utf16le } from './wire-bytes.ts';

export type TdsTokenFacts = {
  /** LOGINACK: the login succeeded. */
  loginAck: boolean;
  /** ERROR tokens: number and message text. */
  errors: { number: number; message: string }[];
};

/** ERROR (0xAA): USHORT length, LONG number, BYTE state, BYTE class, US_VARCHAR message, … */
const errorAt = (b: Uint8Array, at: number): { number: number; message: string } => ({
  number: u32le(b, at + 3) | 0,
  message: utf16le(b, at + 11, u16le(b, at + 9) * 2),
});

/** Tokens with a USHORT length after them: ERROR, INFO, LOGINACK, ENVCHANGE, ORDER, TABNAME, COLINFO, SSPI. */
const ushortLength = new Set([0xaa, 0xab, 0xad, 0xe3, 0xa9, 0xa4, 0xa5, 0xed]);
/** Fixed sizes after the token: RETURNSTATUS, DONE, DONEPROC, DONEINPROC (TDS 7.2+). */
const fixedLength = new Map([
  [0x79, 4],
  [0xfd, 12],
  [0xfe, 12],
  [0xff, 12],
]);
const maxTokens = 64;
const maxErrors = 8;

/** FEATUREEXTACK (0xAE): (feature id, DWORD length, data)… then 0xFF. The offset after it, or -1. */
const featureAckEnd = (b: Uint8Array, from: number): number => {
  let at = from;
  for (let feature = 0; feature < 32 && at < b.length; feature++) {
    if (b[at] === 0xff) return at + 1;
    at += 5 + u32le(b, at + 1);
  }
  return -1;
};

/** Notes what the token at `at` says and returns where the next one starts, or -1 when it cannot be sized. */
const step = (b: Uint8Array, at: number, facts: TdsTokenFacts): number => {
  const token = b[at] as number;
  if (ushortLength.has(token)) {
    if (at + 3 > b.length) return -1;
    if (token === 0xad) facts.loginAck = true;
    if (token === 0xaa && facts.errors.length < maxErrors) facts.errors.push(errorAt(b, at));
    return at + 3 + u16le(b, at + 1);
  }
  const fixed = fixedLength.get(token);
  if (fixed !== undefined) return at + 1 + fixed;
  return token === 0xae ? featureAckEnd(b, at + 1) : -1;
};

export const walkTokens = (b: Uint8Array): TdsTokenFacts => {
  const facts: TdsTokenFacts = { loginAck: false, errors: [] };
  let at = 0;
  for (let count = 0; count < maxTokens && at >= 0 && at < b.length; count++) at = step(b, at, facts);
  return facts;
};
