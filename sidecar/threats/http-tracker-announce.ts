/**
 * A BitTorrent HTTP tracker announce (BEP 3 "Trackers", BEP 23 compact answers): `GET /announce?info_hash=…&
 * peer_id=…&port=…&uploaded=…&downloaded=…&left=…&event=…`, the info hash and peer id as 20 percent-encoded octets.
 * Read only for paths that are an announce's (`/announce`, `/announce.php`, `/<passkey>/announce`), so other
 * requests cost a comparison or two.
 */
import type { HttpRequestEvent } from '../events.ts';
import { clientOfPeerId } from '../protocols/bittorrent-clients.ts';

export type Announce = {
  infoHash: string;
  client?: string;
  uploaded?: number;
  downloaded?: number;
  left?: number;
  event?: string;
};

const isAnnouncePath = (path: string): boolean =>
  path.startsWith('/announce') || path.endsWith('/announce') || path.endsWith('/announce.php');

const hexValue = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
};

/** A query value's octets (%XX decoded, `+` a space), or undefined past `max` octets or on a bad escape. */
export const percentDecode = (value: string, max: number): Uint8Array | undefined => {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (out.length >= max) return undefined;
    const c = value.charCodeAt(i);
    if (c !== 0x25) {
      out.push(c === 0x2b ? 0x20 : c & 0xff);
      continue;
    }
    const high = hexValue(value.charCodeAt(i + 1));
    const low = hexValue(value.charCodeAt(i + 2));
    if (high < 0 || low < 0) return undefined;
    out.push(high * 16 + low);
    i += 2;
  }
  return Uint8Array.from(out);
};

/** The parameters read; the others, however many come first, are passed over (ADR 30) and not kept. */
const readParameters = new Set(['info_hash', 'peer_id', 'uploaded', 'downloaded', 'left', 'event']);

const count = (value: string | undefined): number | undefined => {
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined;
  return Number(value);
};

const announceParameters = (query: string): Map<string, string> => {
  const params = new Map<string, string>();
  for (const pair of query.split('&')) {
    const at = pair.indexOf('=');
    if (at > 0 && readParameters.has(pair.slice(0, at))) params.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return params;
};

/** The announce an HTTP request is, or undefined (a path not an announce's, or no 20-octet info hash). */
export const trackerAnnounce = (event: HttpRequestEvent): Announce | undefined => {
  if (!isAnnouncePath(event.path) || !event.query.includes('info_hash=')) return undefined;
  const params = announceParameters(event.query);
  const hash = percentDecode(params.get('info_hash') ?? '', 20);
  if (hash?.length !== 20) return undefined;
  const out: Announce = { infoHash: Buffer.from(hash).toString('hex') };
  const peerId = percentDecode(params.get('peer_id') ?? '', 20);
  const client = peerId === undefined ? undefined : clientOfPeerId(peerId);
  if (client !== undefined) out.client = client;
  const uploaded = count(params.get('uploaded'));
  const downloaded = count(params.get('downloaded'));
  const left = count(params.get('left'));
  if (uploaded !== undefined) out.uploaded = uploaded;
  if (downloaded !== undefined) out.downloaded = downloaded;
  if (left !== undefined) out.left = left;
  const announced = params.get('event');
  if (announced !== undefined && /^[a-z]{1,16}$/.test(announced)) out.event = announced;
  return out;
};
