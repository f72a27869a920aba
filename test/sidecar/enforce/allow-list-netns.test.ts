/** Protect mode's allow-list with real iptables in a network namespace (root only). */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AllowList, allowListSchema } from '#core/allow-list.ts';
import { inNetns } from '#sidecar/enforce/command-runner.ts';
import { loadEnforcementState, saveEnforcementState } from '#sidecar/enforce/enforcement-state.ts';
import { createEnforcer } from '#sidecar/enforce/enforcer.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';
import { createTestNetns, type TestNetns } from './netns.ts';

const isRoot = process.getuid?.() === 0;
const execFileAsync = promisify(execFile);
if (!isRoot)
  console.warn(
    'allow-list netns tests skipped: they need root to create network namespaces and run iptables',
  );

const saved = (ns: string) =>
  ['iptables-save', 'ip6tables-save']
    .map((tool) => execFileSync('ip', ['netns', 'exec', ns, tool], { encoding: 'utf8' }))
    .join('')
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map((line) => line.replace(/\[\d+:\d+\]/, '[n:n]'))
    .join('\n');

const startApp = (ns: string, port: number) =>
  new Promise<ChildProcess>((resolve, reject) => {
    const script = `require('net').createServer((s) => s.on('data', (d) => s.write(d)).on('error', () => {})).listen(${port}, '0.0.0.0', () => console.log('ready'))`;
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout?.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`app exited ${code}`)));
  });

const echo = (socket: Socket, text: string) =>
  new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), 2_000);
    socket.once('data', (data) => {
      clearTimeout(timer);
      resolve(data.toString());
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.write(text);
  });

/** A client connection from one of the host's addresses. */
const open = (host: string, port: number, from: string) =>
  new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host, port, localAddress: from }, () => resolve(socket));
    socket.once('error', reject);
    socket.setTimeout(3_000, () => socket.destroy(new Error('connect timeout')));
  });

const curlFromPod = async (ns: string, url: string): Promise<number> => {
  try {
    const { stdout } = await execFileAsync('ip', [
      ...['netns', 'exec', ns, 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}'],
      ...['--max-time', '2', url],
    ]);
    return Number(stdout);
  } catch {
    return 0;
  }
};

