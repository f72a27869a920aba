/**
 * What a request asks of etcd, read from etcd's API (`rpc.proto`): v3 over gRPC (`/etcdserverpb.KV/Range`, the
 * request message read without more schema than the key and range fields), v3 through its JSON gateway
 * (`/v3/kv/range`, keys in base64) and v2 (`/v2/keys/...`). The keys tell Kubernetes' own data apart: the API
 * server keeps every object under a prefix (`/registry/` by default; OpenShift's `/kubernetes.io/`).
 */
import type { HttpRequestEvent } from '../events.ts';
import { joinParts, leb128 } from '../protocols/wire-bytes.ts';

/** `secrets`: Kubernetes Secrets read; `write`: cluster state written; `cluster-read`: other objects read. */
export type EtcdKind = 'secrets' | 'write' | 'cluster-read' | 'snapshot' | 'other';
export type EtcdCall = { kind: EtcdKind; what: string };

/** A key range: `end` empty for one key, `\0` for every key from `key` on (etcd's convention). */
type KeyRange = { key: string; end: string; write: boolean };

const latin1 = new TextDecoder('latin1');

/** Where a field's value of wire type `wire` ends (varint, 64-bit, delimited, 32-bit), or -1 when it cannot. */
const valueEnd = (b: Uint8Array, at: number, wire: number): { start: number; end: number } => {
  if (wire === 0) return { start: at, end: leb128(b, at, 10)?.[1] ?? -1 };
  if (wire === 1 || wire === 5) return { start: at, end: at + (wire === 1 ? 8 : 4) };
  if (wire !== 2) return { start: at, end: -1 };
  const length = leb128(b, at, 10);
  return length === undefined ? { start: at, end: -1 } : { start: length[1], end: length[1] + length[0] };
};

/** The length-delimited fields of a protobuf message by number (other wire types skipped); undefined if malformed. */
const delimited = (b: Uint8Array): Map<number, Uint8Array[]> | undefined => {
  const fields = new Map<number, Uint8Array[]>();
  let at = 0;
  while (at < b.length) {
    const tag = leb128(b, at, 10);
    if (tag === undefined || tag[0] < 8) return undefined;
    const wire = tag[0] % 8;
    const { start, end } = valueEnd(b, tag[1], wire);
    if (end < 0 || end > b.length) return undefined;
    if (wire === 2) {
      const number = Math.floor(tag[0] / 8);
      fields.set(number, [...(fields.get(number) ?? []), b.subarray(start, end)]);
    }
    at = end;
  }
  return fields;
};

/** A bytes field's value: the last one when the message repeats it, as protobuf (and so etcd) reads it. */
const text = (field: Uint8Array[] | undefined): string => {
  const last = field?.at(-1);
  return last === undefined ? '' : latin1.decode(last);
};

/**
 * An embedded message field as protobuf parses it: copies of it are merged, as if their encodings were concatenated
 * (the later copy's scalar fields win, repeated ones add up). A client that splits a RequestOp's range into two copies
 * gets etcd to read the merged one, so reading only the first copy read a different key.
 */
const merged = (copies: Uint8Array[] | undefined): Uint8Array | undefined =>
  copies === undefined || copies.length === 0
    ? undefined
    : joinParts(
        copies,
        copies.reduce((sum, copy) => sum + copy.length, 0),
      );

/** Key fields 1 and 2 of a Range, Put, DeleteRange or WatchCreate request. */
const rangeOf = (message: Uint8Array | undefined, write: boolean): KeyRange[] => {
  const fields = message === undefined ? undefined : delimited(message);
  return fields === undefined
    ? []
    : [{ key: text(fields.get(1)), end: write ? '' : text(fields.get(2)), write }];
};

/** A Txn's operations, both branches: RequestOp's range (1), put (2), delete (3), nested txn (4). */
const txnRanges = (message: Uint8Array): KeyRange[] => {
  const fields = delimited(message);
  const ops = [...(fields?.get(2) ?? []), ...(fields?.get(3) ?? [])];
  return ops.flatMap((op) => {
    const parts = delimited(op);
    if (parts === undefined) return [];
    // A oneof: etcd runs the member read last, but each is judged (a superset of what runs).
    const deleted = merged(parts.get(3));
    const txn = merged(parts.get(4));
    return [
      ...rangeOf(merged(parts.get(1)), false),
      ...rangeOf(merged(parts.get(2)), true),
      ...(deleted === undefined ? [] : rangeOf(deleted, false).map((r) => ({ ...r, write: true }))),
      ...(txn === undefined ? [] : txnRanges(txn)),
    ];
  });
};

/**
 * Every message of a gRPC body (5-octet prefix: compressed flag, length), uncompressed ones only: a Watch stream
 * sends one WatchRequest after another, and the one on Secrets need not be the first (ADR 30).
 */
