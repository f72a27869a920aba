/**
 * End to end, as root: a "pod" network namespace with an app server, a proxy forwarding to it over lo, and the
 * real `meshward tap` (tcpdump, engine, iptables); outside it a client and `meshward serve` as the control plane.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '#core/command.ts';
import { createLocalIssuer, generateIssuerKey } from '#functions/platform/auth/local-issuer.ts';
import { commandJwks, generateCommandKey } from '#functions/platform/keys/command-key.ts';
import { type CommandSigner, createCommandSigner } from '#functions/platform/keys/command-signer.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import type { Store } from '#functions/platform/store/store.ts';
import { createTestNetns, type TestNetns } from '../sidecar/enforce/netns.ts';

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('tap e2e skipped: it needs root for network namespaces, tcpdump and iptables');
const execFileAsync = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const meshward = join(root, 'bin', 'meshward.js');
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async <T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await wait(100);
  }
};

const pod = { namespace: 'shop', name: 'catalog-5d8f7b9c4-q7xkz', uid: randomUUID() };

/** The app (HTTP on 127.0.0.1:9080) and its proxy (podIp:8080 → 127.0.0.1:9080 over lo), each its own process. */
const appScript = `require('http').createServer((q, s) => s.end('app-ok ' + q.url)).listen(9080, '127.0.0.1', () => console.log('ready'))`;
const proxyScript = (podIp: string) =>
  `const net = require('net'); net.createServer((c) => { const u = net.connect(9080, '127.0.0.1'); c.pipe(u).pipe(c); c.on('error', () => u.destroy()); u.on('error', () => c.destroy()); }).listen(8080, '${podIp}', () => console.log('ready'))`;

