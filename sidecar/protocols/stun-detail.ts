/**
 * A STUN message's detail as text, for its operation event: the transaction id's first octets, then each fact its
 * attributes gave (stun-attributes.ts), in a fixed order. USERNAME only shortened; DATA only its length.
 */
import type { StunAddress, StunFacts } from './stun-attributes.ts';

/** `198.51.100.7:3480`, `[2001:db8::7]:3480`. */
export const addressText = ({ ip, port }: StunAddress): string =>
  ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;

const quoted = (text: string): string => JSON.stringify(text.slice(0, 128));

/** `name=value` when the value is there. */
const field = <T>(
  name: string,
  value: T | undefined,
  shape: (v: T) => string = String,
): string | undefined => (value === undefined ? undefined : `${name}=${shape(value)}`);

const parts = (f: StunFacts): (string | undefined)[] => [
  f.peers.length > 0 ? `peer=${f.peers.map(addressText).join(',')}` : undefined,
  field('channel', f.channel, (c) => `0x${c.toString(16)}`),
  field('transport', f.transport),
  field('mapped', f.mapped, addressText),
  field('relayed', f.relayed, addressText),
  field('error', f.error, (e) => quoted(`${e.code} ${e.reason}`.trim())),
  field('lifetime', f.lifetime),
  field('connection', f.connection),
  field('data', f.dataOctets, (n) => `${n} octets`),
  field('user', f.user),
  field('realm', f.realm, quoted),
  field('software', f.software, quoted),
  `integrity=${f.integrity ?? 'none'}`,
  field('fingerprint', f.fingerprint, (ok) => (ok ? 'ok' : 'bad')),
];

export const stunDetail = (transaction: string, facts: StunFacts): string =>
  [`id=${transaction.slice(0, 8)}…`, ...parts(facts)].filter((p) => p !== undefined).join(' ');
