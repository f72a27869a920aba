/**
 * Apache Shiro key guessing against Shiro's own remember-me (Debian's Shiro 1.3.2 behind the JDK's HTTP server,
 * test/fixtures/shiro/Server.java, keyed with one of the public keys): the client seals Shiro's own serialized
 * principals with one public key after another, as shiro_attack does, until the server greets it. Captured by
 * tcpdump on loopback and read by the engine with the default detectors: web-scanner tells the guessing, and
 * insecure-deserialization each forged cookie, naming the key that opened the server.
 */
import { spawn } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { defaultShiroKeys } from '#sidecar/threats/text/shiro-keys.ts';
import { sealWithShiro, shiroUnavailable, startShiroServer } from '#test/helpers/shiro.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { stopTcpdump, tcpdumpBuffer, tcpdumpListening } from '#test/helpers/tcpdump.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const unavailable = shiroUnavailable();

/** The server's key: the thirteenth the tools try, so twelve guesses are refused first. */
const serverKey = defaultShiroKeys[12] as string;

/** Shiro's own serialized principals for `alice`, as tools carry them. */
const principals = (): Buffer => Buffer.from(sealWithShiro('--plain'), 'base64');

/** AES-CBC with a random vector first, in base64: Shiro 1.3's cookie. */
const seal = (plain: Buffer, key: string): string => {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(key, 'base64'), iv);
  return Buffer.concat([iv, cipher.update(plain), cipher.final()]).toString('base64');
};

describe.skipIf(unavailable !== undefined)(
  `Apache Shiro key guessing against Shiro's own remember-me${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('is reported by web-scanner, and each forged cookie by insecure-deserialization', async () => {
      const plain = principals();
      const { server, port } = await startShiroServer(serverKey);
      const pcap = join(tempDir('meshward-shiro-guess-'), 'guess.pcap');
      const tcpdump = spawn('tcpdump', [
        ...tcpdumpBuffer,
        ...['-i', 'lo', '-U', '--immediate-mode', '-w', pcap, `tcp port ${port}`],
      ]);
      const answers: string[] = [];
      try {
        await tcpdumpListening(tcpdump);
        for (const key of defaultShiroKeys.slice(0, 13)) {
          const response = await fetch(`http://127.0.0.1:${port}/`, {
            headers: { Cookie: `JSESSIONID=5E2F; rememberMe=${seal(plain, key)}` },
          });
          const cleared = response.headers.get('set-cookie')?.startsWith('rememberMe=deleteMe') ?? false;
          answers.push(`${cleared ? 'deleteMe ' : ''}${(await response.text()).trim()}`);
        }
      } finally {
        await stopTcpdump(tcpdump, 500);
        server.kill();
      }
      // Shiro itself refused the twelve wrong keys and opened the thirteenth.
      expect(answers).toEqual([...Array(12).fill('deleteMe guest'), 'hello alice']);
      const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
      const { threats } = splitFindings(findings);
      expect(threats.filter((f) => f.threat === 'web-scanner').map((f) => [f.severity, f.evidence])).toEqual([
        [
          'high',
          'Apache Shiro key guessing (CVE-2016-4437): 10 different rememberMe cookies within 60000 ms, 11 answered rememberMe=deleteMe (Shiro could not open them): a tool trying public keys',
        ],
      ]);
      const deserialization = threats.filter((f) => f.threat === 'insecure-deserialization');
      const forged = deserialization.map((f) => f.evidence);
      // Every forged cookie is told; the report merges repeats of a story into counted findings.
      expect(deserialization.reduce((sum, f) => sum + f.count, 0)).toBe(13);
      for (const evidence of forged)
        expect(evidence).toMatch(
          /^Apache Shiro rememberMe \(CVE-2016-4437\) opened with the public key \S+ \(AES-CBC\): Java serialized object org\.apache\.shiro\.subject\.SimplePrincipalCollection, no known gadget/,
        );
      console.log(
        `insecure-deserialization on the 13 forged cookies: ${deserialization.map((f) => `${f.count}× ${f.evidence.slice(0, 90)}`).join('; ')}`,
      );
    }, 180_000);
  },
);
