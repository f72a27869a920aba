/**
 * The text fields of a gRPC request past the 64 KiB kept of its body (ADR 46): a call whose message pads a field with
 * 70 KB before `' OR 1=1--` in the next, or a client stream whose later messages carry it, used to pass unjudged and
 * unreported. The body's framing (a compressed-flag octet and a 4-octet length per message) is followed from its first
 * octet; each plain message is read field by field as it streams (`ProtobufStream`), its text fields offered under
 * the paths the first 64 KiB are judged under (`$.2`, `$[3].1.2`). A compressed message past the bound is not
 * inflated here: it is counted unread, and `uninspected-body` reports it. gRPC-Web's base64 text and `+json` bodies
 * are not read on.
 */
import type { LaterValues } from '../events.ts';
import { KeptValues, type LaterTail } from './later-values.ts';
import { type LeafSink, ProtobufStream } from './protobuf-stream.ts';

const headerBytes = 5;

class GrpcTail implements LaterTail {
  private readonly kept = new KeptValues(false);
  private readonly header = new Uint8Array(headerBytes);
  private headerLength = 0;
  /** Octets left of the message being read. */
  private remaining = 0;
  private message: ProtobufStream | undefined;
  private index = 0;
  /** Not gRPC framing past some point (a flag other than 0 or 1): nothing more is read. */
  private lost = false;
  /** Values offered from now on: false while the octets kept before the bound are scanned. */
  private keeping = false;
  private unread = 0;
  private readonly sink: LeafSink = {
    leaf: (path, value, cut) => {
      if (!this.keeping) return;
      if (cut) this.unread++;
      if (this.kept.full) this.kept.unread++;
      else this.kept.offer(path, value);
    },
    unread: (count) => {
      if (this.keeping) this.unread += count;
    },
  };

  constructor(kept: readonly Uint8Array[]) {
    for (const part of kept) this.feed(part);
    this.keeping = true;
  }

  feed(data: Uint8Array): void {
    let at = 0;
    while (at < data.length && !this.lost) {
      if (this.remaining === 0) {
        at = this.readHeader(data, at);
        continue;
      }
      const n = Math.min(this.remaining, data.length - at);
      this.message?.feed(data, at, at + n);
      if (this.message === undefined && this.keeping && n === this.remaining) this.unread++;
      this.remaining -= n;
      at += n;
      if (this.remaining === 0) this.message = undefined;
    }
  }

  /** A message's 5-octet header, perhaps across chunks; an empty message is read at once. */
  private readHeader(data: Uint8Array, at: number): number {
    const n = Math.min(headerBytes - this.headerLength, data.length - at);
    this.header.set(data.subarray(at, at + n), this.headerLength);
    this.headerLength += n;
    if (this.headerLength < headerBytes) return at + n;
    this.headerLength = 0;
    const flag = this.header[0] as number;
    if (flag > 1) {
      this.lost = true;
      return data.length;
    }
    this.remaining = new DataView(this.header.buffer).getUint32(1);
    const path = this.index === 0 ? '$' : `$[${this.index}]`;
    this.index++;
    // A compressed message is passed by: counted unread when its end is past the bound.
    this.message =
      flag === 0 && this.remaining > 0 ? new ProtobufStream(path, this.remaining, this.sink) : undefined;
    return at + n;
  }

  result(): LaterValues {
    return this.kept.result('grpc', this.unread);
  }
}

/** A reader of a plain gRPC or gRPC-Web (binary) request body's text fields past the bound. */
export const createGrpcTail = (kept: readonly Uint8Array[]): LaterTail => new GrpcTail(kept);
