/** The application protocols the tap identifies from bytes, as lowercase ids. */
import { z } from 'zod';

export const protocolIds = [
  'http',
  'http2',
  'grpc',
  'tls',
  'dns',
  'postgresql',
  'mysql',
  'redis',
  'mongodb',
  'kafka',
  'amqp',
  'mqtt',
  'memcached',
  'ssh',
  'cassandra',
  'smtp',
  'ldap',
  'nats',
  'zookeeper',
  'elasticsearch',
  'mssql',
  'quic',
  'ftp',
  'ftp-data',
  'pop3',
  'imap',
  'telnet',
  'syslog',
  'statsd',
  'kerberos',
  'snmp',
  'stratum',
  'socks',
  'irc',
  'vnc',
  'wireguard',
  'openvpn',
  'smb',
  'shell',
  'bittorrent',
  'thrift',
  'rmi',
  'clickhouse',
  'rdp',
  'epmd',
  'erlang',
  'openwire',
  'unknown',
] as const;

export const protocolIdSchema = z.enum(protocolIds);
export type ProtocolId = z.infer<typeof protocolIdSchema>;

export const transportSchema = z.enum(['tcp', 'udp', 'icmp', 'icmpv6', 'other']);
export type Transport = z.infer<typeof transportSchema>;