const grpcMessages = (body: Uint8Array): Uint8Array[] => {
  const messages: Uint8Array[] = [];
  for (let at = 0; at + 5 <= body.length && (body[at] ?? 0) <= 1; ) {
    const length = new DataView(body.buffer, body.byteOffset + at + 1, 4).getUint32(0);
    if (body[at] === 0) messages.push(body.subarray(at + 5, Math.min(body.length, at + 5 + length)));
    at += 5 + length;
  }
  return messages;
};

const messageRanges = (method: string, message: Uint8Array): KeyRange[] => {
  if (method === 'KV/Range') return rangeOf(message, false);
  if (method === 'KV/Put') return rangeOf(message, true);
  if (method === 'KV/DeleteRange') return rangeOf(message, false).map((r) => ({ ...r, write: true }));
  if (method === 'KV/Txn') return txnRanges(message);
  if (method === 'Watch/Watch') return rangeOf(merged(delimited(message)?.get(1)), false);
  return [];
};

const grpcRanges = (method: string, body: Uint8Array): KeyRange[] =>
  grpcMessages(body).flatMap((message) => messageRanges(method, message));

const base64 = (value: unknown): string =>
  typeof value === 'string' ? latin1.decode(Buffer.from(value, 'base64')) : '';

/** The JSON gateway's body: `{"key": base64, "range_end": base64}` (watch: inside `create_request`). */
const gatewayRanges = (method: string, body: Uint8Array): KeyRange[] => {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;
  } catch {
    return [];
  }
  const request = (method === 'watch' ? json.create_request : json) as Record<string, unknown> | undefined;
  if (request === null || typeof request !== 'object') return [];
  const write = method === 'kv/put' || method === 'kv/deleterange';
  return [{ key: base64(request.key), end: write ? '' : base64(request.range_end), write }];
};

/** Where Kubernetes keeps its objects, and its Secrets under it. */
const within = (r: KeyRange, from: string): boolean => {
  // Every key from `from` to the next string after the prefix ("/registry/secrets/" to "/registry/secrets0").
  const to = `${from.slice(0, -1)}${String.fromCharCode(from.charCodeAt(from.length - 1) + 1)}`;
  if (r.end === '') return r.key.startsWith(from);
  return r.key < to && (r.end === '\0' || r.end > from);
};

const shown = (r: KeyRange): string => {
  if (r.end === '\0' && (r.key === '\0' || r.key === '')) return 'every key';
  const key = r.key.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
  return r.end === '' ? key : `${key}${r.end === '\0' ? ' onwards' : '*'}`;
};

const judge = (ranges: readonly KeyRange[], prefixes: readonly string[], call: string): EtcdCall => {
  for (const prefix of prefixes) {
    const write = ranges.find((r) => r.write && within(r, prefix));
    if (write !== undefined) return { kind: 'write', what: `wrote ${shown(write)} (${call})` };
    const secret = ranges.find((r) => !r.write && within(r, `${prefix}secrets/`));
    if (secret !== undefined) return { kind: 'secrets', what: `read Secrets: ${shown(secret)} (${call})` };
    const read = ranges.find((r) => !r.write && within(r, prefix));
    if (read !== undefined) return { kind: 'cluster-read', what: `read ${shown(read)} (${call})` };
  }
  const first = ranges[0];
  return { kind: 'other', what: first === undefined ? call : `${call} ${shown(first)}` };
};

const v2Call = (event: HttpRequestEvent, prefixes: readonly string[]): EtcdCall => {
  const key = event.path.slice('/v2/keys'.length);
  const write = event.method !== 'GET' && event.method !== 'HEAD';
  const recursive = /(?:^|&)recursive=true\b/.test(event.query);
  return judge([{ key, end: recursive ? `${key}\uffff` : '', write }], prefixes, `v2 ${event.method}`);
};

/** What a request to etcd asks for, or undefined when it is not an etcd API request. */
export const etcdCall = (event: HttpRequestEvent, prefixes: readonly string[]): EtcdCall | undefined => {
  const grpc = /^\/etcdserverpb\.(\w+\/\w+)$/.exec(event.path);
  if (grpc !== null) {
    const method = grpc[1] ?? '';
    if (method === 'Maintenance/Snapshot')
      return { kind: 'snapshot', what: 'took a snapshot of the whole database' };
    return judge(grpcRanges(method, event.body), prefixes, method);
  }
  const gateway = /^\/v3(?:beta|alpha)?\/(kv\/\w+|watch|maintenance\/snapshot)$/.exec(event.path);
  if (gateway !== null) {
    const method = gateway[1] ?? '';
    if (method === 'maintenance/snapshot')
      return { kind: 'snapshot', what: 'took a snapshot of the whole database' };
    return judge(gatewayRanges(method, event.body), prefixes, method);
  }
  if (event.path.startsWith('/v2/keys/')) return v2Call(event, prefixes);
  return undefined;
};
