/**
 * The PROXY protocol between real software: HAProxy in front (as an AWS NLB or an ingress's balancer would be),
 * sending version 1, version 2, and version 2 with its SSL and authority TLVs after ending the client's TLS, to nginx
 * listening with `proxy_protocol` (as ingress-nginx does behind a balancer). The bytes between them are recorded
 * through the loopback relay on ports of other protocols, read by our engine and by Debian's ndpiReader.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import {
  freePort,
  hasBinaries,
  nginxConf,
  run,
  startDaemon,
  stopDaemon,
  waitForPort,
} from '#test/fixtures/protocols/live-servers.ts';
import { ndpiAvailable } from '#test/helpers/ndpi-reader.ts';
import { selfSignedCertArgs } from '#test/helpers/self-signed-cert.ts';
import { startRecorder } from '../protocols/loopback-recorder.ts';
import { recordAndInspect } from '../threats/recorded-sessions.ts';

const available =
  hasBinaries('/usr/sbin/haproxy', '/usr/sbin/nginx', '/usr/bin/curl', '/usr/bin/openssl') && ndpiAvailable();
const dir = mkdtempSync(join(tmpdir(), 'meshward-proxy-protocol-'));

/** The ports the recorded sessions are written on: each belongs to another protocol. */
const ports = { v1: 5432, v2tls: 6379, v2ssl: 3306 };
/** nginx tells who it thinks the client is (from the PROXY header), so the test can hold our reading to it. */
const said = /client=([\d.]+):(\d+) ssl=(\S*)/;

const proxiedConf = (http: number, https: number, cert: string, key: string): string =>
  nginxConf(dir, [
    `server { listen 127.0.0.1:${http} proxy_protocol; location / { return 200 "client=$proxy_protocol_addr:$proxy_protocol_port ssl=-\\n"; } }`,
    `server { listen 127.0.0.1:${https} ssl proxy_protocol; server_name shop.test; ssl_certificate ${cert}; ssl_certificate_key ${key};`,
    '  location / { return 200 "client=$proxy_protocol_addr:$proxy_protocol_port ssl=$ssl_protocol\\n"; } }',
  ]);

/** Three front ends: TCP with v1, TCP (TLS passing through) with v2, and TLS ended here with v2 and its TLVs. */
const haproxyConf = (front: number[], back: number[], pem: string): string =>
  [
    'global',
    '  maxconn 64',
    'defaults',
    '  mode tcp',
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
    `frontend v1\n  bind 127.0.0.1:${front[0]}\n  default_backend v1`,
    `backend v1\n  server s 127.0.0.1:${back[0]} send-proxy`,
    `frontend v2tls\n  bind 127.0.0.1:${front[1]}\n  default_backend v2tls`,
    `backend v2tls\n  server s 127.0.0.1:${back[1]} send-proxy-v2`,
    `frontend v2ssl\n  mode http\n  bind 127.0.0.1:${front[2]} ssl crt ${pem} alpn http/1.1\n  default_backend v2ssl`,
    `backend v2ssl\n  mode http\n  server s 127.0.0.1:${back[2]} send-proxy-v2 proxy-v2-options ssl,cert-cn,ssl-cipher,cert-key,cert-sig,authority,crc32c`,
    '',
  ].join('\n');

