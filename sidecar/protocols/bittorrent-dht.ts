/**
 * BitTorrent's DHT (BEP 5, "DHT Protocol"): KRPC messages, one bencoded dictionary per UDP datagram, with a
 * transaction id `t` and a type `y`: a query (`q` names it, `a` holds its arguments, the sender's 20-octet node id
 * among them), an answer (`r`, with the answering node's id) or an error (`e`, a code and a message). Queries of
 * BEP 5 (ping, find_node, get_peers, announce_peer), BEP 44 (get, put) and BEP 51 (sample_infohashes).
 */
import { type BDict, bytesAt, dictAt, isBytes, isDict, readBencode } from './bencode.ts';
import { clientOfDhtVersion } from './bittorrent-clients.ts';
import { hex } from './bittorrent-wire.ts';

export type KrpcMessage = {
  type: 'query' | 'answer' | 'error';
  /** The query's name (queries only): printable, at most 32 characters. */
  query?: string;
  /** get_peers' and announce_peer's torrent. */
  infoHash?: string;
  /** The sender's software, from the optional `v` (BEP 5: two letters of client, two octets of version). */
  client?: string;
  /** Peers an answer hands over (compact 6- or 18-octet `values`). */
  peers?: number;
  /** Nodes an answer hands over (compact 26-octet `nodes`, 38-octet `nodes6`). */
  nodes?: number;
  /** An error's code and message. */
  error?: string;
};

const isPrintable = (v: Uint8Array): boolean => v.every((b) => b >= 0x21 && b <= 0x7e);

const nodeId = (args: BDict | undefined): boolean => args !== undefined && bytesAt(args, 'id')?.length === 20;

const clientOf = (dict: BDict): string | undefined => {
  const v = bytesAt(dict, 'v');
  return v === undefined ? undefined : clientOfDhtVersion(v);
};

const readQuery = (dict: BDict): KrpcMessage | undefined => {
  const q = bytesAt(dict, 'q');
  const args = dictAt(dict, 'a');
  if (q === undefined || q.length === 0 || q.length > 32 || !isPrintable(q) || !nodeId(args))
    return undefined;
  const out: KrpcMessage = { type: 'query', query: String.fromCharCode(...q) };
  const infoHash = args === undefined ? undefined : bytesAt(args, 'info_hash');
  if (infoHash?.length === 20) out.infoHash = hex(infoHash);
  return out;
};

const readAnswer = (dict: BDict): KrpcMessage | undefined => {
  const r = dictAt(dict, 'r');
  if (!nodeId(r) || r === undefined) return undefined;
  const out: KrpcMessage = { type: 'answer' };
  const values = r.entries.get('values');
  if (Array.isArray(values))
    out.peers = values.filter((p) => isBytes(p) && (p.length === 6 || p.length === 18)).length;
  const nodes =
    Math.floor((bytesAt(r, 'nodes')?.length ?? 0) / 26) +
    Math.floor((bytesAt(r, 'nodes6')?.length ?? 0) / 38);
  if (nodes > 0) out.nodes = nodes;
  return out;
};

const readError = (dict: BDict): KrpcMessage | undefined => {
  const e = dict.entries.get('e');
  if (!Array.isArray(e) || typeof e[0] !== 'number' || !isBytes(e[1])) return undefined;
  const message = Buffer.from(e[1].subarray(0, 128)).toString('latin1');
  return { type: 'error', error: `${e[0]} ${message}` };
};

/** A datagram read as one KRPC message, or undefined when it is not exactly one. */
export const readKrpc = (datagram: Uint8Array): KrpcMessage | undefined => {
  if (datagram[0] !== 0x64) return undefined;
  const read = readBencode(datagram);
  if (!read.ok || read.end !== datagram.length || !isDict(read.value)) return undefined;
  const dict = read.value;
  const t = bytesAt(dict, 't');
  const y = bytesAt(dict, 'y');
  if (t === undefined || t.length === 0 || t.length > 32 || y?.length !== 1) return undefined;
  const message =
    y[0] === 0x71
      ? readQuery(dict)
      : y[0] === 0x72
        ? readAnswer(dict)
        : y[0] === 0x65
          ? readError(dict)
          : undefined;
  const client = message === undefined ? undefined : clientOf(dict);
  if (message !== undefined && client !== undefined) message.client = client;
  return message;
};
