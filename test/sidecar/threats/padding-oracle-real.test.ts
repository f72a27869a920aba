/**
 * Shiro-721 (CVE-2019-12422) against Shiro's own remember-me: Debian's Apache Shiro 1.3.2 behind the JDK's HTTP server
 * (test/fixtures/shiro/Server.java) under a random key the attacker never learns. The attacker holds alice's cookie as
 * Shiro wrote it (test/fixtures/shiro/Seal.java), appends a block it varies and the block to read, and takes Shiro's
 * `rememberMe=deleteMe` as "bad padding": a real padding oracle attack reading the last four octets of a block of the cookie. Captured by
 * tcpdump on loopback and read by the engine with the default detectors: padding-oracle tells it, and nothing reads
 * it as key guessing.
 */
import { spawn } from 'node:child_process';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { sealWithShiro, shiroUnavailable, startShiroServer } from '#test/helpers/shiro.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { stopTcpdump, tcpdumpBuffer, tcpdumpListening } from '#test/helpers/tcpdump.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';
import { paddingOracleAttack } from './padding-oracle-attack.ts';

const unavailable = shiroUnavailable();

/** The server's own key: random, as Shiro has made it since 1.2.5. */
const serverKey = randomBytes(16);

/** Alice's rememberMe cookie as Shiro 1.3.2 writes it under the server's key. */
const aliceCookie = (): Buffer => Buffer.from(sealWithShiro(serverKey.toString('base64')), 'base64');

describe.skipIf(unavailable !== undefined)(
  `Shiro-721 padding oracle against Shiro's own remember-me${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('reads a block of the cookie through Shiro, and padding-oracle reports it', async () => {
      const cookie = aliceCookie();
      const { server, port } = await startShiroServer(serverKey.toString('base64'));
      const pcap = join(tempDir('meshward-shiro721-'), 'shiro721.pcap');
      const tcpdump = spawn('tcpdump', [
        ...tcpdumpBuffer,
        ...['-i', 'lo', '-U', '--immediate-mode', '-w', pcap, `tcp port ${port}`],
      ]);
      let greeted = '';
      let elapsed = 0;
      let attack: Awaited<ReturnType<typeof paddingOracleAttack>>;
      try {
        await tcpdumpListening(tcpdump);
        const ask = async (token: Buffer) => {
          const response = await fetch(`http://127.0.0.1:${port}/account`, {
            headers: { Cookie: `JSESSIONID=5E2F; rememberMe=${token.toString('base64')}` },
          });
          const body = await response.text();
          return {
            cleared: response.headers.get('set-cookie')?.startsWith('rememberMe=deleteMe') ?? false,
            body,
          };
        };
        greeted = (await ask(cookie)).body.trim();
        const target = cookie.subarray(cookie.length - 16);
        const started = Date.now();
        // Four octets of the block (about 512 requests), as the whole block would take sixteen.
        attack = await paddingOracleAttack(cookie, target, async (token) => !(await ask(token)).cleared, 4);
        elapsed = Date.now() - started;
      } finally {
        await stopTcpdump(tcpdump, 500);
        server.kill();
      }
      expect(greeted).toBe('hello alice');
      // The octets read through Shiro's answers are the block's real decryption under the key the attacker never had.
      const ecb = createDecipheriv('aes-128-ecb', serverKey, null).setAutoPadding(false);
      const target = cookie.subarray(cookie.length - 16);
      expect(attack.intermediate.subarray(12)).toEqual(ecb.update(target).subarray(12));
      const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
      const { threats } = splitFindings(findings);
      const oracle = threats.filter((f) => f.threat === 'padding-oracle');
      expect(oracle.map((f) => f.severity)).toEqual(['high']);
      expect(oracle[0]?.evidence).toMatch(
        new RegExp(
          `^CBC padding oracle attack on cookie rememberMe \\(Apache Shiro rememberMe: Shiro-721, CVE-2019-12422, .*\\): \\d+ different ${cookie.length + 32}-octet tokens within \\d+ ms, \\d+ of them changed inside one 16-octet block only \\(block ${cookie.length / 16 + 1} of ${cookie.length / 16 + 2}\\), octet by octet at \\d+ positions`,
        ),
      );
      // Shiro's deleteMe answers are not read as key guessing: every cookie starts with alice's.
      expect(
        threats.filter((f) => f.threat !== 'padding-oracle').map((f) => `${f.threat}: ${f.evidence}`),
      ).toEqual([]);
      console.log(
        `Shiro-721 against Shiro 1.3.2: ${attack.sent.length} requests in ${elapsed} ms read four octets of a block; padding-oracle: ${oracle[0]?.evidence}`,
      );
    }, 240_000);
  },
);
