/**
 * What a RADIUS packet's attributes tell (RFC 2865 section 5, RFC 2866, RFC 2869, RFC 3579, RFC 2548): the user, the
 * NAS (address, identifier), the calling station, how the user authenticates (User-Password is PAP, CHAP-Password
 * CHAP, EAP-Message EAP and its type, Microsoft's vendor attributes MS-CHAP and MS-CHAPv2), whether the packet carries
 * a Message-Authenticator, a Reply-Message, an Accounting-Request's status, and how many Proxy-State attributes it
 * has. A password or a challenge's value is never kept: only that one was sent.
 */
import { ipv6Text } from '../decode/ipv6.ts';
import type { RadiusAttribute } from './radius-packet.ts';
import { shortUser } from './stun-names.ts';
import { text, u32be } from './wire-bytes.ts';

export type RadiusFacts = {
  /** User-Name, shortened as STUN's USERNAME is (its first two characters and its length): it may name a person. */
  user?: string;
  /** User-Name as sent (its first 64 characters), for the login event only. */
  fullUser?: string;
  nasIp?: string;
  nasId?: string;
  calling?: string;
  /** `pap`, `chap`, `mschap`, `mschapv2`, `eap-md5`, `eap-identity`, `eap-success`... */
  method?: string;
  eap: boolean;
  messageAuthenticator: boolean;
  reply?: string;
  /** Acct-Status-Type, as `start`, `stop`, `interim-update`... */
  status?: string;
  proxyStates: number;
};

/** IANA's EAP method types (RFC 3748 and the registry), as they are named in a detail. */
const eapTypes: ReadonlyMap<number, string> = new Map([
  [1, 'identity'],
  [2, 'notification'],
  [3, 'nak'],
  [4, 'md5'],
  [5, 'otp'],
  [6, 'gtc'],
  [13, 'tls'],
  [17, 'leap'],
  [18, 'sim'],
  [21, 'ttls'],
  [23, 'aka'],
  [25, 'peap'],
  [26, 'mschapv2'],
  [43, 'fast'],
  [50, 'aka-prime'],
  [52, 'pwd'],
  [55, 'teap'],
]);

/** Acct-Status-Type values (RFC 2866 section 5.1, RFC 2867). */
const statuses: ReadonlyMap<number, string> = new Map([
  [1, 'start'],
  [2, 'stop'],
  [3, 'interim-update'],
  [7, 'accounting-on'],
  [8, 'accounting-off'],
  [9, 'tunnel-start'],
  [10, 'tunnel-stop'],
  [11, 'tunnel-reject'],
  [12, 'tunnel-link-start'],
  [13, 'tunnel-link-stop'],
  [14, 'tunnel-link-reject'],
  [15, 'failed'],
]);

/** The first EAP-Message's packet (RFC 3748 section 4): a request's or response's type, or success, failure. */
const eapMethod = (v: Uint8Array): string => {
  const code = v[0] ?? 0;
  if (code === 3) return 'eap-success';
  if (code === 4) return 'eap-failure';
  if ((code !== 1 && code !== 2) || v.length < 5) return 'eap';
  const type = v[4] ?? 0;
  return `eap-${eapTypes.get(type) ?? `type-${type}`}`;
};

/** Microsoft's vendor attributes (RFC 2548 section 2): MS-CHAP-Response (1) and MS-CHAP2-Response (25). */
const vendorMethod = (v: Uint8Array): string | undefined => {
  if (v.length < 6 || u32be(v, 0) !== 311) return undefined;
  const type = v[4] ?? 0;
  if (type === 1) return 'mschap';
  return type === 25 ? 'mschapv2' : undefined;
};

const printable = (v: Uint8Array, max = 128): string =>
  text(v, 0, v.length, max).replace(/[\u0000-\u001f]/g, ' ');

/** A NAS-IP-Address (4 octets) or NAS-IPv6-Address (16) as text; undefined for any other length. */
const address = (v: Uint8Array): string | undefined => {
  if (v.length === 4) return v.join('.');
  return v.length === 16 ? ipv6Text(v, 0) : undefined;
};

const maxReply = 256;

type Reader = (facts: RadiusFacts, value: Uint8Array) => void;

const setIf = <K extends 'nasIp' | 'method' | 'status'>(
  f: RadiusFacts,
  key: K,
  value: string | undefined,
) => {
  if (value !== undefined) f[key] = value;
};

const readers: ReadonlyMap<number, Reader> = new Map<number, Reader>([
  [
    1,
    (f, v) => {
      const user = printable(v, 64);
      f.user = shortUser(user);
      f.fullUser = user;
    },
  ],
  [2, (f) => setIf(f, 'method', f.method ?? 'pap')],
  [3, (f) => setIf(f, 'method', f.method ?? 'chap')],
  [4, (f, v) => setIf(f, 'nasIp', address(v))],
  [95, (f, v) => setIf(f, 'nasIp', address(v))],
  // Several Reply-Messages are one text, displayed in order (RFC 2865 section 5.18).
  [18, (f, v) => (f.reply = `${f.reply ?? ''}${printable(v)}`.slice(0, maxReply))],
  [26, (f, v) => setIf(f, 'method', f.method ?? vendorMethod(v))],
  [31, (f, v) => (f.calling = printable(v, 64))],
  [32, (f, v) => (f.nasId = printable(v, 64))],
  [33, (f) => f.proxyStates++],
  [
    40,
    (f, v) =>
      setIf(f, 'status', v.length === 4 ? (statuses.get(u32be(v, 0)) ?? `status-${u32be(v, 0)}`) : undefined),
  ],
  [
    79,
    (f, v) => {
      // EAP says how the user authenticates, whatever else came; a long EAP packet goes on in the next attributes.
      if (!f.eap) f.method = eapMethod(v);
      f.eap = true;
    },
  ],
  [80, (f) => (f.messageAuthenticator = true)],
]);

export const radiusFacts = (attributes: readonly RadiusAttribute[]): RadiusFacts => {
  const facts: RadiusFacts = { eap: false, messageAuthenticator: false, proxyStates: 0 };
  for (const { type, value } of attributes) readers.get(type)?.(facts, value);
  return facts;
};
