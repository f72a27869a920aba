/**
 * FTP's data connections (RFC 959 section 3.2): a file's bytes, or a directory listing, with no framing of their own.
 * Such a flow is never detected from its bytes; the control connection announces it (expected-flows.ts, ADR 21).
 * The reader keeps the first octets of each direction that carries something, enough for a magic number (an
 * executable's, a script's interpreter line), and tells them once: when it has them all, or when the flow ends
 * sooner (a short file). It reads nothing else: the engine reassembles the connection only as far as an observer
 * reads `file-data` events, and not at all when none does.
 */
import type { Direction, FileDataEvent, ProtocolEvent } from '../events.ts';
import type { Protocol, ProtocolParser } from './protocol.ts';

/** Octets kept: a PE header's "PE\0\0" lies at the offset the DOS header names, within the first few hundred. */
export const fileHeadBytes = 512;

type Head = { bytes: Uint8Array; length: number; ts: number; told: boolean; lost: boolean };

const none: ProtocolEvent[] = [];

const event = (head: Head, direction: Direction): FileDataEvent => ({
  kind: 'file-data',
  ts: head.ts,
  direction,
  head: head.bytes.slice(0, head.length),
  truncated: head.lost,
});

const createFtpDataParser = (): ProtocolParser => {
  const heads: Record<Direction, Head | undefined> = { 'to-server': undefined, 'to-client': undefined };
  return {
    parse(chunk, direction, ts) {
      if (chunk.length === 0) return none;
      heads[direction] ??= { bytes: new Uint8Array(fileHeadBytes), length: 0, ts, told: false, lost: false };
      const head = heads[direction];
      if (head.told || head.lost) return none;
      const count = Math.min(chunk.length, fileHeadBytes - head.length);
      head.bytes.set(chunk.subarray(0, count), head.length);
      head.length += count;
      head.ts = ts;
      if (head.length < fileHeadBytes) return none;
      head.told = true;
      return [event(head, direction)];
    },
    gap(direction) {
      // Octets after a hole are not the file's next ones: what was kept before it is told at the end.
      const head = heads[direction];
      if (head !== undefined) head.lost = true;
      else heads[direction] = { bytes: new Uint8Array(0), length: 0, ts: 0, told: true, lost: true };
    },
    end() {
      const out: ProtocolEvent[] = [];
      for (const direction of ['to-server', 'to-client'] as const) {
        const head = heads[direction];
        if (head === undefined || head.told || head.length === 0) continue;
        head.told = true;
        out.push(event(head, direction));
      }
      return out;
    },
  };
};

export const ftpData: Protocol = {
  id: 'ftp-data',
  transport: 'tcp',
  ports: [20],
  encrypted: false,
  // Nothing of a file goes into the flow's summary: the engine reads only what observers ask for.
  summaryDirections: [],
  // A file's bytes name no protocol: only an announcement labels the flow.
  detect: () => 'no-match',
  createParser: createFtpDataParser,
};
