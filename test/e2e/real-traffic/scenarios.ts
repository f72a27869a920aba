/**
 * Real servers and clients from Debian's packages, each on a port that belongs to a different
 * protocol, so a port-based guess is always wrong and only the bytes can tell.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nginxConf, waitUntil } from '#test/fixtures/protocols/live-servers.ts';
import { type Netns, waitForListen } from '#test/helpers/netns.ts';
import { selfSignedCertArgs } from '#test/helpers/self-signed-cert.ts';
import { ircScenario } from './irc-scenario.ts';
import { logScenarios } from './log-scenarios.ts';
import { mailFtpScenarios } from './mail-ftp-scenarios.ts';
import type { Scenario } from './scenario.ts';
import { snmpScenario } from './snmp-scenario.ts';
import { socksScenario } from './socks-scenario.ts';
import { submissionScenario } from './submission-scenario.ts';
import { telnetScenario } from './telnet-scenario.ts';

export type { Scenario } from './scenario.ts';

const tolerant = (fn: () => void) => {
  try {
    fn();
  } catch {
    // clients that are refused (ssh auth, 404s) still produced the bytes we need
  }
};

const pgBin = '/usr/lib/postgresql/15/bin';

export const scenarios: Scenario[] = [
  {
    name: 'redis-server on the PostgreSQL port',
    protocol: 'redis',
    transport: 'tcp',
    port: 5432,
    portBelongsTo: 'postgresql',
    commands: ['redis-server', 'redis-cli'],
    async start(ns) {
      ns.spawn('redis-server', ['--port', '5432', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
      await waitForListen(ns, 5432);
    },
    client(ns) {
      ns.exec('redis-cli', ['-p', '5432', 'SET', 'cart:42', 'socks']);
      ns.exec('redis-cli', ['-p', '5432', 'GET', 'cart:42']);
    },
  },
  {
    name: 'PostgreSQL on the Redis port',
    protocol: 'postgresql',
    transport: 'tcp',
    port: 6379,
    portBelongsTo: 'redis',
    commands: [`${pgBin}/postgres`, 'psql', 'runuser'],
    async start(ns, dir) {
      const data = join(dir, 'pg');
      mkdirSync(data, { recursive: true });
      chmodSync(dir, 0o755);
      ns.exec('chown', ['-R', 'postgres:postgres', data]);
      ns.exec(
        'runuser',
        ['-u', 'postgres', '--', `${pgBin}/initdb`, '-D', data, '--auth=trust', '-U', 'postgres'],
        {
          timeoutMs: 60_000,
        },
      );
      ns.spawn('runuser', [
        '-u',
        'postgres',
        '--',
        `${pgBin}/postgres`,
        '-D',
        data,
        '-p',
        '6379',
        '-h',
        '127.0.0.1',
        '-k',
        data,
      ]);
      await waitForListen(ns, 6379, 30_000);
      // Listening is not ready: until recovery ends the server refuses logins ("the database system is starting
      // up"), which once failed psql below on a loaded machine. pg_isready's own connections are PostgreSQL too.
      await waitUntil(
        () => {
          try {
            ns.exec(`${pgBin}/pg_isready`, ['-h', '127.0.0.1', '-p', '6379', '-U', 'postgres']);
            return true;
          } catch {
            return false;
          }
        },
        'PostgreSQL accepting connections',
        30_000,
      );
    },
    client(ns) {
      ns.exec('psql', [
        '-h',
        '127.0.0.1',
        '-p',
        '6379',
        '-U',
        'postgres',
        '-c',
        'SELECT count(*) FROM pg_class',
      ]);
    },
  },
  {
    name: 'MariaDB on the memcached port',
    protocol: 'mysql',
    transport: 'tcp',
    port: 11211,
    portBelongsTo: 'memcached',
    commands: ['mariadbd', 'mariadb-install-db', 'mariadb'],
    async start(ns, dir) {
      const data = join(dir, 'mariadb');
      ns.exec(
        'mariadb-install-db',
        ['--user=root', `--datadir=${data}`, '--skip-test-db', '--auth-root-authentication-method=normal'],
        {
          timeoutMs: 90_000,
        },
      );
      ns.spawn('mariadbd', [
        '--user=root',
        `--datadir=${data}`,
        '--port=11211',
        '--bind-address=127.0.0.1',
        `--socket=${join(dir, 'mariadb.sock')}`,
        '--skip-log-bin',
      ]);
      await waitForListen(ns, 11211, 60_000);
    },
    client(ns) {
      ns.exec('mariadb', [
        '-h',
        '127.0.0.1',
        '-P',
        '11211',
        '-u',
        'root',
        '--skip-ssl',
        '-e',
        'SELECT VERSION()',
      ]);
    },
  },
  {
    name: 'memcached on the MQTT port',
    protocol: 'memcached',
    transport: 'tcp',
    port: 1883,
    portBelongsTo: 'mqtt',
    commands: ['memcached', 'memcstat'],
    async start(ns) {
      ns.spawn('memcached', ['-u', 'root', '-l', '127.0.0.1', '-p', '1883', '-U', '0']);
      await waitForListen(ns, 1883);
    },
    client(ns) {
      ns.exec('memcstat', ['--servers=127.0.0.1:1883']);
    },
  },
  {
    name: 'mosquitto on the MySQL port',
    protocol: 'mqtt',
    transport: 'tcp',
    port: 3306,
    portBelongsTo: 'mysql',
    commands: ['mosquitto', 'mosquitto_pub'],
    async start(ns, dir) {
      const conf = join(dir, 'mosquitto.conf');
      writeFileSync(conf, 'listener 3306 127.0.0.1\nallow_anonymous true\npersistence false\n');
      ns.spawn('mosquitto', ['-c', conf]);
      await waitForListen(ns, 3306);
    },
    client(ns) {
      ns.exec('mosquitto_pub', [
        '-h',
        '127.0.0.1',
        '-p',
        '3306',
        '-t',
        'shop/orders',
        '-m',
        'order 42 placed',
      ]);
    },
  },
  {
    name: 'nginx HTTP on the MongoDB port',
    protocol: 'http',
    transport: 'tcp',
    port: 27017,
    portBelongsTo: 'mongodb',
    commands: ['nginx', 'curl', 'openssl'],
    async start(ns, dir) {
      await startNginx(ns, dir);
    },
    client(ns) {
      ns.exec('curl', ['-s', '-o', '/dev/null', 'http://127.0.0.1:27017/api/v1/products/42']);
    },
  },
  {
    name: 'nginx TLS on the Kafka port',
    protocol: 'tls',
    transport: 'tcp',
    port: 9092,
    portBelongsTo: 'kafka',
    commands: ['nginx', 'curl', 'openssl'],
    sni: 'shop.test',
    async start() {
      // started with the HTTP scenario: one nginx, two listeners
    },
    client(ns) {
      ns.exec('curl', [
        '-sk',
        '-o',
        '/dev/null',
        '--resolve',
        'shop.test:9092:127.0.0.1',
        'https://shop.test:9092/',
      ]);
    },
  },
  {
    name: 'nghttpd HTTP/2 (prior knowledge) on the AMQP port',
    protocol: 'http2',
    transport: 'tcp',
    port: 5672,
    portBelongsTo: 'amqp',
    commands: ['nghttpd', 'nghttp'],
    async start(ns, dir) {
      ns.spawn('nghttpd', ['--no-tls', '-d', dir, '-a', '127.0.0.1', '5672']);
      await waitForListen(ns, 5672);
    },
    client(ns) {
      tolerant(() => ns.exec('nghttp', ['-n', 'http://127.0.0.1:5672/index.html']));
    },
  },
  {
    name: 'gRPC-shaped HTTP/2 call (content-type application/grpc) on the NATS port',
    protocol: 'grpc',
    transport: 'tcp',
    port: 4222,
    portBelongsTo: 'nats',
    commands: ['nghttpd', 'nghttp'],
    async start(ns, dir) {
      ns.spawn('nghttpd', ['--no-tls', '-d', dir, '-a', '127.0.0.1', '4222']);
      await waitForListen(ns, 4222);
    },
    client(ns, dir) {
      const body = join(dir, 'grpc-body.bin');
      writeFileSync(body, Buffer.from([0, 0, 0, 0, 4, 0x0a, 0x02, 0x34, 0x32]));
      const headers = ['-H', 'content-type: application/grpc', '-H', 'te: trailers'];
      tolerant(() =>
        ns.exec('nghttp', [
          '-n',
          ...headers,
          '-d',
          body,
          'http://127.0.0.1:4222/hipstershop.ProductCatalogService/GetProduct',
        ]),
      );
    },
  },
  {
    name: 'OpenSSH on the HTTP port',
    protocol: 'ssh',
    transport: 'tcp',
    port: 80,
    portBelongsTo: 'http',
    commands: ['/usr/sbin/sshd', 'ssh', 'ssh-keygen'],
    async start(ns, dir) {
      const key = join(dir, 'ssh_host_ed25519_key');
      ns.exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
      mkdirSync('/run/sshd', { recursive: true });
      ns.spawn('/usr/sbin/sshd', [
        '-D',
        '-e',
        '-p',
        '80',
        '-h',
        key,
        '-o',
        'ListenAddress=127.0.0.1',
        '-o',
        `PidFile=${join(dir, 'sshd.pid')}`,
      ]);
      await waitForListen(ns, 80);
    },
    client(ns) {
      const options = [
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
      ];
      tolerant(() => ns.exec('ssh', [...options, '-p', '80', 'nobody@127.0.0.1', 'true']));
    },
  },
  {
    name: 'dnsmasq over UDP on the HTTPS port',
    protocol: 'dns',
    transport: 'udp',
    port: 443,
    portBelongsTo: 'https',
    commands: ['dnsmasq', 'dig'],
    async start(ns) {
      ns.spawn('dnsmasq', [
        '-k',
        '--port=443',
        '--listen-address=127.0.0.1',
        '--bind-interfaces',
        '--no-resolv',
        '--no-hosts',
        '--address=/catalog.shop.test/10.9.8.7',
        '--user=root',
      ]);
      await waitForListen(ns, 443);
    },
    client(ns) {
      ns.exec('dig', ['+short', '+tries=1', '+time=2', '@127.0.0.1', '-p', '443', 'catalog.shop.test', 'A']);
    },
  },
  {
    name: 'dnsmasq over TCP on the HTTPS port',
    protocol: 'dns',
    transport: 'tcp',
    port: 443,
    portBelongsTo: 'https',
    commands: ['dnsmasq', 'dig'],
    async start() {
      // the UDP scenario's dnsmasq also answers over TCP
    },
    client(ns) {
      ns.exec('dig', [
        '+tcp',
        '+short',
        '+tries=1',
        '+time=2',
        '@127.0.0.1',
        '-p',
        '443',
        'catalog.shop.test',
        'A',
      ]);
    },
  },
  {
    name: 'nats-server on the ZooKeeper port',
    protocol: 'nats',
    transport: 'tcp',
    port: 2181,
    portBelongsTo: 'zookeeper',
    commands: ['nats-server', 'nc'],
    async start(ns) {
      ns.spawn('nats-server', ['-a', '127.0.0.1', '-p', '2181']);
      await waitForListen(ns, 2181);
    },
    client(ns) {
      // nats-server speaks first (INFO); the client side is a minimal hand-written CONNECT/PUB/PING.
      const input =
        'CONNECT {"verbose":false,"name":"meshward-test"}\r\nPUB orders.created 2\r\nhi\r\nPING\r\n';
      tolerant(() => ns.exec('nc', ['-q', '1', '127.0.0.1', '2181'], { input, timeoutMs: 5000 }));
    },
  },
  {
    name: 'WebSocket (the ws library, permessage-deflate) on the SQL Server port',
    protocol: 'http',
    transport: 'tcp',
    port: 1433,
    portBelongsTo: 'mssql',
    commands: [],
    operations: ['websocket text'],
    async start(ns, dir) {
      writeFileSync(join(dir, 'ws-server.mjs'), websocketServer);
      ns.spawn(process.execPath, [join(dir, 'ws-server.mjs')]);
      await waitForListen(ns, 1433);
    },
    client(ns, dir) {
      writeFileSync(join(dir, 'ws-client.mjs'), websocketClient);
      ns.exec(process.execPath, [join(dir, 'ws-client.mjs')], { timeoutMs: 10_000 });
    },
  },
  ...mailFtpScenarios,
  telnetScenario,
  ...logScenarios,
  submissionScenario,
  snmpScenario,
  socksScenario,
  ircScenario,
];

/** The ws package this repository installs (a devDependency), imported by absolute URL from scripts in a temp dir. */
const ws = pathToFileURL(
  join(import.meta.dirname, '..', '..', '..', 'node_modules', 'ws', 'wrapper.mjs'),
).href;
const websocketServer = `import { WebSocketServer } from '${ws}';
const server = new WebSocketServer({ host: '127.0.0.1', port: 1433, perMessageDeflate: { threshold: 0 } });
server.on('connection', (socket) => socket.on('message', (data) => socket.send('echo ' + data)));
`;
const websocketClient = `import WebSocket from '${ws}';
const socket = new WebSocket('ws://127.0.0.1:1433/live', { perMessageDeflate: { threshold: 0 } });
const messages = [JSON.stringify({ q: 'socks' }), JSON.stringify({ q: 'socks', page: 2 })];
socket.on('open', () => socket.send(messages.shift()));
socket.on('message', () => (messages.length > 0 ? socket.send(messages.shift()) : socket.close()));
socket.on('error', (error) => {
  console.error(String(error));
  process.exit(2);
});
socket.on('close', () => process.exit(0));
setTimeout(() => process.exit(1), 8000);
`;

const startNginx = async (ns: Netns, dir: string) => {
  const key = join(dir, 'tls.key');
  const cert = join(dir, 'tls.crt');
  ns.exec('openssl', selfSignedCertArgs(key, cert, 'shop.test'));
  writeFileSync(join(dir, 'index.html'), '<h1>shop</h1>\n');
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    nginxConf(dir, [
      `server { listen 127.0.0.1:27017; root ${dir}; location / { try_files $uri /index.html; } }`,
      `server { listen 127.0.0.1:9092 ssl; server_name shop.test; ssl_certificate ${cert}; ssl_certificate_key ${key}; root ${dir}; }`,
    ]),
  );
  ns.spawn('nginx', ['-c', conf, '-e', join(dir, 'nginx-error.log')]);
  await waitForListen(ns, 27017);
  await waitForListen(ns, 9092);
};
