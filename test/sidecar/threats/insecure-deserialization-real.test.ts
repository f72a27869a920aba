/**
 * insecure-deserialization on objects the real serializers wrote, sent by curl to a node:http server on loopback,
 * captured by tcpdump and read by the engine with the default detectors: Python's own `pickle.dumps` of a
 * `__reduce__` to os.system, base64 in a cookie; the JDK's own ObjectOutputStream of a HashMap (no gadget) and of a
 * `javax.management.BadAttributeValueExpException` (the trigger of ysoserial's CommonsCollections5, in every JDK) as
 * `application/x-java-serialized-object` bodies, one gzip-encoded; PHP's own `serialize()` of an object in a form
 * field and of a session array in a cookie (left alone); and Apache Shiro `rememberMe` cookies sealed by the JDK's own
 * javax.crypto as Shiro seals them with its public default key (CVE-2016-4437): the trigger under AES-CBC with PKCS#5
 * padding (Shiro up to 1.4.1), the HashMap under AES-GCM (1.4.2 on), and the trigger under a key of the team's own
 * (left alone). Packages: .ci/apt/deserialization.txt.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { hasCommand, isRoot } from '#test/helpers/netns.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';
import { stopTcpdump, tcpdumpBuffer, tcpdumpListening } from '#test/helpers/tcpdump.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const missing = ['tcpdump', 'curl', 'python3', 'java'].filter((command) => !hasCommand(command));
const unavailable = !isRoot
  ? 'needs root for tcpdump (runs as root in CI)'
  : missing.length > 0
    ? `missing ${missing.join(', ')} (.ci/apt/deserialization.txt)`
    : undefined;
const hasPhp = hasCommand('php');

const pickleScript = `
import base64, os, pickle
class Exploit:
    def __reduce__(self):
        return (os.system, ('id',))
print(base64.b64encode(pickle.dumps(Exploit())).decode())
`;

/**
 * Java's single-file launcher: argument 0 writes a HashMap, 1 a BadAttributeValueExpException, to a file; with a mode
 * (CBC or GCM) and a base64 AES key after it, the stream sealed as Shiro's AesCipherService seals a rememberMe cookie
 * (a random 16-octet vector, then the ciphertext), in base64.
 */
const javaSource = `
import java.io.*;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import javax.crypto.Cipher;
import javax.crypto.spec.*;
import javax.management.BadAttributeValueExpException;
public class Write {
  public static void main(String[] args) throws Exception {
    HashMap<String, String> cart = new HashMap<>();
    cart.put("item", "lamp");
    Object object = args[0].equals("0") ? cart : new BadAttributeValueExpException("x");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) { out.writeObject(object); }
    byte[] written = bytes.toByteArray();
    if (args.length > 2) {
      byte[] iv = new byte[16];
      new SecureRandom().nextBytes(iv);
      SecretKeySpec key = new SecretKeySpec(Base64.getDecoder().decode(args[3]), "AES");
      boolean gcm = args[2].equals("GCM");
      Cipher cipher = Cipher.getInstance(gcm ? "AES/GCM/NoPadding" : "AES/CBC/PKCS5Padding");
      cipher.init(Cipher.ENCRYPT_MODE, key, gcm ? new GCMParameterSpec(128, iv) : new IvParameterSpec(iv));
      byte[] sealed = cipher.doFinal(written);
      byte[] cookie = new byte[16 + sealed.length];
      System.arraycopy(iv, 0, cookie, 0, 16);
      System.arraycopy(sealed, 0, cookie, 16, sealed.length);
      written = Base64.getEncoder().encode(cookie);
    }
    try (FileOutputStream out = new FileOutputStream(args[1])) { out.write(written); }
  }
}
`;

const shiroDefaultKey = 'kPH+bIxk5D2deZiIxcaaaA==';
const teamKey = 'q8Cq0yVq3bqFv7E1u8qNZw==';

const phpScript = `
namespace Monolog\\Handler;
class SyslogUdpHandler { public $socket = 'x'; }
echo urlencode(serialize(new SyslogUdpHandler())), "\\n", urlencode(serialize(['user' => 'alice'])), "\\n";
`;

