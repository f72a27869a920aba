/**
 * Apache Shiro `rememberMe` cookies (CVE-2016-4437) sealed here as Shiro seals them (AES-CBC with PKCS#5 padding up to
 * 1.4.1, AES-GCM from 1.4.2; a random 16-octet vector first; base64), opened by `insecure-deserialization` with the
 * public keys; cookies under other keys, random tokens and Shiro's `deleteMe` are left alone.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { insecureDeserialization } from '#sidecar/threats/insecure-deserialization.ts';
import { defaultShiroKeys } from '#sidecar/threats/text/shiro-keys.ts';
import { openShiroCookie, shiroKeys } from '#sidecar/threats/text/shiro-remember-me.ts';
import {
  commonsCollectionsChain,
  javaStream,
  plainJavaObject,
} from '#test/fixtures/serialization/serialized-objects.ts';
import { seededRandom } from '#test/helpers/random.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

const shiroDefault = 'kPH+bIxk5D2deZiIxcaaaA==';

/** As Shiro's AesCipherService writes a cookie: the vector, then the ciphertext (and GCM's tag), in base64. */
const seal = (plain: Uint8Array, key: string, mode: 'cbc' | 'gcm'): string => {
  const iv = randomBytes(16);
  const cipher = createCipheriv(`aes-128-${mode}`, Buffer.from(key, 'base64'), iv);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  const tag =
    mode === 'gcm'
      ? (cipher as ReturnType<typeof createCipheriv> & { getAuthTag(): Buffer }).getAuthTag()
      : Buffer.alloc(0);
  return Buffer.concat([iv, sealed, tag]).toString('base64');
};

const keys = shiroKeys(defaultShiroKeys);
const verdicts = (cookie: string, config?: Record<string, unknown>) =>
  runThreat(insecureDeserialization, [httpRequest('/account', { headers: [['Cookie', cookie]] })], {
    ...(config === undefined ? {} : { config }),
  }).map((hit) => [hit.severity, hit.evidence]);

describe('Shiro rememberMe cookies', () => {
  it.each(['cbc', 'gcm'] as const)(
    'opens a %s cookie sealed with a public key and names the gadget',
    (mode) => {
      const opened = openShiroCookie(seal(javaStream(commonsCollectionsChain), shiroDefault, mode), keys);
      expect(opened).toMatchObject({ key: shiroDefault, mode: mode.toUpperCase() });
      expect(opened?.found.gadget).toMatch(/CommonsCollections/);
      const other = defaultShiroKeys[9] as string;
      expect(openShiroCookie(seal(javaStream(plainJavaObject), other, mode), keys)).toMatchObject({
        key: other,
      });
    },
  );

  it('reports a forged cookie critical with its gadget, and an object with none high, naming the key', () => {
    const cookie = seal(javaStream(commonsCollectionsChain), shiroDefault, 'cbc');
    const [forged] = verdicts(`JSESSIONID=4B1C; rememberMe=${cookie}`);
    expect(forged?.[0]).toBe('critical');
    expect(forged?.[1]).toMatch(
      /^Apache Shiro rememberMe \(CVE-2016-4437\) opened with the public key kPH\+bIxk5D2deZiIxcaaaA== \(AES-CBC\): Java serialized object java\.util\.PriorityQueue.* with gadget .*CommonsCollections.* — cookie rememberMe: /,
    );
    const plain = verdicts(
      `rememberMe=${encodeURIComponent(seal(javaStream(plainJavaObject), shiroDefault, 'gcm'))}`,
    );
    expect(plain.map(([severity]) => severity)).toEqual(['high']);
    expect(plain[0]?.[1]).toContain(
      '(AES-GCM): Java serialized object com.example.shop.Cart, no known gadget',
    );
  });

  it('leaves alone cookies under keys not listed, deleteMe, random base64 and other cookies', () => {
    const privateKey = randomBytes(16).toString('base64');
    for (const mode of ['cbc', 'gcm'] as const)
      expect(verdicts(`rememberMe=${seal(javaStream(commonsCollectionsChain), privateKey, mode)}`)).toEqual(
        [],
      );
    expect(verdicts('rememberMe=deleteMe')).toEqual([]);
    const random = seededRandom(0x5171);
    let opened = 0;
    for (let i = 0; i < 5_000; i++) {
      const length = 32 + 16 * random.int(40) + (i % 2 === 0 ? 0 : random.int(16));
      const token = Buffer.from(random.bytes(length)).toString('base64');
      if (openShiroCookie(token, keys) !== undefined) opened++;
    }
    expect(opened).toBe(0);
    const sealed = seal(javaStream(commonsCollectionsChain), shiroDefault, 'cbc');
    expect(verdicts(`session=${sealed}`)).toEqual([]);
  });

  it("takes renamed cookies and a team's leaked key from the policy, and names a key that is not one", () => {
    const leaked = randomBytes(16).toString('base64');
    const cookie = seal(javaStream(plainJavaObject), leaked, 'cbc');
    expect(verdicts(`auth=${cookie}`, { shiroCookies: ['auth'], extraShiroKeys: [leaked] })).toHaveLength(1);
    expect(() => insecureDeserialization.config.parse({ extraShiroKeys: ['not-a-key'] })).toThrow(
      /not-a-key.* is not base64 of a 16, 24 or 32-octet AES key/,
    );
  });

  it('lists only AES keys, each once', () => {
    expect(new Set(defaultShiroKeys).size).toBe(defaultShiroKeys.length);
    expect(shiroKeys(defaultShiroKeys)).toHaveLength(defaultShiroKeys.length);
  });
});
