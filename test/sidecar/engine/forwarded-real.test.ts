/**
 * A real reverse proxy in front of a real server (ADR 28): nginx as an ingress controller is, appending each client
 * to `X-Forwarded-For` and pooling its connections to the backend (`keepalive`), so one connection carries many
 * clients' requests. Clients call from three loopback addresses; the proxy-to-backend leg is recorded and read. Our
 * engine names each client from the header nginx wrote, counts one client's refused logins apart from another's, and
 * does not believe the address a client wrote into the header itself. A WebSocket through the same nginx
 * (`proxy_set_header Upgrade`) has its messages judged as the client nginx named in the upgrade request (ADR 31).
 */

import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { trustedProxies } from '#sidecar/protocols/trusted-proxies.ts';
import {
  freePort,
  hasBinaries,
  nginxConf,
  startDaemon,
  stopDaemon,
  waitForPort,
} from '#test/fixtures/protocols/live-servers.ts';
import { ndpiAvailable } from '#test/helpers/ndpi-reader.ts';
import { startRecorder } from '../protocols/loopback-recorder.ts';
import { recordAndInspect } from '../threats/recorded-sessions.ts';

const available = hasBinaries('/usr/sbin/nginx') && ndpiAvailable();
const dir = mkdtempSync(join(tmpdir(), 'meshward-forwarded-real-'));
/** The port the recorded leg is written on: it belongs to another protocol. */
const port = 5432;
/** The port the WebSocket leg is written on. */
const wsPort = 5433;

const proxyConf = (
  front: number,
  back: number,
  recorder: number,
  wsFront: number,
  wsRecorder: number,
): string =>
  nginxConf(dir, [
    `upstream app { server 127.0.0.1:${recorder}; keepalive 4; }`,
    `server { listen 127.0.0.1:${front};`,
    '  location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";',
    '    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; } }',
    `server { listen 127.0.0.1:${back};`,
    '  location /login { return 401; }',
    '  location / { return 200 "ok\\n"; } }',
    // ingress-nginx's WebSocket handling: the upgrade passed on, on a connection of its own.
    `server { listen 127.0.0.1:${wsFront};`,
    `  location / { proxy_pass http://127.0.0.1:${wsRecorder}; proxy_http_version 1.1;`,
    '    proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";',
    '    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; } }',
  ]);

/** A WebSocket client on 127.0.0.5 that writes its own X-Forwarded-For, sends an injection and awaits the answer. */
const websocketSession = async (front: number): Promise<void> => {
  const client = new WebSocket(`ws://127.0.0.1:${front}/live`, {
    localAddress: '127.0.0.5',
    headers: { 'X-Forwarded-For': '198.51.100.9' },
  });
  await once(client, 'open');
  client.send(JSON.stringify({ action: 'search', q: "1' UNION SELECT password FROM users--" }));
  await once(client, 'message');
  client.close();
  await once(client, 'close');
};

/** One request from a loopback address of our choosing, as a client on another host would come. */
const call = (
  front: number,
  from: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
) =>
  new Promise<number>((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: front, localAddress: from, method, path, headers, agent: false },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(method === 'POST' ? 'user=admin&password=guess' : undefined);
  });

