/** Test helper: small protocols defined only for engine tests (the real ones live in sidecar/protocols/). */
import type { ProtocolId } from '#core/protocol-id.ts';
import type { Direction, ProtocolEvent } from '#sidecar/events.ts';
import type { Detection, Protocol, ProtocolParser } from '#sidecar/protocols/protocol.ts';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/** `match` when the direction starts with `magic`, `need-more` while it is a prefix of it. */
const startsWith = (bytes: Uint8Array, magic: string): Detection => {
  const head = text(bytes.subarray(0, magic.length));
  if (head === magic) return 'match';
  return magic.startsWith(head) ? 'need-more' : 'no-match';
};

/** A line protocol: each `\n`-terminated line becomes an operation event with its first word. */
const lineParser = (id: ProtocolId, log: string[]): ProtocolParser => {
  const buffered: Record<Direction, string> = { 'to-server': '', 'to-client': '' };
  return {
    parse(chunk, direction, ts) {
      buffered[direction] += text(chunk);
      const lines = buffered[direction].split('\n');
      buffered[direction] = lines.pop() ?? '';
      return lines.map((line): ProtocolEvent => {
        log.push(`${direction}:${line}`);
        return { kind: 'operation', protocol: id, operation: line.split(' ')[0] ?? '', ts, direction };
      });
    },
    gap(direction) {
      log.push(`${direction}:[gap]`);
      buffered[direction] = '';
    },
  };
};

export const lineProtocol = (
  id: ProtocolId,
  magic: { 'to-server'?: string; 'to-client'?: string },
  log: string[] = [],
  options: Partial<Pick<Protocol, 'transport' | 'encrypted'>> = {},
): Protocol => ({
  id,
  transport: options.transport ?? 'tcp',
  ports: [],
  encrypted: options.encrypted ?? false,
  detect(bytes, direction) {
    const expected = magic[direction];
    return expected === undefined ? 'no-match' : startsWith(bytes, expected);
  },
  createParser: () => lineParser(id, log),
});

/** A protocol whose parser turns each complete line into the events `make` returns (to drive the L7 summary). */
export const eventProtocol = (
  id: ProtocolId,
  magic: string,
  make: (line: string, direction: Direction, ts: number) => ProtocolEvent[],
  options: Partial<Pick<Protocol, 'transport' | 'encrypted'>> = {},
): Protocol => ({
  ...lineProtocol(id, { 'to-server': magic }, [], options),
  createParser() {
    const buffered: Record<Direction, string> = { 'to-server': '', 'to-client': '' };
    return {
      parse(chunk, direction, ts) {
        buffered[direction] += text(chunk);
        const lines = buffered[direction].split('\n');
        buffered[direction] = lines.pop() ?? '';
        return lines.flatMap((line) => make(line, direction, ts));
      },
      gap(direction) {
        buffered[direction] = '';
      },
    };
  },
});
