/**
 * The event kinds each registered protocol's parser emits, so the engine can tell that no observer reads a direction
 * of a flow. `tunnelled`: kinds emitted only once the connection carries something else (the TLS records after a
 * STARTTLS, or any protocol's events inside an HTTP CONNECT or SOCKS tunnel); they do not decide a direction's budget
 * up front, but the first one seen lifts it (see parse-budget.ts). A protocol not listed is treated as emitting every
 * kind. A test replays real traffic and fails when a parser emits a kind missing here.
 */
import type { ProtocolId } from '#core/protocol-id.ts';
import type { ProtocolEventKind } from '../events.ts';

export type EventKinds = { kinds: readonly ProtocolEventKind[]; tunnelled?: readonly ProtocolEventKind[] };

/** `dns-message`: only a flow that turns out to carry DNS over HTTPS (http-doh.ts) emits it, so it lifts, not decides. */
const http: EventKinds = {
  kinds: ['http-request', 'http-response', 'grpc-call', 'http2-control'],
  tunnelled: [
    'tls-client-hello',
    'tls-server-hello',
    'tls-record',
    'tls-certificate',
    'websocket-message',
    'dns-message',
  ],
};
/** SOCKS's own handshake; what a granted CONNECT carries is any protocol's (below). */
const socks: EventKinds = { kinds: ['operation', 'db-auth'] };
const operations: EventKinds = { kinds: ['operation'] };
/** The TLS reader's kinds, for protocols that carry TLS only from some point on (tls-upgrade.ts, CONNECT tunnels). */
const tlsKinds: readonly ProtocolEventKind[] = [
  'tls-client-hello',
  'tls-server-hello',
  'tls-record',
  'tls-certificate',
];
/** A plaintext protocol that may turn to TLS part way (STARTTLS, an accepted SSLRequest). */
const upgrades = (kinds: readonly ProtocolEventKind[]): EventKinds => ({ kinds, tunnelled: tlsKinds });

const listed: Partial<Record<ProtocolId, EventKinds>> = {
  http,
  http2: http,
  grpc: http,
  tls: { kinds: ['tls-client-hello', 'tls-server-hello', 'tls-record', 'tls-certificate'] },
  dns: { kinds: ['dns-message'] },
  quic: { kinds: ['tls-client-hello', 'tls-server-hello'] },
  postgresql: upgrades(['sql-query', 'db-auth', 'operation']),
  mysql: upgrades(['sql-query', 'db-auth']),
  redis: { kinds: ['redis-command', 'db-auth', 'redis-reply'] },
  mongodb: { kinds: ['db-auth', 'operation'] },
  kafka: { kinds: ['kafka-request'] },
  amqp: operations,
  mqtt: { kinds: ['mqtt'] },
  memcached: operations,
  ssh: { kinds: ['ssh-banner', 'ssh-kexinit'] },
  cassandra: { kinds: ['sql-query', 'operation'] },
  smtp: upgrades(['operation', 'db-auth']),
  ftp: upgrades(['operation', 'db-auth', 'expected-flow']),
  'ftp-data': { kinds: ['file-data'] },
  pop3: upgrades(['operation', 'db-auth']),
  imap: upgrades(['operation', 'db-auth']),
  telnet: { kinds: ['operation', 'db-auth'] },
  syslog: operations,
  statsd: operations,
  kerberos: { kinds: ['operation', 'db-auth'] },
  snmp: { kinds: ['operation', 'db-auth'] },
  ldap: upgrades(['operation', 'db-auth']),
  nats: upgrades(['operation']),
  stratum: { kinds: ['operation', 'mining'] },
  irc: operations,
  shell: operations,
  vnc: { kinds: ['operation', 'db-auth'] },
  smb: { kinds: ['smb', 'db-auth'] },
  bittorrent: { kinds: ['operation', 'p2p'] },
  socks,
  zookeeper: operations,
  thrift: operations,
  rmi: operations,
  t3: operations,
  giop: operations,
  'onc-rpc': operations,
  stomp: { kinds: ['operation', 'db-auth'] },
  // The requests it forwards and their answers, as HTTP's; its control packets (CPING, SHUTDOWN) as operations.
  ajp: { kinds: ['http-request', 'http-response', 'operation'] },
  jdwp: operations,
  clickhouse: { kinds: ['sql-query', 'db-auth', 'operation'] },
  openwire: operations,
  zabbix: operations,
  stun: operations,
  sip: { kinds: ['operation', 'db-auth'] },
  radius: { kinds: ['operation', 'db-auth'] },
  beanstalkd: operations,
  gearman: operations,
  // TLS from the server's confirm on when it chose TLS, CredSSP or RDSTLS.
  rdp: upgrades(['operation']),
  epmd: operations,
  erlang: { kinds: ['operation', 'db-auth'] },
  wireguard: operations,
  ike: operations,
  // The control channel's TLS, read in plain and tls-auth modes.
  openvpn: { kinds: ['operation', 'tls-client-hello', 'tls-server-hello', 'tls-record', 'tls-certificate'] },
  elasticsearch: operations,
  // TLS only when the client asked for encryption (inside PRELOGIN packets, then bare records).
  mssql: {
    kinds: ['sql-query', 'db-auth', 'operation'],
    tunnelled: ['tls-client-hello', 'tls-server-hello', 'tls-record', 'tls-certificate'],
  },
};

/** Every kind a listed protocol emits: what an HTTP/1 or SOCKS tunnel may carry, since its inner protocol is read too. */
const everyKind = [
  ...new Set(Object.values(listed).flatMap((entry) => [...entry.kinds, ...(entry.tunnelled ?? [])])),
];

export const protocolEventKinds: Partial<Record<ProtocolId, EventKinds>> = {
  ...listed,
  http: { kinds: http.kinds, tunnelled: everyKind },
  socks: { kinds: socks.kinds, tunnelled: everyKind },
};
