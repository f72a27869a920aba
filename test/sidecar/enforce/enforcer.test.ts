import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inNetns } from '#sidecar/enforce/command-runner.ts';
import { loadEnforcementState, saveEnforcementState } from '#sidecar/enforce/enforcement-state.ts';
import { createEnforcer } from '#sidecar/enforce/enforcer.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';
import { createTestNetns, type TestNetns } from './netns.ts';

const isRoot = process.getuid?.() === 0;
const execFileAsync = promisify(execFile);
if (!isRoot)
  console.warn('enforcer tests skipped: they need root to create network namespaces and run iptables');

const saved = (ns: string) =>
  ['iptables-save', 'ip6tables-save']
    .map((tool) => execFileSync('ip', ['netns', 'exec', ns, tool], { encoding: 'utf8' }))
    .join('')
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map((line) => line.replace(/\[\d+:\d+\]/, '[n:n]'))
    .join('\n');

/** An echo server inside the namespace, in its own process (the "app" that must survive quarantine). */
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

const open = (host: string, port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host, port }, () => resolve(socket));
    socket.once('error', reject);
    socket.setTimeout(3_000, () => socket.destroy(new Error('connect timeout')));
  });

/** curl from inside the namespace (async: the servers live in this process): the HTTP status, or 0 on failure. */
const curlFromPod = async (ns: string, url: string): Promise<number> => {
  try {
    const { stdout } = await execFileAsync('ip', [
      'netns',
      'exec',
      ns,
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--max-time',
      '2',
      url,
    ]);
    return Number(stdout);
  } catch {
    return 0;
  }
};

describe('createEnforcer in a network namespace', () => {
  let ns: TestNetns;
  let app: ChildProcess;
  let controlPlane: Server;
  let other: Server;
  const cpPort = 18_443;

  beforeAll(async () => {
    if (!isRoot) return;
    ns = createTestNetns();
    // Someone else's rules (a mesh's nat redirect, an existing filter rule) that we must leave exactly as they are.
    execFileSync('ip', [
      'netns',
      'exec',
      ns.name,
      'iptables',
      '-t',
      'nat',
      '-A',
      'OUTPUT',
      '-p',
      'tcp',
      '--dport',
      '9',
      '-j',
      'RETURN',
    ]);
    execFileSync('ip', [
      'netns',
      'exec',
      ns.name,
      'iptables',
      '-A',
      'INPUT',
      '-p',
      'tcp',
      '--dport',
      '9',
      '-j',
      'ACCEPT',
    ]);
    execFileSync('ip', [
      'netns',
      'exec',
      ns.name,
      'ip6tables',
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
    const ok = (server: Server) =>
      new Promise<void>((resolve) =>
        server.listen(server === controlPlane ? cpPort : cpPort + 1, ns.hostIp, resolve),
      );
    controlPlane = createHttpServer((_, res) => res.end('cp'));
    other = createHttpServer((_, res) => res.end('other'));
    await ok(controlPlane);
    await ok(other);
  });

  afterAll(async () => {
    if (!isRoot) return;
    app?.kill('SIGKILL');
    await new Promise<void>((resolve) => controlPlane.close(() => resolve()));
    await new Promise<void>((resolve) => other.close(() => resolve()));
    ns?.remove();
  });

  it.skipIf(!isRoot)(
    'quarantine cuts a live connection, keeps the app and the control-plane channel; release leaves nothing behind',
    async () => {
      const before = saved(ns.name);
      const statePath = join(tempDir('meshward-enforce-'), 'state.json');
      const options = {
        run: inNetns(ns.name),
        channel: { controlPlaneIps: [ns.hostIp], controlPlanePort: cpPort, metricsPort: 15090 },
        persist: (state: Parameters<typeof saveEnforcementState>[1]) =>
          saveEnforcementState(statePath, state),
      };
      const enforcer = createEnforcer(options);
      const client = await open(ns.podIp, 8080);
      expect(await echo(client, 'hello')).toBe('hello');
      expect(await curlFromPod(ns.name, `http://${ns.hostIp}:${cpPort + 1}/`)).toBe(200);

      await enforcer.quarantine('sql injection from 10.0.0.9');
      await expect(echo(client, 'after quarantine')).rejects.toThrow(/ECONNRESET|EPIPE/);
      await expect(open(ns.podIp, 8080)).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);
      expect(app.exitCode).toBeNull();
      expect(await curlFromPod(ns.name, `http://${ns.hostIp}:${cpPort}/`)).toBe(200);
      expect(await curlFromPod(ns.name, `http://${ns.hostIp}:${cpPort + 1}/`)).toBe(0);
      const quarantined = saved(ns.name);
      expect(quarantined).toMatch(/-A INPUT -j MESHWARD-IN\n-A INPUT -p tcp -m tcp --dport 9 -j ACCEPT/);
      expect(quarantined).toContain('-A OUTPUT -p tcp -m tcp --dport 9 -j RETURN');

      // A restarted tap re-applies the persisted state (and applying twice adds no second jump).
      const restarted = createEnforcer(options);
      await restarted.apply(await loadEnforcementState(statePath));
      expect(saved(ns.name)).toBe(quarantined);
      await expect(open(ns.podIp, 8080)).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);

      await restarted.release();
      const again = await open(ns.podIp, 8080);
      expect(await echo(again, 'back')).toBe('back');
      again.destroy();
      expect(saved(ns.name)).toBe(before);
      expect(await loadEnforcementState(statePath)).toEqual({ quarantined: false, blocks: [] });
    },
  );

  it.skipIf(!isRoot)(
    'blocks one peer on one port (protect mode), and teardown removes every rule',
    async () => {
      const before = saved(ns.name);
      const enforcer = createEnforcer({
        run: inNetns(ns.name),
        channel: { controlPlaneIps: [ns.hostIp], controlPlanePort: cpPort },
      });
      const client = await open(ns.podIp, 8080);
      expect(await echo(client, 'x')).toBe('x');
      await enforcer.block([{ ip: ns.hostIp, port: 8080, peer: 'client' }]);
      await expect(echo(client, 'y')).rejects.toThrow(/ECONNRESET|EPIPE/);
      // The blocked peer's other traffic still flows.
      expect(await curlFromPod(ns.name, `http://${ns.hostIp}:${cpPort + 1}/`)).toBe(200);
      await enforcer.teardown();
      expect(saved(ns.name)).toBe(before);
      expect(enforcer.state().blocks).toHaveLength(1);
    },
  );
});