describe.skipIf(!available)(
  `X-Forwarded-For from nginx as a pooling reverse proxy${available ? '' : ' (skipped: apt-get install nginx-light libndpi-bin)'}`,
  () => {
    let nginx: ReturnType<typeof startDaemon> | undefined;
    let websockets: WebSocketServer | undefined;
    let ours: ThreatFinding[] = [];
    let flows: FlowFinding[] = [];
    const statuses: number[] = [];

    beforeAll(async () => {
      const [front, back, wsFront] = [await freePort(), await freePort(), await freePort()];
      const recorder = await startRecorder(back);
      websockets = new WebSocketServer({ port: 0, host: '127.0.0.1' });
      await once(websockets, 'listening');
      websockets.on('connection', (socket) => socket.on('message', () => socket.send('{"results":[]}')));
      const wsRecorder = await startRecorder((websockets.address() as AddressInfo).port);
      writeFileSync(join(dir, 'nginx.conf'), proxyConf(front, back, recorder.port, wsFront, wsRecorder.port));
      nginx = startDaemon('nginx', ['-c', join(dir, 'nginx.conf'), '-e', join(dir, 'nginx-error.log')]);
      await waitForPort(front);
      await waitForPort(wsFront);
      const result = await recordAndInspect(
        [
          {
            name: 'ingress',
            port,
            record: async () => {
              // 25 refused logins: 22 from one client, 3 from another, interleaved on the pooled connections.
              for (let i = 0; i < 25; i++)
                statuses.push(await call(front, i % 8 === 7 ? '127.0.0.3' : '127.0.0.2', 'POST', '/login'));
              // An injection from the third client, which writes a forged address into the header itself.
              statuses.push(
                await call(front, '127.0.0.4', 'GET', "/search?q=1'%20OR%20'1'='1", {
                  'X-Forwarded-For': '198.51.100.7',
                  'User-Agent': 'sqlmap/1.7',
                }),
              );
              // A "403 bypass" try: the client claims to be the server itself, in two headers.
              statuses.push(
                await call(front, '127.0.0.4', 'GET', '/admin', {
                  'X-Forwarded-For': '127.0.0.1',
                  'X-Client-IP': '::1',
                }),
              );
              await recorder.close();
              return recorder.chunks;
            },
          },
          {
            name: 'websocket',
            port: wsPort,
            record: async () => {
              await websocketSession(wsFront);
              await wsRecorder.close();
              return wsRecorder.chunks;
            },
          },
        ],
        dir,
        'forwarded.pcap',
        // The recorded leg's client address: nginx is the trusted proxy, so what it appends is its word.
        { trustedProxies: trustedProxies(['10.0.7.5']) },
      );
      ours = result.ours;
      flows = result.flows;
    }, 90_000);

    afterAll(async () => {
      await stopDaemon(nginx);
      websockets?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('nginx answered every call, over fewer backend connections than requests (pooled)', () => {
      expect(statuses.filter((s) => s === 401)).toHaveLength(25);
      expect(statuses.slice(25)).toEqual([200, 200]);
      const legs = flows.filter((f) => f.server.port === port && f.protocol === 'http');
      expect(legs.length).toBeGreaterThan(0);
      expect(legs.length).toBeLessThan(27);
    });

    it('counts the 22 refusals of one client apart from the 3 of another; nginx, trusted, is not counted itself', () => {
      const guessing = ours.filter((t) => t.threat === 'http-auth-brute-force');
      expect(guessing.map((t) => [t.origin?.ip ?? 'peer', t.originBy ?? '-'])).toEqual([
        ['127.0.0.2', 'x-forwarded-for'],
      ]);
      expect(guessing[0]?.evidence).toMatch(/^2[0-2] refused requests within 60000 ms \(401 ×2[0-2]\)$/);
    });

    it('names the injector by the address nginx saw, not the one it wrote into the header', () => {
      const sqli = ours.find((t) => t.threat === 'sql-injection' && t.server.port === port);
      expect(sqli).toMatchObject({ origin: { ip: '127.0.0.4', port: 0 }, originBy: 'x-forwarded-for' });
    });

    it('lists on the pooled connections the clients nginx named, and never the addresses the clients wrote', () => {
      const legs = flows.filter((f) => f.server.port === port && f.protocol === 'http');
      const named = legs.flatMap((f) => f.l7?.forwarded?.clients ?? []);
      expect(new Set(named.map((c) => `${c.ip} ${c.by}`))).toEqual(
        new Set(['127.0.0.2 x-forwarded-for', '127.0.0.3 x-forwarded-for', '127.0.0.4 x-forwarded-for']),
      );
      // Each connection carried several clients' requests: one flow names more than one.
      expect(Math.max(...legs.map((f) => f.l7?.forwarded?.clients.length ?? 0))).toBeGreaterThan(1);
      expect(legs.every((f) => f.l7?.forwarded?.otherRequests === undefined)).toBe(true);
    });

    it('names the client of the upgrade request nginx passed on in a WebSocket message, and lists it on the flow', () => {
      const sqli = ours.filter((t) => t.threat === 'sql-injection' && t.server.port === wsPort);
      expect(sqli.map((t) => [t.origin, t.originBy, t.evidence.includes('websocket json $.q')])).toEqual([
        [{ ip: '127.0.0.5', port: 0 }, 'x-forwarded-for', true],
      ]);
      const leg = flows.filter((f) => f.server.port === wsPort);
      expect(leg.map((f) => [f.protocol, f.l7?.operations, f.l7?.forwarded])).toEqual([
        ['http', ['websocket text'], { clients: [{ ip: '127.0.0.5', by: 'x-forwarded-for' }] }],
      ]);
    });

    it('reports only the client that claimed to be the server, not the loopback clients nginx itself named', () => {
      const spoofs = ours.filter((t) => t.threat === 'forwarded-spoofing');
      expect(spoofs).toHaveLength(1);
      // nginx appended 127.0.0.4 (its word, vouched for); the client wrote 127.0.0.1 and ::1 (claims).
      expect(spoofs[0]?.evidence).toMatch(
        /^GET \/admin with x-forwarded-for: 127\.0\.0\.1, x-client-ip: ::1 from 10\.0\.7\.5/,
      );
      expect(spoofs[0]?.confidence).toBe(0.9);
    });
  },
);
