/** NATS (docs.nats.io "Client Protocol"): INFO, CONNECT, PUB/HPUB, SUB, UNSUB, MSG/HMSG, -ERR as operation events. */
import type { Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import { detectNats, natsJson } from './nats-detect.ts';
import type { Protocol } from './protocol.ts';
import { toTls as switchToTls } from './text-lines.ts';
import { type TlsUpgrade, upgradable } from './tls-upgrade.ts';
import { latin1 } from './wire-bytes.ts';

const maxLine = 65536;
/**
 * A detail is kept whole: as long as its line. It was cut at 1 KiB, so a lookup after padding in CONNECT's name or a
 * subject was never judged (ADR 36). Events are not held.
 */
const maxDetail = maxLine;

type Side = { text: string; skip: number; stopped: boolean };

const operation = (direction: Direction, ts: number, name: string, detail: string): OperationEvent => {
  const event: OperationEvent = { kind: 'operation', ts, direction, protocol: 'nats', operation: name };
  if (detail !== '') event.detail = detail.slice(0, maxDetail);
  return event;
};

/** Only descriptive fields of INFO/CONNECT: never user, pass, auth_token, sig or jwt. */
const describe = (json: string, keys: readonly string[]): string => {
  const value = natsJson(json.trim());
  if (value === undefined) return '';
  return keys
    .filter((k) => typeof value[k] === 'string' || typeof value[k] === 'number')
    .map((k) => `${k}=${String(value[k])}`)
    .join(' ');
};

/** Payload octets (plus CRLF) after PUB/MSG (last field) and HPUB/HMSG (last field is the total). */
const payloadLength = (fields: readonly string[]): number => {
  const size = Number(fields[fields.length - 1]);
  return Number.isInteger(size) && size >= 0 ? size + 2 : 0;
};

const onLine = (line: string, direction: Direction, ts: number, out: ProtocolEvent[]): number => {
  const space = line.search(/[ \t]/);
  const op = (space < 0 ? line : line.slice(0, space)).toUpperCase();
  const rest = space < 0 ? '' : line.slice(space + 1);
  const fields = rest.split(/[ \t]+/).filter((f) => f !== '');
  switch (op) {
    case 'INFO':
      out.push(operation(direction, ts, op, describe(rest, ['server_name', 'version', 'proto'])));
      return 0;
    case 'CONNECT':
      out.push(operation(direction, ts, op, describe(rest, ['name', 'lang', 'version', 'protocol'])));
      return 0;
    case 'PUB':
    case 'HPUB':
    case 'MSG':
    case 'HMSG':
      out.push(operation(direction, ts, op, fields[0] ?? ''));
      return payloadLength(fields);
    case 'SUB':
    case 'UNSUB':
    case '-ERR':
      out.push(operation(direction, ts, op, rest));
      return 0;
    default:
      return 0;
  }
};

/**
 * What the server's INFO says of TLS: `required` (the client's TLS handshake follows at once, before CONNECT),
 * `available` (NATS 2.10: the client may start TLS, or go on in the clear), or nothing.
 */
const tlsOffer = (line: string): 'required' | 'available' | undefined => {
  if ((line[0] !== 'I' && line[0] !== 'i') || !/^INFO[ \t]/i.test(line)) return undefined;
  const info = natsJson(line.slice(5).trim());
  if (info?.tls_required === true) return 'required';
  return info?.tls_available === true ? 'available' : undefined;
};

const run = (
  side: Side,
  direction: Direction,
  ts: number,
  out: ProtocolEvent[],
  onInfo: (offer: 'required' | 'available' | undefined) => void,
): void => {
  while (!side.stopped) {
    if (side.skip > 0) {
      const skipped = Math.min(side.skip, side.text.length);
      side.skip -= skipped;
      side.text = side.text.slice(skipped);
      if (side.skip > 0) return;
    }
    const end = side.text.indexOf('\n');
    if (end < 0) break;
    const line = side.text.slice(0, end).replace(/\r$/, '');
    side.text = side.text.slice(end + 1);
    side.skip = onLine(line, direction, ts, out);
    if (direction === 'to-client') onInfo(tlsOffer(line));
  }
  if (side.text.length > maxLine) side.stopped = true;
};

const createNatsParser = (upgrade: TlsUpgrade) => {
  const sides: Record<Direction, Side> = {
    'to-server': { text: '', skip: 0, stopped: false },
    'to-client': { text: '', skip: 0, stopped: false },
  };
  /** TLS was offered but not required: whether the client's next octet opens a TLS record decides. */
  let offered = false;
  const toTls = (): void => switchToTls(upgrade, sides['to-server'], sides['to-client']);
  const onInfo = (offer: 'required' | 'available' | undefined): void => {
    if (offer === 'required') toTls();
    else if (offer === 'available') offered = true;
  };
  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const side = sides[direction];
      const out: ProtocolEvent[] = [];
      if (side.stopped) return out;
      // Only the client's first octets after the offer decide: a later chunk that starts with 0x16 (a payload's, after
      // a line the client began before the INFO) is not a ClientHello.
      if (offered && direction === 'to-server') {
        offered = false;
        if (side.text === '' && side.skip === 0 && chunk[0] === 0x16) {
          toTls();
          upgrade.start('to-server', chunk);
          return out;
        }
      }
      side.text += latin1(chunk);
      run(side, direction, ts, out, onInfo);
      return out;
    },
    gap(direction: Direction): void {
      // A lost payload length makes line boundaries guesswork: stop this direction.
      sides[direction].stopped = true;
    },
  };
};

export const nats: Protocol = {
  id: 'nats',
  transport: 'tcp',
  ports: [4222],
  encrypted: false,
  detect: detectNats,
  createParser: () => upgradable(createNatsParser),
};
