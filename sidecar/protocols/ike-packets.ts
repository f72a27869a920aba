/**
 * An IKE flow's story as operation events, whatever carries it (UDP on 500 or 4500, TCP after `IKETCP`): each message
 * by its exchange and role (`IKE_SA_INIT request`, `IKE_AUTH response`, `Aggressive Mode request`), the SA's
 * proposals (`proposal …` offered, `chosen …` in the answer), notify types in the clear (`notify COOKIE`), vendor ids
 * (`vendor strongSwan`), IKEv1's identity in the clear (`identity ID_FQDN:…`), `sa-answered` when a responder's SPI
 * answers the first exchange, `auth-answered` when IKE_AUTH (IKEv1: aggressive mode's answer or Quick Mode) is
 * answered, `nat-t` at the first message after a non-ESP marker, `esp` at the first ESP packet each way, and at the
 * flow's end `tunnel`: version, how far it got, ESP packets each way, keepalives, encrypted messages, octets, the suite
 * chosen (or first offered) and the weak algorithms in it. ESP is counted, never read; SK payloads neither.
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { operationEvent } from './client-events.ts';
import { type IkeMessage, readIkeMessage } from './ike-header.ts';
import { exchangeNames } from './ike-names.ts';
import { readContents } from './ike-payloads.ts';
import { weakAlgorithms } from './ike-weak.ts';

/** Operation events told per flow (a rekey every few hours, DPD every 30 s: later ones are counted, not told). */
const maxEvents = 256;
/** Proposals told per message. */
const maxProposalEvents = 8;

export type IkePackets = {
  /** One IKE message (after any marker or length), or octets that are none. */
  message(b: Uint8Array, d: Direction, ts: number, marked: boolean): ProtocolEvent[];
  /** One ESP packet (SPI, sequence, ciphertext): counted only. */
  esp(b: Uint8Array, d: Direction, ts: number): ProtocolEvent[];
  keepalive(): void;
  count(octets: number, ts: number): void;
  end(transport: 'udp' | 'tcp'): ProtocolEvent[];
};

const role = (m: IkeMessage, d: Direction): 'request' | 'response' => {
  if (m.response !== undefined) return m.response ? 'response' : 'request';
  return d === 'to-server' ? 'request' : 'response';
};

/** The exchange that opens an IKE SA: IKE_SA_INIT, or IKEv1's main or aggressive mode. */
const opens = (m: IkeMessage): boolean => m.exchange === 34 || m.exchange === 2 || m.exchange === 4;
/** The exchange whose answer authenticates: IKE_AUTH, aggressive mode's answer, or Quick Mode (phase 2). */
const authenticates = (m: IkeMessage): boolean => m.exchange === 35 || m.exchange === 4 || m.exchange === 32;

const aggressivePsk = (proposals: readonly string[]): boolean =>
  proposals.some((p) => / AUTH_(XAUTH_INIT_)?PSK\b/.test(` ${p}`));

/** The exchange's name as one token of a `key=value` detail (`Aggressive-Mode`). */
const exchangeToken = (m: IkeMessage): string =>
  (exchangeNames[m.exchange] ?? String(m.exchange)).replaceAll(' ', '-');

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

