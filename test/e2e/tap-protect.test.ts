/**
 * Protect mode end to end, as root: `meshward serve` computes the group's allow-list from its rules and sends it
 * with the heartbeat answers; the real `meshward tap` in a "pod" namespace enforces it with iptables.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setGroupMode } from '#functions/learn/set-group-mode.ts';
import { createLocalIssuer, generateIssuerKey } from '#functions/platform/auth/local-issuer.ts';
import { commandJwks, generateCommandKey } from '#functions/platform/keys/command-key.ts';
import { type CommandSigner, createCommandSigner } from '#functions/platform/keys/command-signer.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import type { Store } from '#functions/platform/store/store.ts';
import { createTestNetns, type TestNetns } from '../sidecar/enforce/netns.ts';

const isRoot = process.getuid?.() === 0;
if (!isRoot)
  console.warn('tap protect e2e skipped: it needs root for network namespaces, tcpdump and iptables');
const root = join(import.meta.dirname, '..', '..');
const meshward = join(root, 'bin', 'meshward.js');
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** What to print when a wait times out (the tap's last log lines, its iptables rules), so a failure says why. */
let explainTimeout: () => Promise<string> = async () => '';
const until = async <T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${await explainTimeout()}`);
    await wait(100);
  }
};

const pod = { namespace: 'shop', name: 'catalog-5d8f7b9c4-q7xkz', uid: randomUUID() };
const appScript = (podIp: string) =>
  `require('http').createServer((q, s) => s.end('app-ok')).listen(8080, '${podIp}', () => console.log('ready'))`;

/** The last output of each child started in the namespace. */
const outputs = new WeakMap<ChildProcess, () => string>();
const startInNs = (ns: string, argv: string[], env: NodeJS.ProcessEnv, ready: RegExp) =>
  new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: root,
    });
    let out = '';
    outputs.set(child, () => out);
    const onData = (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-20_000);
      if (ready.test(out)) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited ${code}:\n${out}`)));
  });

/** A GET from one of the host's addresses: status and body, or the error code. */
const get = (url: string, localAddress: string) =>
  new Promise<string>((resolve) => {
    const req = httpRequest(
      url,
      { localAddress, headers: { connection: 'close' }, timeout: 2_000 },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve(`${res.statusCode} ${body}`));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });

/** One more request on a kept-alive connection: the status line, or the error. */
const again = (socket: Socket) =>
  new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), 3_000);
    socket.once('data', (data) => {
      clearTimeout(timer);
      resolve(data.toString().split('\r\n')[0] ?? '');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code ?? error.message);
    });
    socket.write('GET /kept HTTP/1.1\r\nHost: catalog\r\n\r\n');
  });

