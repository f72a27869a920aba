/**
 * The event kinds each registered protocol's parser emits, so the engine can tell that no observer reads a direction
 * of a flow. `tunnelled`: kinds emitted only once the connection carries something else (an HTTP CONNECT tunnel's
 * TLS records); they do not decide a direction's budget up front, but the first one seen lifts it (see
 * parse-budget.ts). A protocol not listed is treated as emitting every kind. A test replays real traffic and fails
 * when a parser emits a kind missing here.
 */
import type { ProtocolId } from '#core/protocol-id.ts';
import type { ProtocolEventKind } from '../events.ts';

export type EventKinds = { kinds: readonly ProtocolEventKind[]; tunnelled?: readonly ProtocolEventKind[] };

const http: EventKinds = {
  kinds: ['http-request', 'http-response', 'grpc-call'],
  tunnelled: ['tls-client-hello', 'tls-server-hello', 'tls-record', 'tls-certificate', 'websocket-message'],
};
const operations: EventKinds = { kinds: ['operation'] };

export const protocolEventKinds: Partial<Record<ProtocolId, EventKinds>> = {
  http,
  http2: http,
  grpc: http,
  tls: { kinds: ['tls-client-hello', 'tls-server-hello', 'tls-record', 'tls-certificate'] },
  dns: { kinds: ['dns-message'] },
  quic: { kinds: ['tls-client-hello', 'tls-server-hello'] },
  postgresql: { kinds: ['sql-query', 'db-auth'] },
  mysql: { kinds: ['sql-query', 'db-auth'] },
  redis: { kinds: ['redis-command', 'db-auth'] },
  mongodb: { kinds: ['db-auth', 'operation'] },
  kafka: { kinds: ['kafka-request'] },
  amqp: operations,
  mqtt: { kinds: ['mqtt'] },
  memcached: operations,
  ssh: { kinds: ['ssh-banner', 'ssh-kexinit'] },
  cassandra: { kinds: ['sql-query', 'operation'] },
  smtp: { kinds: ['operation', 'db-auth'] },
  ftp: { kinds: ['operation', 'db-auth', 'expected-flow'] },
  'ftp-data': { kinds: ['file-data'] },
  pop3: { kinds: ['operation', 'db-auth'] },
  imap: { kinds: ['operation', 'db-auth'] },
  telnet: { kinds: ['operation', 'db-auth'] },
  syslog: operations,
  statsd: operations,
  kerberos: { kinds: ['operation', 'db-auth'] },
  snmp: { kinds: ['operation', 'db-auth'] },
  ldap: { kinds: ['operation', 'db-auth'] },
  nats: operations,
  stratum: { kinds: ['operation', 'mining'] },
  irc: operations,
  shell: operations,
  vnc: { kinds: ['operation', 'db-auth'] },
  bittorrent: { kinds: ['operation', 'p2p'] },
  // TLS only inside a granted CONNECT, as through an HTTP CONNECT.
  socks: {
    kinds: ['operation', 'db-auth'],
    tunnelled: ['tls-client-hello', 'tls-server-hello', 'tls-record', 'tls-certificate'],
  },
  zookeeper: operations,
  elasticsearch: operations,
  // TLS only when the client asked for encryption (inside PRELOGIN packets, then bare records).
  mssql: {
    kinds: ['sql-query', 'db-auth', 'operation'],
    tunnelled: ['tls-client-hello', 'tls-server-hello', 'tls-record', 'tls-certificate'],
  },
};