/** What each real serializer wrote: a pickle's base64, the two Java streams' files, PHP's two values (URL-encoded). */
const writeObjects = (dir: string) => {
  const pickle = execFileSync('python3', ['-c', pickleScript], { encoding: 'utf8' }).trim();
  const source = join(dir, 'Write.java');
  writeFileSync(source, javaSource);
  const map = join(dir, 'map.ser');
  const trigger = join(dir, 'trigger.ser');
  execFileSync('java', [source, '0', map], { timeout: 60_000 });
  execFileSync('java', [source, '1', trigger], { timeout: 60_000 });
  const gzipped = join(dir, 'trigger.ser.gz');
  writeFileSync(gzipped, gzipSync(readFileSync(trigger)));
  const php = hasPhp ? execFileSync('php', ['-r', phpScript], { encoding: 'utf8' }).trim().split('\n') : [];
  const shiro = (object: string, mode: string, key: string) => {
    const file = join(dir, `shiro-${object}-${mode}.txt`);
    execFileSync('java', [source, object, file, mode, key], { timeout: 60_000 });
    return readFileSync(file, 'latin1');
  };
  const shiroCookies = [
    shiro('1', 'CBC', shiroDefaultKey),
    shiro('0', 'GCM', shiroDefaultKey),
    shiro('1', 'CBC', teamKey),
  ];
  return { pickle, map, trigger, gzipped, php, shiroCookies };
};

/** curl, run without blocking: the server answering it is in this process. */
const curl = (port: number, args: readonly string[]) =>
  promisify(execFile)(
    'curl',
    ['-s', '-o', '/dev/null', ...args, `http://127.0.0.1:${port}/invoker/JMXInvokerServlet`],
    { timeout: 20_000 },
  );

describe.skipIf(unavailable !== undefined)(
  `insecure-deserialization on real serializers' output${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('reports the pickle, both Java streams, the PHP object and the Shiro cookies under the public key, and leaves the PHP session array and the team-keyed cookie alone', async () => {
      const dir = tempDir('meshward-deser-');
      const objects = writeObjects(dir);
      const server = createServer((request, response) => {
        request.resume();
        request.on('end', () => response.end('ok\n'));
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const port = (server.address() as AddressInfo).port;
      const pcap = join(dir, 'deser.pcap');
      const tcpdump: ChildProcess = spawn('tcpdump', [
        ...tcpdumpBuffer,
        '-i',
        'lo',
        '-U',
        '--immediate-mode',
        '-w',
        pcap,
        `tcp port ${port}`,
      ]);
      try {
        await tcpdumpListening(tcpdump);
        const serialized = ['-H', 'Content-Type: application/x-java-serialized-object'];
        await curl(port, ['-H', `Cookie: theme=dark; prefs=${objects.pickle}`]);
        await curl(port, [...serialized, '--data-binary', `@${objects.map}`]);
        await curl(port, [
          ...serialized,
          '-H',
          'Content-Encoding: gzip',
          '--data-binary',
          `@${objects.gzipped}`,
        ]);
        if (hasPhp) {
          await curl(port, ['-d', `data=${objects.php[0]}`]);
          await curl(port, ['-H', `Cookie: cart=${objects.php[1]}`]);
        }
        for (const cookie of objects.shiroCookies)
          await curl(port, ['-H', `Cookie: JSESSIONID=9A1F; rememberMe=${cookie}`]);
      } finally {
        await stopTcpdump(tcpdump, 500);
        server.close();
      }
      const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
      const found = threatsBy(findings, 'insecure-deserialization').map(
        (f) => `${f.severity} ${f.evidence.split(' — ')[0]}`,
      );
      expect(found).toEqual([
        'critical Python pickle (protocol 4), base64 with gadget global posix.system called',
        'high Java serialized object java.util.HashMap, no known gadget',
        'critical Java serialized object javax.management.BadAttributeValueExpException with gadget BadAttributeValueExpException toString trigger (ysoserial CommonsCollections5)',
        ...(hasPhp
          ? [
              'critical PHP serialized object Monolog\\Handler\\SyslogUdpHandler with gadget Monolog (phpggc Monolog/RCE)',
            ]
          : []),
        `critical Apache Shiro rememberMe (CVE-2016-4437) opened with the public key ${shiroDefaultKey} (AES-CBC): Java serialized object javax.management.BadAttributeValueExpException with gadget BadAttributeValueExpException toString trigger (ysoserial CommonsCollections5)`,
        `high Apache Shiro rememberMe (CVE-2016-4437) opened with the public key ${shiroDefaultKey} (AES-GCM): Java serialized object java.util.HashMap, no known gadget`,
      ]);
      if (!hasPhp)
        console.log('php-cli not installed: the PHP requests were not sent (.ci/apt/deserialization.txt)');
    }, 120_000);
  },
);