describe('protect mode in an emulated pod', () => {
  let ns: TestNetns;
  let dataDir = '';
  let podDir = '';
  let serve: ChildProcess;
  let app: ChildProcess;
  let tap: ChildProcess;
  let store: Store;
  let signer: CommandSigner;
  let strangerIp: string;

  beforeAll(async () => {
    if (!isRoot) return;
    ns = createTestNetns();
    strangerIp = ns.hostIp.replace(/\.1$/, '.3');
    const hostEnd = execFileSync('ip', ['-o', 'addr', 'show', 'to', `${ns.hostIp}/32`], { encoding: 'utf8' })
      .split(/\s+/)[1]
      ?.replace(/@.*/, '');
    execFileSync('ip', ['addr', 'add', `${strangerIp}/24`, 'dev', hostEnd ?? '']);
    mkdirSync(`/etc/netns/${ns.name}`, { recursive: true });
    writeFileSync(`/etc/netns/${ns.name}/hosts`, `127.0.0.1 localhost\n${ns.hostIp} meshward.meshward.svc\n`);
    dataDir = mkdtempSync(join(tmpdir(), 'meshward-e2e-protect-'));
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
      serveOut = (serveOut + chunk.toString()).slice(-20_000);
    });
    const cpPort = Number(
      await until('serve to listen', () => /"message":"listening","port":(\d+)/.exec(serveOut)?.[1]),
    );
    app = await startInNs(ns.name, [process.execPath, '-e', appScript(ns.podIp)], process.env, /ready/);
    podDir = mkdtempSync(join(tmpdir(), 'meshward-e2e-protect-pod-'));
    mkdirSync(join(podDir, 'podinfo'));
    writeFileSync(join(podDir, 'podinfo', 'labels'), 'app="catalog"\npod-template-hash="5d8f7b9c4"\n');
    writeFileSync(join(podDir, 'podinfo', 'annotations'), '');
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
        MESHWARD_PODINFO_DIR: join(podDir, 'podinfo'),
        MESHWARD_CONTROL_PLANE_URL: `https://meshward.meshward.svc:${cpPort}`,
        MESHWARD_TOKEN_PATH: join(podDir, 'token'),
        MESHWARD_CA_PEM: readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8'),
        MESHWARD_COMMAND_JWKS: JSON.stringify(commandJwks([commandKey])),
        MESHWARD_STATE_PATH: join(podDir, 'enforcement.json'),
        MESHWARD_HEARTBEAT_SECONDS: '1',
        MESHWARD_BATCH_MAX_DELAY_MS: '200',
      },
      /"message":"tap started"/,
    );
    store = openSqliteStore(join(dataDir, 'meshward.db'));
    explainTimeout = async () => {
      const rules = spawnSync('ip', ['netns', 'exec', ns.name, 'iptables-save'], { encoding: 'utf8' }).stdout;
      const group = await store.getGroup('shop/catalog');
      const allow = (await store.listRules({ group: 'shop/catalog' })).map(
        (r) => `${r.id} ${JSON.stringify(r.from)}`,
      );
      const tapLog = (outputs.get(tap)?.() ?? '').split('\n').slice(-25).join('\n');
      return `group mode: ${group?.mode}\nrules: ${allow.join('; ')}\niptables-save:\n${rules}\ntap log (last lines):\n${tapLog}`;
    };
  }, 60_000);

  afterAll(async () => {
    if (!isRoot) return;
    for (const child of [tap, app, serve]) child?.kill('SIGKILL');
    await store?.close();
    ns?.remove();
    rmSync(`/etc/netns/${ns?.name}`, { recursive: true, force: true });
    for (const dir of [dataDir, podDir]) if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!isRoot)(
    'protect: the allowed client connects, a stranger is refused, a kept connection survives; monitor restores',
    async () => {
      await until('the group to register', () => store.getGroup('shop/catalog'));
      const url = `http://${ns.podIp}:8080/items`;
      // The stranger's connection, opened before protect mode and kept open (so no flow ends and nothing is learned).
      const kept = await new Promise<Socket>((resolve, reject) => {
        const socket = connect({ host: ns.podIp, port: 8080, localAddress: strangerIp }, () =>
          resolve(socket),
        );
        socket.once('error', reject);
      });
      expect(await again(kept)).toBe('HTTP/1.1 200 OK');
      for (const rule of await store.listRules({ group: 'shop/catalog' })) await store.deleteRule(rule.id);
      const now = new Date().toISOString();
      await store.putRules([
        {
          id: 'e2e-allowed-client',
          from: { type: 'cidr', cidr: `${ns.hostIp}/32` },
          to: { type: 'group', namespace: 'shop', name: 'catalog' },
          transport: 'tcp',
          port: 8080,
          protocol: 'http',
          source: 'manual',
          hits: 1,
          firstSeen: now,
          lastSeen: now,
        },
      ]);
      await setGroupMode({ store, signer }, 'shop/catalog', 'protect', new Date());

      await until(
        'the stranger to be refused',
        async () => /ECONNRESET|ECONNREFUSED/.test(await get(url, strangerIp)) || undefined,
      );
      expect(await get(url, ns.hostIp)).toBe('200 app-ok');
      expect(await again(kept)).toBe('HTTP/1.1 200 OK');
      expect(app.exitCode).toBeNull();
      const rules = execFileSync('ip', ['netns', 'exec', ns.name, 'iptables-save'], { encoding: 'utf8' });
      expect(rules).toContain(
        `-A MESHWARD-ALLOW-IN -s ${ns.hostIp}/32 -p tcp -m conntrack --ctorigdstport 8080`,
      );

      await setGroupMode({ store, signer }, 'shop/catalog', 'monitor', new Date());
      await until(
        'the stranger to be let in again',
        async () => (await get(url, strangerIp)).startsWith('200') || undefined,
      );
      kept.destroy();
      tap.kill('SIGTERM');
      await until('the tap to exit', () => (tap.exitCode === null ? undefined : true));
      const after = execFileSync('ip', ['netns', 'exec', ns.name, 'iptables-save'], { encoding: 'utf8' });
      expect(after).not.toContain('MESHWARD');
    },
    60_000,
  );
});
