/**
 * A plaintext protocol whose connection turns to TLS part way (SMTP, IMAP, POP3 and FTP after STARTTLS, STLS or AUTH
 * TLS; LDAP's StartTLS; PostgreSQL's accepted SSLRequest; MySQL's SSL request; NATS after an INFO that requires or
 * offers TLS): once its parser says a direction has
 * switched, that direction's bytes go to the TLS reader (`tls-stream.ts`), so the hellos (version, SNI, ALPN, JA3,
 * JA4), the server's certificate (TLS 1.2) and heartbeats are read as on any TLS connection, and the flow is known to
 * be encrypted from there on.
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import type { FrameContext } from './framed-parser.ts';
import type { ProtocolParser } from './protocol.ts';
import { createTlsStream, type TlsStream } from './tls-stream.ts';

export type TlsUpgrade = {
  /**
   * From here on `direction` carries TLS; `held` are its octets already received past the switch (a MySQL client
   * sends its ClientHello right behind its SSL request, often in the same segment).
   */
  start(direction: Direction, held?: Uint8Array): void;
};

const none: readonly ProtocolEvent[] = [];

/**
 * Both directions of a message-framed protocol turn to TLS (an accepted SSLRequest, SSL request or StartTLS): each
 * stops, and what it holds past the current message goes to the TLS reader.
 */
export const framedToTls = (upgrade: TlsUpgrade, ctx: FrameContext): void => {
  for (const direction of ['to-server', 'to-client'] as const) {
    upgrade.start(direction, ctx.rest(direction));
    ctx.stop(direction);
  }
};

/**
 * Wraps the parser `build` makes, handing it the switch. The inner parser sees nothing of a direction after its
 * switch; the events of octets it handed over come back with the call that handed them.
 */
export const upgradable = (build: (upgrade: TlsUpgrade) => ProtocolParser): ProtocolParser => {
  let tls: TlsStream | undefined;
  let toServer = false;
  let toClient = false;
  let handed: { direction: Direction; held: Uint8Array }[] = [];
  const inner = build({
    start(direction, held) {
      tls ??= createTlsStream();
      if (direction === 'to-server') toServer = true;
      else toClient = true;
      if (held !== undefined && held.length > 0) handed.push({ direction, held });
    },
  });
  const handOver = (events: ProtocolEvent[], ts: number): ProtocolEvent[] => {
    if (handed.length === 0 || tls === undefined) return events;
    const out = [...events];
    for (const { direction, held } of handed) out.push(...tls.parse(held, direction, ts));
    handed = [];
    return out;
  };
  const parser: ProtocolParser = {
    parse(chunk, direction, ts) {
      const switched = direction === 'to-server' ? toServer : toClient;
      if (switched) return tls?.parse(chunk, direction, ts) ?? (none as ProtocolEvent[]);
      return handOver(inner.parse(chunk, direction, ts), ts);
    },
    gap(direction, lost) {
      const switched = direction === 'to-server' ? toServer : toClient;
      if (switched) tls?.gap(direction, lost);
      else return inner.gap(direction, lost);
    },
  };
  const end = inner.end;
  if (end !== undefined) parser.end = () => end.call(inner);
  return parser;
};