describe.skipIf(!available)(
  `PROXY protocol from HAProxy to nginx, against nDPI${available ? '' : ' (skipped: apt-get install haproxy nginx-light curl openssl libndpi-bin)'}`,
  () => {
    let nginx: ReturnType<typeof startDaemon> | undefined;
    let haproxy: ReturnType<typeof startDaemon> | undefined;
    let flows: FlowFinding[] = [];
    let ours: ThreatFinding[] = [];
    let ndpiLines: string[] = [];
    const answers: Record<string, string> = {};

    beforeAll(async () => {
      const key = join(dir, 'tls.key');
      const cert = join(dir, 'tls.crt');
      execFileSync('openssl', selfSignedCertArgs(key, cert, 'shop.test'), { stdio: 'ignore' });
      const pem = join(dir, 'haproxy.pem');
      writeFileSync(pem, readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
      const [http, https] = [await freePort(), await freePort()];
      writeFileSync(join(dir, 'nginx.conf'), proxiedConf(http, https, cert, key));
      nginx = startDaemon('nginx', ['-c', join(dir, 'nginx.conf'), '-e', join(dir, 'nginx-error.log')]);
      await waitForPort(http);
      await waitForPort(https);
      const recorders = [await startRecorder(http), await startRecorder(https), await startRecorder(http)];
      const front = [await freePort(), await freePort(), await freePort()];
      const conf = join(dir, 'haproxy.cfg');
      writeFileSync(
        conf,
        haproxyConf(
          front,
          recorders.map((r) => r.port),
          pem,
        ),
      );
      haproxy = startDaemon('haproxy', ['-db', '-f', conf]);
      for (const port of front) await waitForPort(port);

      const curl = async (name: string, args: string[]) => {
        const out = await run('curl', ['-s', '--max-time', '20', ...args]);
        answers[name] = out.stdout;
      };
      const [v1, v2tls, v2ssl] = recorders;
      const session = (name: keyof typeof ports, recorder: typeof v1, args: string[]) => ({
        name,
        port: ports[name],
        record: async () => {
          await curl(name, args);
          await recorder?.close();
          return recorder?.chunks ?? [];
        },
      });
      const result = await recordAndInspect(
        [
          session('v1', v1, [
            '-A',
            'sqlmap/1.7',
            `http://127.0.0.1:${front[0]}/search?q=1%27%20OR%20%271%27=%271`,
          ]),
          session('v2tls', v2tls, [
            '-k',
            '--resolve',
            `shop.test:${front[1]}:127.0.0.1`,
            `https://shop.test:${front[1]}/`,
          ]),
          session('v2ssl', v2ssl, [
            '-k',
            '--resolve',
            `shop.test:${front[2]}:127.0.0.1`,
            `https://shop.test:${front[2]}/admin`,
          ]),
        ],
        dir,
        'proxy-protocol.pcap',
      );
      flows = result.flows;
      ours = result.ours;
      ndpiLines = result.ndpiLines;
    }, 90_000);

    afterAll(async () => {
      await stopDaemon(haproxy);
      await stopDaemon(nginx);
      rmSync(dir, { recursive: true, force: true });
    });

    /** The session's flow: haproxy also opened one to carry the header alone when the test probed its port. */
    const flowOn = (port: number) => flows.find((f) => f.server.port === port && f.bytes.toClient > 0);
    /** The client nginx says the PROXY header gave it. */
    const told = (name: string) => {
      const match = said.exec(answers[name] ?? '');
      return { ip: match?.[1], port: Number(match?.[2]), ssl: match?.[3] };
    };

    it('HAProxy send-proxy (v1) before HTTP: the request is read, SQL injection found, both naming the client nginx was told', () => {
      const flow = flowOn(ports.v1);
      expect(told('v1').ip).toBe('127.0.0.1');
      expect(flow).toMatchObject({
        protocol: 'http',
        proxy: { version: 1, command: 'proxy', client: { ip: told('v1').ip, port: told('v1').port } },
        l7: { http: { methods: ['GET'], paths: ['/search'], userAgents: ['sqlmap/1.7'] } },
      });
      const sqli = ours.find((t) => t.threat === 'sql-injection' && t.server.port === ports.v1);
      expect(sqli?.origin).toEqual({ ip: told('v1').ip, port: told('v1').port });
    });

    it('send-proxy-v2 before TLS passing through: the ClientHello is read (SNI) and the header names the client', () => {
      expect(told('v2tls').ssl).toMatch(/^TLSv1\.[23]$/);
      expect(flowOn(ports.v2tls)).toMatchObject({
        protocol: 'tls',
        tls: { sni: 'shop.test' },
        proxy: { version: 2, command: 'proxy', client: { ip: told('v2tls').ip, port: told('v2tls').port } },
      });
    });

    it('v2 after HAProxy ended the TLS: HTTP inside, with the TLS version, cipher and server name the client used', () => {
      expect(flowOn(ports.v2ssl)).toMatchObject({
        protocol: 'http',
        l7: { http: { paths: ['/admin'] } },
        proxy: {
          version: 2,
          client: { ip: told('v2ssl').ip, port: told('v2ssl').port },
          authority: 'shop.test',
          tls: {
            version: expect.stringMatching(/^TLSv1\.[23]$/),
            cipher: expect.any(String),
            clientCertificate: false,
          },
        },
      });
    });

    it('a connection that carried only the header (the test probing the port) stays unknown, and names its client', () => {
      const probes = flows.filter((f) => f.bytes.toClient === 0 && f.server.port !== ports.v2ssl);
      expect(probes.map((f) => [f.server.port, f.protocol, f.proxy?.version, f.proxy?.client?.ip])).toEqual([
        [ports.v1, 'unknown', 1, '127.0.0.1'],
        [ports.v2tls, 'unknown', 2, '127.0.0.1'],
      ]);
    });

    it('nDPI 4.2 reads the header as if it were the protocol: neither HTTP nor TLS inside is named', () => {
      // What it names depends on the header's bytes (ports and addresses change each run): PostgreSQL or MySQL "by
      // DPI" for the HTTP, Redis by the port for the TLS, in the runs this was written with.
      const app = (port: number) => {
        const line = ndpiLines.find((l) => l.includes(`:${flowOn(port)?.client.port} `)) ?? '';
        return /\[proto: [\d.]+\/([\w.]+)\]/.exec(line)?.[1];
      };
      const named = [app(ports.v1), app(ports.v2tls), app(ports.v2ssl)];
      expect(named.every((name) => name !== undefined)).toBe(true);
      expect(named[0]).not.toMatch(/HTTP/);
      expect(named[1]).not.toMatch(/TLS/);
      expect(named[2]).not.toMatch(/HTTP/);
    });
  },
);
