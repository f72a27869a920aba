/**
 * Extracts per-flow payload sequences from real captures with tshark, as templates for the synthetic
 * benchmark capture. Sources: bench/fixtures/real-traffic.pcap (made by test/e2e/real-traffic with real
 * servers and clients from Debian's packages) and nDPI's test captures in ../shared/corpus/ndpi/.
 * Usage: npx tsx scripts/bench/extract-sessions.ts > bench/fixtures/sessions.json
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

type Message = { fromClient: boolean; hex: string };
type Session = {
  source: string;
  transport: 'tcp' | 'udp';
  label: string;
  serverPort?: number;
  messages: Message[];
};

const corpus = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'ndpi');
const sources: { file: string; label: string }[] = [
  {
    file: join(import.meta.dirname, '..', '..', 'bench', 'fixtures', 'real-traffic.pcap'),
    label: 'real-traffic',
  },
  ...[
    'http.pcapng',
    'http2.pcapng',
    'tls_esni_sni_both.pcap',
    'dns.pcap',
    'mysql.pcapng',
    'pgsql.pcap',
    'mongodb.pcap',
    'kafka.pcapng',
    'amqp.pcap',
    'mqtt.pcap',
    'memcached.cap',
    'ssh.pcap',
    'cassandra.pcap',
    'nats.pcap',
    'smtp.pcap',
    'resp.pcap',
  ].map((file) => ({ file: join(corpus, file), label: file })),
];

const maxMessages = 24;
const maxBytes = 16_384;

type Building = Session & { clientPort?: string | undefined };

/** Adds one tshark row to its session: the first talker with payload or a bare SYN is the client. */
const addPacket = (sessions: Map<string, Building>, label: string, fields: string[]): void => {
  const [tcpStream = '', udpStream = '', syn, ack, tcpPort, udpPort, tcpPayload = '', udpPayload = ''] =
    fields;
  const transport = tcpStream !== '' ? 'tcp' : 'udp';
  const stream = transport === 'tcp' ? tcpStream : udpStream;
  if (stream === '') return;
  const key = `${transport}:${stream}`;
  const port = transport === 'tcp' ? tcpPort : udpPort;
  const payload = transport === 'tcp' ? tcpPayload : udpPayload;
  const session = sessions.get(key) ?? { source: label, transport, label: `${label}#${key}`, messages: [] };
  sessions.set(key, session);
  const opens = transport === 'udp' || (syn === '1' && ack === '0') || payload !== '';
  if (session.clientPort === undefined && opens) session.clientPort = port;
  if (session.clientPort !== undefined && port !== session.clientPort) session.serverPort ??= Number(port);
  const hex = payload.replaceAll(':', '');
  if (hex === '' || session.messages.length >= maxMessages) return;
  session.messages.push({ fromClient: port === session.clientPort, hex: hex.slice(0, maxBytes * 2) });
};

const extract = (file: string, label: string): Session[] => {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      file,
      '-T',
      'fields',
      '-E',
      'separator=/t',
      '-e',
      'tcp.stream',
      '-e',
      'udp.stream',
      '-e',
      'tcp.flags.syn',
      '-e',
      'tcp.flags.ack',
      '-e',
      'tcp.srcport',
      '-e',
      'udp.srcport',
      '-e',
      'tcp.payload',
      '-e',
      'udp.payload',
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const sessions = new Map<string, Building>();
  for (const line of out.split('\n')) addPacket(sessions, label, line.split('\t'));
  return [...sessions.values()]
    .filter((session) => session.messages.length > 0)
    .map(({ clientPort: _unused, ...session }) => session);
};

const all = sources
  .filter((source) => existsSync(source.file))
  .flatMap((source) => extract(source.file, source.label));
process.stdout.write(
  `${JSON.stringify({ generatedBy: 'scripts/bench/extract-sessions.ts', sessions: all })}\n`,
);