describe('protect mode allow-list in a network namespace', () => {
  let ns: TestNetns;
  let app: ChildProcess;
  let allowedServer: Server;
  let otherServer: Server;
  let strangerIp: string;
  const cpPort = 18_543;

  beforeAll(async () => {
    if (!isRoot) return;
    ns = createTestNetns();
    // A second host address: the client the learned rules do not know.
    strangerIp = ns.hostIp.replace(/\.1$/, '.3');
    const hostEnd = execFileSync('ip', ['-o', 'addr', 'show', 'to', `${ns.hostIp}/32`], { encoding: 'utf8' })
      .split(/\s+/)[1]
      ?.replace(/@.*/, '');
    execFileSync('ip', ['addr', 'add', `${strangerIp}/24`, 'dev', hostEnd ?? '']);
    // Someone else's filter rules (the table then exists), which must be left exactly as they are.
    for (const tool of ['iptables', 'ip6tables'])
      execFileSync('ip', [
        'netns',
        'exec',
        ns.name,
        tool,
        '-A',
        'INPUT',
        '-p',
        'tcp',
        '--dport',
        '9',
        '-j',
        'ACCEPT',
      ]);
    app = await startApp(ns.name, 8080);
    allowedServer = createHttpServer((_, res) => res.end('db'));
    otherServer = createHttpServer((_, res) => res.end('other'));
    await new Promise<void>((resolve) => allowedServer.listen(cpPort + 1, ns.hostIp, resolve));
    await new Promise<void>((resolve) => otherServer.listen(cpPort + 2, ns.hostIp, resolve));
  });

  afterAll(async () => {
    if (!isRoot) return;
    app?.kill('SIGKILL');
    await new Promise<void>((resolve) => allowedServer.close(() => resolve()));
    await new Promise<void>((resolve) => otherServer.close(() => resolve()));
    ns?.remove();
  });

  it.skipIf(!isRoot)(
    'allowed client connects, others are refused, established connections survive, release restores',
    async () => {
      const before = saved(ns.name);
      const statePath = join(tempDir('meshward-allow-'), 'state.json');
      const options = {
        run: inNetns(ns.name),
        channel: { controlPlaneIps: [ns.hostIp], controlPlanePort: cpPort, metricsPort: 15090 },
        persist: (state: Parameters<typeof saveEnforcementState>[1]) =>
          saveEnforcementState(statePath, state),
      };
      const list: AllowList = allowListSchema.parse({
        group: 'shop/catalog',
        hash: 'b'.repeat(64),
        inbound: { enforce: true, entries: [{ transport: 'tcp', port: 8080, cidrs: [`${ns.hostIp}/32`] }] },
        outbound: {
          enforce: true,
          entries: [{ transport: 'tcp', port: cpPort + 1, portEnd: cpPort + 1, cidrs: [`${ns.hostIp}/32`] }],
        },
      });
      const enforcer = createEnforcer(options);
      // A connection from the stranger, made while the pod was still open.
      const established = await open(ns.podIp, 8080, strangerIp);
      expect(await echo(established, 'early')).toBe('early');

      expect(await enforcer.allow(list)).toBe('applied');
      expect(await enforcer.allow(list)).toBe('unchanged');
      const allowed = await open(ns.podIp, 8080, ns.hostIp);
      expect(await echo(allowed, 'hello')).toBe('hello');
      await expect(open(ns.podIp, 8080, strangerIp)).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);
      expect(await echo(established, 'still here')).toBe('still here');
      expect(await curlFromPod(ns.name, `http://${ns.hostIp}:${cpPort + 1}/`)).toBe(200);
      expect(await curlFromPod(ns.name, `http://${ns.hostIp}:${cpPort + 2}/`)).toBe(0);
      expect(await enforcer.refused()).toBeGreaterThanOrEqual(2);
      expect(app.exitCode).toBeNull();

      // A restarted tap re-applies the persisted list, with no second jump.
      const enforced = saved(ns.name);
      const restarted = createEnforcer(options);
      await restarted.apply(await loadEnforcementState(statePath));
      expect(saved(ns.name)).toBe(enforced);
      await expect(open(ns.podIp, 8080, strangerIp)).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);

      await restarted.release();
      const back = await open(ns.podIp, 8080, strangerIp);
      expect(await echo(back, 'back')).toBe('back');
      expect(await curlFromPod(ns.name, `http://${ns.hostIp}:${cpPort + 2}/`)).toBe(200);
      expect(saved(ns.name)).toBe(before);
      for (const socket of [back, allowed, established]) socket.destroy();
    },
  );

  it.skipIf(!isRoot)(
    'leaving protect mode takes out exactly the allow-list, keeping attack cuts',
    async () => {
      const enforcer = createEnforcer({
        run: inNetns(ns.name),
        channel: { controlPlaneIps: [ns.hostIp], controlPlanePort: cpPort },
      });
      await enforcer.block([{ ip: '10.9.9.9', port: 8080, peer: 'client' }]);
      const blocksOnly = saved(ns.name);
      await enforcer.allow(
        allowListSchema.parse({
          group: 'shop/catalog',
          hash: 'c'.repeat(64),
          inbound: { enforce: true, entries: [] },
          outbound: { enforce: false, reason: 'a rule names api.example.com' },
        }),
      );
      await expect(open(ns.podIp, 8080, ns.hostIp)).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);
      // Outbound stays open: the list could not name every allowed peer by address.
      expect(await curlFromPod(ns.name, `http://${ns.hostIp}:${cpPort + 2}/`)).toBe(200);
      await enforcer.allow(undefined);
      expect(saved(ns.name)).toBe(blocksOnly);
      const socket = await open(ns.podIp, 8080, ns.hostIp);
      expect(await echo(socket, 'x')).toBe('x');
      socket.destroy();
      await enforcer.teardown();
    },
  );
});
