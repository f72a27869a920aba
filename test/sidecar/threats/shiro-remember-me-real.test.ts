/**
 * Apache Shiro's own rememberMe cookies (Debian's Shiro 1.3.2: AbstractRememberMeManager's serializer and
 * AesCipherService, test/fixtures/shiro/Seal.java), sent by curl to a node:http server on loopback, captured by tcpdump
 * and read by the engine with the default detectors: the cookie an application writes when it sets the public key
 * (CVE-2016-4437) is reported, naming the key; the one written with Shiro's own random key (since 1.2.5) is left alone.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { sealWithShiro, shiroUnavailable } from '#test/helpers/shiro.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';
import { stopTcpdump, tcpdumpBuffer, tcpdumpListening } from '#test/helpers/tcpdump.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const unavailable = shiroUnavailable(['tcpdump', 'curl', 'java']);

const publicKey = 'kPH+bIxk5D2deZiIxcaaaA==';

/** The cookie Shiro writes for `alice`, with the key given or its own. */
const shiroCookie = (key?: string): string => sealWithShiro(...(key === undefined ? [] : [key]));

describe.skipIf(unavailable !== undefined)(
  `insecure-deserialization on Apache Shiro's own rememberMe cookies${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it("reports the cookie sealed with the public key, and leaves the one under Shiro's random key alone", async () => {
      const cookies = [shiroCookie(publicKey), shiroCookie()];
      for (const cookie of cookies) expect(cookie).toMatch(/^[A-Za-z0-9+/]{100,}={0,2}$/);
      const server = createServer((request, response) => {
        request.resume();
        request.on('end', () => response.end('ok\n'));
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const port = (server.address() as AddressInfo).port;
      const pcap = join(tempDir('meshward-shiro-'), 'shiro.pcap');
      const tcpdump: ChildProcess = spawn('tcpdump', [
        ...tcpdumpBuffer,
        ...['-i', 'lo', '-U', '--immediate-mode', '-w', pcap, `tcp port ${port}`],
      ]);
      try {
        await tcpdumpListening(tcpdump);
        for (const cookie of cookies)
          await promisify(execFile)(
            'curl',
            [
              '-s',
              '-o',
              '/dev/null',
              '-H',
              `Cookie: JSESSIONID=1C0A; rememberMe=${cookie}`,
              `http://127.0.0.1:${port}/`,
            ],
            { timeout: 20_000 },
          );
      } finally {
        await stopTcpdump(tcpdump, 500);
        server.close();
      }
      const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
      const found = threatsBy(findings, 'insecure-deserialization').map(
        (f) => `${f.severity} ${f.evidence.split(' — ')[0]}`,
      );
      expect(found).toEqual([
        `high Apache Shiro rememberMe (CVE-2016-4437) opened with the public key ${publicKey} (AES-CBC): Java serialized object org.apache.shiro.subject.SimplePrincipalCollection, no known gadget`,
      ]);
    }, 120_000);
  },
);
