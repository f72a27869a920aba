/** Runs Debian's ndpiReader on a capture and parses its per-flow labels, for side-by-side comparisons. */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

export type NdpiFlow = {
  transport: string;
  a: string;
  b: string;
  master: string;
  app: string;
  confidence: string;
  risks: string[];
  /** Packets both ways, to tell apart flows that share a 5-tuple on different VLANs. */
  packets: number;
};

/** Parses the flow lines of nDPI's verbose output (the same format as the corpus `.out` files). */
export const parseNdpiFlows = (text: string): NdpiFlow[] =>
  text.split('\n').flatMap((line) => {
    const match =
      /^\s+\d+\s+(TCP|UDP|ICMP|ICMPV6)\s+(\S+)\s+(?:<->|->)\s+(\S+)\s+.*?\[proto: ([^\]]+)\].*?\[Confidence: ([^\]]+)\]/.exec(
        line,
      );
    if (match === null) return [];
    const label = match[4] ?? '';
    const names = (label.split('/')[1] ?? 'Unknown').split('.');
    const app = names[names.length - 1] ?? 'Unknown';
    const master = names[0] ?? app;
    const counts = /\[(\d+) pkts\/\d+ bytes (?:<->|->) (\d+) pkts\/\d+ bytes\]/.exec(line);
    const packets = Number(counts?.[1] ?? 0) + Number(counts?.[2] ?? 0);
    const risks = [...line.matchAll(/\*\* ([^*]+?) \*\*/g)].map((m) => m[1] ?? '');
    return [
      {
        transport: (match[1] ?? '').toLowerCase(),
        a: match[2] ?? '',
        b: match[3] ?? '',
        master,
        app,
        confidence: match[5] ?? '',
        risks,
        packets,
      },
    ];
  });

export const ndpiAvailable = (): boolean => {
  try {
    execFileSync('ndpiReader', ['-h'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return (error as { status?: number }).status !== undefined;
  }
};

/** What a test title adds when ndpiReader is missing (its tests are skipped), and nothing when it is there. */
export const ndpiSkipNote = (): string =>
  ndpiAvailable() ? '' : ' (skipped: ndpiReader is not installed, apt-get install libndpi-bin)';

/**
 * ndpiReader 4.2 writes flow statistics to these fixed paths on every run, whatever TMPDIR says: removed after ours, so
 * the tests and benchmarks leave nothing in /tmp. Another run writing them meanwhile loses nothing it reads.
 */
const ndpiScratch = ['/tmp/ses_result.csv', '/tmp/des_result.csv', '/tmp/result.csv'];

export const removeNdpiScratch = (): void => {
  for (const file of ndpiScratch) rmSync(file, { force: true });
};

/** ndpiReader's verbose report on a capture (`-v 2`: a line per flow with its labels and risks). */
export const ndpiReport = (pcap: string): string => {
  try {
    return execFileSync('ndpiReader', ['-i', pcap, '-v', '2'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } finally {
    removeNdpiScratch();
  }
};

/** The report's TCP flow lines. */
export const ndpiTcpLines = (pcap: string): string[] =>
  ndpiReport(pcap)
    .split('\n')
    .filter((line) => /^\s+\d+\s+TCP /.test(line));

export const runNdpi = (pcap: string): NdpiFlow[] => parseNdpiFlows(ndpiReport(pcap));

/** nDPI application names → our protocol ids, for the protocols both identify. */
export const ndpiToOurs: Record<string, string> = {
  HTTP: 'http',
  BitTorrent: 'bittorrent',
  HTTP_Connect: 'http',
  HTTP_Proxy: 'http',
  HTTP2: 'http2',
  TLS: 'tls',
  DNS: 'dns',
  PostgreSQL: 'postgresql',
  MySQL: 'mysql',
  Redis: 'redis',
  RESP: 'redis',
  MongoDB: 'mongodb',
  Kafka: 'kafka',
  AMQP: 'amqp',
  MQTT: 'mqtt',
  Memcached: 'memcached',
  SSH: 'ssh',
  Cassandra: 'cassandra',
  SMTP: 'smtp',
  LDAP: 'ldap',
  Nats: 'nats',
  ZooKeeper: 'zookeeper',
  Elasticsearch: 'elasticsearch',
  'MsSQL-TDS': 'mssql',
  QUIC: 'quic',
  FTP_CONTROL: 'ftp',
  POP3: 'pop3',
  IMAP: 'imap',
  Telnet: 'telnet',
  Syslog: 'syslog',
  Kerberos: 'kerberos',
  SNMP: 'snmp',
  Mining: 'stratum',
  SOCKS: 'socks',
  IRC: 'irc',
  VNC: 'vnc',
  WireGuard: 'wireguard',
  OpenVPN: 'openvpn',
  SMBv1: 'smb',
  SMBv23: 'smb',
  RDP: 'rdp',
  IPsec: 'ike',
  STUN: 'stun',
  Zabbix: 'zabbix',
  SIP: 'sip',
  // nDPI's NFS dissector takes any ONC RPC call or reply (the portmapper's, mountd's), not only NFS's.
  NFS: 'onc-rpc',
};

/** Our id for an nDPI label: the application when we know it, else its master protocol (`DNS.WhatsApp` → dns). */
export const ourIdOf = (flow: Pick<NdpiFlow, 'master' | 'app'>): string | undefined =>
  ndpiToOurs[flow.app] ?? ndpiToOurs[flow.master];
