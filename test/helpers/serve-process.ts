/** Starts `meshward serve` as a real child process on a free port and talks to it over verified HTTPS. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type ServeProcess = {
  port: number;
  dataDir: string;
  ca: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
};

const root = join(import.meta.dirname, '..', '..');

/** Without `demo: true` the server starts empty (`--no-demo`): tests seed what they need. */
export const startServe = async (
  env: Record<string, string> = {},
  extraArgs: string[] = [],
  options: { demo?: boolean } = {},
): Promise<ServeProcess> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meshward-e2e-'));
  const demoArgs = options.demo === true ? [] : ['--no-demo'];
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'meshward.js'), 'serve', '--port', '0', '--data', dataDir, ...demoArgs, ...extraArgs],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const started = new Promise<number>((resolve, reject) => {
    // Generous but inside the 60 s hook timeout: the first start creates keys and a CA and tsx compiles the import graph (15 s on a loaded 2-core box).
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 50_000);
    const check = () => {
      const match = /listening on https:\/\/[^:]+:(\d+)/.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
  });
  let port: number;
  try {
    port = await started;
  } catch (error) {
    // A server that did not start leaves nothing behind: neither its process nor its data directory.
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const ca = readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8');
  /** Stops the server and removes its data directory; the exit code stays the answer on a second call. */
  const stop = async () => {
    const code = await new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (exitCode) => resolve(exitCode));
      child.kill('SIGTERM');
    });
    rmSync(dataDir, { recursive: true, force: true });
    return code;
  };
  return { port, dataDir, ca, child, output: () => out, stop };
};

export type HttpsResult = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
};

/** One HTTPS request to localhost, verifying the server certificate against the given CA. */
export const httpsRequest = (
  port: number,
  ca: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<HttpsResult> =>
  new Promise((resolve, reject) => {
    const req = request(
      {
        host: 'localhost',
        port,
        method,
        path,
        ca,
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