export const createIkePackets = (): IkePackets => {
  let told = 0;
  let version = 0;
  let octets = 0;
  let lastTs = 0;
  let requests = 0;
  let answered = false;
  let authAnswered = false;
  let marked = false;
  let encrypted = 0;
  let keepalives = 0;
  let unreadable = 0;
  let aggressive = false;
  let identity = '';
  let offered = '';
  let chosen = '';
  let psk = false;
  const esp: Record<Direction, number> = { 'to-server': 0, 'to-client': 0 };
  const vendors = new Set<string>();

  const tell = (out: ProtocolEvent[], ts: number, d: Direction, name: string, detail = ''): void => {
    if (told >= maxEvents) return;
    told++;
    out.push(operationEvent('ike', ts, name, detail, d));
  };

  const onProposals = (
    proposals: readonly string[],
    r: string,
    d: Direction,
    ts: number,
    out: ProtocolEvent[],
  ) => {
    for (const p of proposals.slice(0, maxProposalEvents))
      tell(out, ts, d, `${r === 'request' ? 'proposal' : 'chosen'} ${p}`);
    if (proposals.length === 0) return;
    if (r === 'request') offered ||= proposals[0] ?? '';
    else chosen = proposals[0] ?? '';
    psk ||= aggressivePsk(proposals);
  };

  const onContents = (
    m: IkeMessage,
    b: Uint8Array,
    r: string,
    d: Direction,
    ts: number,
    out: ProtocolEvent[],
  ) => {
    const c = readContents(m, b);
    onProposals(c.proposals, r, d, ts, out);
    for (const n of new Set(c.notifies)) tell(out, ts, d, `notify ${n}`);
    for (const v of c.vendors.filter((v) => !vendors.has(v))) {
      vendors.add(v);
      tell(out, ts, d, `vendor ${v}`);
    }
    if (c.identity === '' || m.exchange !== 4 || r !== 'request' || identity !== '') return;
    identity = c.identity;
    tell(out, ts, d, `identity ${c.identity}`, 'mode=aggressive');
  };

  const onMessage = (m: IkeMessage, b: Uint8Array, d: Direction, ts: number, out: ProtocolEvent[]): void => {
    version ||= m.version;
    encrypted += m.encrypted > 0 ? 1 : 0;
    aggressive ||= m.exchange === 4;
    const r = role(m, d);
    const name = `${exchangeNames[m.exchange] ?? m.exchange} ${r}`;
    const header = `version=${m.version} spi=${m.initiatorSpi} message=${m.messageId}`;
    const detail = `${header} octets=${m.length} encrypted=${m.encrypted}`;
    tell(out, ts, d, name, detail);
    onContents(m, b, r, d, ts, out);
    if (r === 'request') requests++;
    else if (opens(m) && !m.responderZero && !answered) {
      answered = true;
      const exchange = `version=${m.version} exchange=${exchangeToken(m)} answered=${requests}`;
      tell(out, ts, d, 'sa-answered', `${exchange} ${suiteText()} identity=${identity}`);
    }
    if (r === 'response' && authenticates(m) && !authAnswered && !m.responderZero) {
      authAnswered = true;
      tell(out, ts, d, 'auth-answered', `version=${m.version} exchange=${exchangeToken(m)}`);
    }
  };

  /** How far the flow got: IKE_AUTH (or its IKEv1 peers) answered, the first exchange answered, only asked. */
  const handshake = (): string => {
    if (authAnswered) return 'auth-answered';
    if (answered) return 'answered';
    return requests > 0 ? 'initiated' : 'none';
  };

  /** The suite chosen (or else the first offered) and its weak algorithms, IKEv1 aggressive mode with PSK too. */
  const suiteText = (): string => {
    const suite = chosen || offered;
    const weak = [...weakAlgorithms(suite), ...(aggressive && psk ? ['AGGRESSIVE_PSK'] : [])];
    return `suite=${suite.replaceAll(' ', ',')} weak=${weak.join(',')}`;
  };

  return {
    count(n, ts) {
      octets += n;
      lastTs = ts;
    },
    keepalive() {
      keepalives++;
    },
    message(b, d, ts, viaMarker) {
      const m = readIkeMessage(b);
      if (m === undefined) {
        unreadable++;
        return [];
      }
      const out: ProtocolEvent[] = [];
      if (viaMarker && !marked) {
        marked = true;
        tell(out, ts, d, 'nat-t', 'marker=non-esp');
      }
      onMessage(m, b, d, ts, out);
      return out;
    },
    esp(b, d, ts) {
      esp[d]++;
      if (esp[d] !== 1) return [];
      const out: ProtocolEvent[] = [];
      tell(out, ts, d, 'esp', `spi=${Buffer.from(b.subarray(0, 4)).toString('hex')}`);
      return out;
    },
    end(transport) {
      const detail = [
        `version=${version}`,
        `handshake=${handshake()}`,
        `transport=${transport}`,
        `nat-t=${yesNo(marked)}`,
        `esp=${esp['to-server']}/${esp['to-client']}`,
        `keepalives=${keepalives}`,
        `encrypted=${encrypted}`,
        `octets=${octets}`,
        suiteText(),
        `aggressive=${yesNo(aggressive)}`,
        `identity=${identity}`,
        `unreadable=${unreadable}`,
      ].join(' ');
      return [operationEvent('ike', lastTs, 'tunnel', detail, 'to-server')];
    },
  };
};
