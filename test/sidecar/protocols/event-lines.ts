/** Test helper: protocol events as one readable line each (`C USER alice`, `S login refused sasl alice`, `data ...`). */
import type {
  DbAuthEvent,
  ExpectedFlowEvent,
  OperationEvent,
  TlsClientHelloEvent,
  TlsRecordEvent,
} from '#sidecar/events.ts';

type Lined = OperationEvent | DbAuthEvent | ExpectedFlowEvent | TlsClientHelloEvent | TlsRecordEvent;

const side = (e: Lined): string => (e.direction === 'to-server' ? 'C' : 'S');

const lineOf = (e: Lined): string => {
  switch (e.kind) {
    // After a switch to TLS (STARTTLS, STLS, AUTH TLS, an SSLRequest): what the TLS reader made of it.
    case 'tls-client-hello':
      return `C TLS ClientHello sni=${e.sni ?? ''}`;
    case 'tls-record':
      return `${side(e)} TLS record`;
    case 'expected-flow':
      return `data ${e.listener} listens on ${e.ip ?? '(control address)'} ${e.port}`;
    case 'db-auth':
      return ['S login', e.ok ? 'ok' : 'refused', e.method, e.user].filter(Boolean).join(' ');
    default:
      return `${side(e)} ${e.operation} ${e.detail ?? ''}`.trim();
  }
};

export const eventLines = (events: unknown[]): string[] => (events as Lined[]).map(lineOf);
