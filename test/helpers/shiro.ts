/**
 * Debian's Apache Shiro 1.3.2 for the real tests (.ci/apt/deserialization.txt): why they cannot run here, the cookie
 * Shiro's own remember-me writes (test/fixtures/shiro/Seal.java), and Shiro's remember-me behind the JDK's HTTP server
 * (test/fixtures/shiro/Server.java), which clears a cookie it cannot open with `rememberMe=deleteMe`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { hasCommand, isRoot } from './netns.ts';

export const shiroClassPath = ['/usr/share/java/shiro-core.jar', '/usr/share/java/slf4j-api.jar'].join(':');

/** Why a real Shiro test cannot run (not root for tcpdump, a command or jar missing), or undefined. */
export const shiroUnavailable = (commands: readonly string[] = ['tcpdump', 'java']): string | undefined => {
  const missing = [
    ...commands.filter((command) => !hasCommand(command)),
    ...shiroClassPath.split(':').filter((jar) => !existsSync(jar)),
  ];
  if (!isRoot) return 'needs root for tcpdump (runs as root in CI)';
  return missing.length > 0 ? `missing ${missing.join(', ')} (.ci/apt/deserialization.txt)` : undefined;
};

/** Seal.java's output: alice's cookie under the key given (base64) or Shiro's own; `--plain` for the stream alone. */
export const sealWithShiro = (...args: string[]): string =>
  execFileSync('java', ['-cp', shiroClassPath, 'test/fixtures/shiro/Seal.java', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();

/** Starts the Shiro server under `key` (base64); resolves with it and its port once it prints the port. */
export const startShiroServer = async (key: string): Promise<{ server: ChildProcess; port: number }> => {
  const server = spawn('java', ['-cp', shiroClassPath, 'test/fixtures/shiro/Server.java', key], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [line] = (await Promise.race([
    once(server.stdout as NodeJS.ReadableStream, 'data'),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error('the Shiro server did not start in 60 s')), 60_000),
    ),
  ])) as [Buffer];
  return { server, port: Number(line.toString().trim()) };
};
