/**
 * AJP13's SEND_HEADERS (prefix 4; ajpv13a "Response Packet Structure"): the status, its message, and the headers
 * (common names as 0xA0xx codes, others as strings), which end the packet.
 */
import type { Header } from '../events.ts';
import { ajpResponseHeaders } from './ajp-names.ts';
import { AjpReader } from './ajp-reader.ts';

export type AjpSendHeaders = { status: number; message: string; headers: Header[] };

/** A SEND_HEADERS payload (its prefix code first): `short` when cut, `bad` when not one. */
export const readSendHeaders = (payload: Uint8Array): AjpSendHeaders | 'short' | 'bad' => {
  const r = new AjpReader(payload);
  r.byte();
  const status = r.int();
  if (r.ok && (status < 100 || status > 999)) return 'bad';
  const message = r.string() ?? '';
  const count = r.int();
  const headers: Header[] = [];
  for (let i = 0; i < count && r.ok; i++) {
    const name = r.headerName(ajpResponseHeaders);
    headers.push([name, r.string() ?? '']);
  }
  if (r.ok && r.left !== 0) return 'bad';
  if (!r.ok) return r.bad ? 'bad' : 'short';
  return { status, message, headers };
};
