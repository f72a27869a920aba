/** HTTP/1.1 chunked transfer coding (RFC 9112 §7.1): an incremental decoder over buffered bytes. */
import { latin1 } from './wire-bytes.ts';

export type ChunkedState = { phase: 'size' | 'data' | 'data-end' | 'trailers' | 'done'; remaining: number };

export type ChunkedStep = { consumed: number; data: Uint8Array[]; malformed: boolean };

const maxSizeLine = 1024;

const lineEnd = (bytes: Uint8Array, from: number): number => {
  const at = bytes.indexOf(0x0a, from);
  return at < 0 ? -1 : at;
};

/** §7.1: chunk-size is hex, optionally followed by chunk extensions after ';'. */
const parseSize = (line: string): number | undefined => {
  const hex = (line.split(';')[0] ?? '').trim();
  if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) return undefined;
  return Number.parseInt(hex, 16);
};

/** A line in the size, data-end or trailers phase; false when malformed. */
const onLine = (state: ChunkedState, line: string): boolean => {
  if (state.phase === 'data-end') {
    state.phase = 'size';
    return line === '';
  }
  if (state.phase === 'trailers') {
    if (line === '') state.phase = 'done';
    return true;
  }
  const size = parseSize(line);
  if (size === undefined) return false;
  state.phase = size === 0 ? 'trailers' : 'data';
  state.remaining = size;
  return true;
};

/** One phase step; returns the new offset, or -1 when more bytes are needed, or -2 when malformed. */
const step = (state: ChunkedState, bytes: Uint8Array, at: number, data: Uint8Array[]): number => {
  if (state.phase === 'data') {
    const take = Math.min(state.remaining, bytes.length - at);
    if (take === 0) return -1;
    data.push(bytes.subarray(at, at + take));
    state.remaining -= take;
    if (state.remaining === 0) state.phase = 'data-end';
    return at + take;
  }
  const end = lineEnd(bytes, at);
  if (end < 0) return bytes.length - at > maxSizeLine ? -2 : -1;
  return onLine(state, latin1(bytes, at, end).replace(/\r$/, '')) ? end + 1 : -2;
};

/** Decodes as far as the buffered bytes allow; `data` are views into `bytes`. */
export const decodeChunked = (state: ChunkedState, bytes: Uint8Array): ChunkedStep => {
  const data: Uint8Array[] = [];
  let at = 0;
  while (state.phase !== 'done') {
    const next = step(state, bytes, at, data);
    if (next === -2) return { consumed: at, data, malformed: true };
    if (next === -1) break;
    at = next;
  }
  return { consumed: at, data, malformed: false };
};