const startInNs = (ns: string, argv: string[], env: NodeJS.ProcessEnv = process.env, ready = /ready/) =>
  new Promise<{ child: ChildProcess; output: () => string }>((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: root,
    });
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) resolve({ child, output: () => out });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited ${code}:\n${out}`)));
  });

/** A GET from the host side: the status and body, or the error code when the connection fails. */
const get = (url: string) =>
  new Promise<string>((resolve) => {
    const req = httpRequest(url, { headers: { connection: 'close' }, timeout: 2_000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });

describe('the tap in an emulated pod', () => {
  let ns: TestNetns;
  let dataDir = '';
  let podDir = '';
  let serve: ChildProcess;
  let app: ChildProcess;
  let proxy: ChildProcess;
  let tap: { child: ChildProcess; output: () => string };
  let store: Store;
  let signer: CommandSigner;
  let uploads: Server;
  let uploadPort: number;
  const uploaded: Buffer[] = [];
  let cpPort: number;

  const command = async (fields: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    const id = randomUUID();
    const token = await signer.sign({
      id,
      podUid: pod.uid,
      issuedAt: now,
      expiresAt: now + 90,
      ...fields,
    } as Command);
    await store.putCommand({ id, podUid: pod.uid, expiresAt: now + 90, token });
  };

  beforeAll(async () => {
    if (!isRoot) return;
    ns = createTestNetns();
    // `ip netns exec` bind-mounts /etc/netns/<name>/hosts: the control plane's service name resolves in the pod.
    mkdirSync(`/etc/netns/${ns.name}`, { recursive: true });
    writeFileSync(`/etc/netns/${ns.name}/hosts`, `127.0.0.1 localhost\n${ns.hostIp} meshward.meshward.svc\n`);
    dataDir = mkdtempSync(join(tmpdir(), 'meshward-e2e-tap-'));
    const issuerKey = await generateIssuerKey();
    const commandKey = await generateCommandKey('ES256');
    writeFileSync(join(dataDir, 'issuer-key.json'), JSON.stringify(issuerKey), { mode: 0o600 });
    writeFileSync(join(dataDir, 'command-key.json'), JSON.stringify(commandKey), { mode: 0o600 });
    signer = await createCommandSigner(commandKey);
    serve = spawn(
      process.execPath,
      [meshward, 'serve', '--port', '0', '--host', ns.hostIp, '--data', dataDir, '--quiet', '--no-demo'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let serveOut = '';
    serve.stderr?.on('data', (chunk: Buffer) => {
      serveOut += chunk.toString();
    });
    cpPort = Number(
      await until('serve to listen', () => /"message":"listening","port":(\d+)/.exec(serveOut)?.[1], 20_000),
    );
    uploads = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        uploaded.push(Buffer.concat(chunks));
        res.end();
      });
    });
    await new Promise<void>((resolve) => uploads.listen(0, ns.hostIp, resolve));
    uploadPort = (uploads.address() as AddressInfo).port;
    app = (await startInNs(ns.name, [process.execPath, '-e', appScript])).child;
    proxy = (await startInNs(ns.name, [process.execPath, '-e', proxyScript(ns.podIp)])).child;
    podDir = mkdtempSync(join(tmpdir(), 'meshward-e2e-pod-'));
    mkdirSync(join(podDir, 'podinfo'));
    writeFileSync(join(podDir, 'podinfo', 'labels'), 'app="catalog"\npod-template-hash="5d8f7b9c4"\n');
    writeFileSync(join(podDir, 'podinfo', 'annotations'), 'meshward.io/inject="true"\n');
    const issuer = await createLocalIssuer(issuerKey);
    writeFileSync(join(podDir, 'token'), await issuer.mintPodToken(pod, { serviceAccount: 'catalog' }));
    tap = await startInNs(
      ns.name,
      [process.execPath, meshward, 'tap'],
      {
        ...process.env,
        MESHWARD_POD_NAME: pod.name,
        MESHWARD_POD_NAMESPACE: pod.namespace,
        MESHWARD_POD_UID: pod.uid,
        MESHWARD_POD_IP: ns.podIp,
        MESHWARD_POD_IPS: ns.podIp,
        MESHWARD_SERVICE_ACCOUNT: 'catalog',
        MESHWARD_PODINFO_DIR: join(podDir, 'podinfo'),
        MESHWARD_CONTROL_PLANE_URL: `https://meshward.meshward.svc:${cpPort}`,
        MESHWARD_TOKEN_PATH: join(podDir, 'token'),
        MESHWARD_CA_FILE: join(dataDir, 'tls', 'ca.crt'),
        MESHWARD_COMMAND_JWKS: JSON.stringify(commandJwks([commandKey])),
        MESHWARD_STATE_PATH: join(podDir, 'enforcement.json'),
        MESHWARD_HEARTBEAT_SECONDS: '1',
        MESHWARD_BATCH_MAX_DELAY_MS: '200',
      },
      // tcpdump is listening (not merely spawned): the first request below is captured from its SYN.
      /"message":"capture listening"/,
    );
    await until(
      'tap readiness',
      async () => (await get(`http://${ns.podIp}:15090/readyz`)).startsWith('200') || undefined,
    );
    store = openSqliteStore(join(dataDir, 'meshward.db'));
  }, 60_000);

  afterAll(async () => {
    if (!isRoot) return;
    for (const child of [tap?.child, app, proxy, serve]) child?.kill('SIGKILL');
    await store?.close();
    await new Promise<void>((resolve) =>
      uploads === undefined ? resolve() : uploads.close(() => resolve()),
    );
    ns?.remove();
    rmSync(`/etc/netns/${ns?.name}`, { recursive: true, force: true });
    for (const dir of [dataDir, podDir]) if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!isRoot)(
    'reports identity and flows, captures on command, quarantines and releases, cleans up',
    async () => {
      expect(await get(`http://${ns.podIp}:8080/api/v1/items/7`)).toBe('200 app-ok /api/v1/items/7');
      const record = await until('the pod to register', () => store.getPod(pod.uid));
      expect(record.workload).toEqual({
        namespace: 'shop',
        kind: 'Deployment',
        name: 'catalog',
        serviceAccount: 'catalog',
      });
      expect(record.ips).toEqual([ns.podIp]);
      const flows = await until('flow findings from lo and eth0', async () => {
        const found = await store.listFindings({ kind: 'flow', namespace: 'shop' });
        const ports = new Set(found.map((f) => (f.finding.type === 'flow' ? f.finding.server.port : 0)));
        return ports.has(8080) && ports.has(9080) ? found : undefined;
      });
      const appFlow = flows.find((f) => f.finding.type === 'flow' && f.finding.server.port === 9080)?.finding;
      expect(appFlow).toMatchObject({
        protocol: 'http',
        client: { ip: '127.0.0.1' },
        l7: { http: { methods: ['GET'] } },
      });
      expect(flows.every((f) => f.podUid === pod.uid && f.group === 'shop/catalog')).toBe(true);
      // The tap's own HTTPS to the control plane is filtered out of the capture.
      expect(flows.some((f) => f.finding.type === 'flow' && f.finding.server.port === cpPort)).toBe(false);

      // Capture: the request just before the command (the trigger) must be in the pcap tshark reads.
      expect(await get(`http://${ns.podIp}:8080/search?q=1%27%20OR%20%271%27%3D%271`)).toMatch(/^200 /);
      await command({
        kind: 'capture',
        beforeSeconds: 30,
        afterSeconds: 1,
        uploadUrl: `http://${ns.hostIp}:${uploadPort}/captures/c1.pcap`,
      });
      await until('the capture upload', () => uploaded[0]);
      const pcapPath = join(dataDir, 'c1.pcap');
      writeFileSync(pcapPath, uploaded[0] ?? Buffer.alloc(0));
      const { stdout } = await execFileAsync('tshark', [
        '-r',
        pcapPath,
        '-Y',
        'http.request',
        '-T',
        'fields',
        '-e',
        'http.request.uri',
      ]);
      expect(stdout).toContain('/search?q=1%27%20OR%20%271%27%3D%271');
      await until(
        'the capture finding',
        async () => (await store.listFindings({ kind: 'capture' })).length > 0 || undefined,
      );

      // Quarantine: the client is cut off, the app lives on, the tap still reaches the control plane.
      await command({ kind: 'quarantine', reason: 'e2e' });
      await until('quarantine', async () =>
        (await get(`http://${ns.podIp}:8080/`)).startsWith('200') ? undefined : true,
      );
      expect(await get(`http://${ns.podIp}:8080/`)).toMatch(/ECONNRESET|ECONNREFUSED/);
      expect(app.exitCode).toBeNull();
      expect(proxy.exitCode).toBeNull();
      const seenBefore = (await store.getPod(pod.uid))?.lastSeen ?? '';
      await until(
        'a heartbeat during quarantine',
        async () => ((await store.getPod(pod.uid))?.lastSeen ?? '') > seenBefore || undefined,
      );
      const heartbeats = await store.listFindings({ kind: 'heartbeat', limit: 1 });
      expect(heartbeats[0]?.finding).toMatchObject({ quarantined: true });

      await command({ kind: 'release' });
      await until('release', async () =>
        (await get(`http://${ns.podIp}:8080/x`)).startsWith('200') ? true : undefined,
      );

      // Stopping the tap leaves no rule behind.
      tap.child.kill('SIGTERM');
      await until('the tap to exit', () => (tap.child.exitCode === null ? undefined : true), 30_000);
      expect(tap.child.exitCode).toBe(0);
      const rules = execFileSync('ip', ['netns', 'exec', ns.name, 'iptables-save'], { encoding: 'utf8' });
      expect(rules).not.toContain('MESHWARD');
    },
    90_000,
  );
});
