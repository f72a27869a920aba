/** Test helper: start a real server from a Debian package on a free loopback port, and talk to it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const isRoot = process.getuid?.() === 0;

export const freePort = async (): Promise<number> => {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address !== null ? address.port : 0;
};

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

export type RunningServer = { stop(): Promise<void> };

/** Spawns `command` and waits (up to ~5 s) until `port` accepts connections. */
export const startServer = async (command: string, args: string[], port: number): Promise<RunningServer> => {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (said.length < 4096) said += chunk.toString();
  });
  let listening = false;
  for (let i = 0; i < 100 && child.exitCode === null && !listening; i += 1) {
    listening = await accepts(port);
    if (!listening) await sleep(50);
  }
  // A server that stopped or never listened is told with what it said, not left for the test to time out on.
  if (!listening) {
    child.kill('SIGKILL');
    throw new Error(`${command} did not listen on port ${port} (exit ${child.exitCode}): ${said.trim()}`);
  }
  return {
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    },
  };
};

/** Waits for a greeting, then sends each message in turn, waiting for the server to answer (or `quietMs` of silence) before the next. */
export const converse = async (port: number, messages: readonly (string | Uint8Array)[], quietMs = 150) => {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = 0;
  socket.on('data', (d: Buffer) => {
    received += d.length;
  });
  // Server-first protocols greet on connect: let the greeting arrive before the first message.
  for (let waited = 0; waited < quietMs && received === 0; waited += 10) await sleep(10);
  for (const message of messages) {
    const before = received;
    socket.write(message);
    for (let waited = 0; waited < quietMs * 10 && received === before; waited += 10) await sleep(10);
    await sleep(20);
  }
  socket.end();
  await sleep(quietMs);
  socket.destroy();
};
