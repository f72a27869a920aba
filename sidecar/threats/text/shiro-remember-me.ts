/**
 * Apache Shiro's `rememberMe` cookie opened with the public keys (CVE-2016-4437): base64 of an AES initialization
 * vector (16 octets) and the ciphertext of a Java serialization stream that the server deserializes before it checks
 * anything. Shiro up to 1.4.1 encrypts with AES-CBC and PKCS#5 padding, from 1.4.2 with AES-GCM (a 16-octet vector,
 * a 16-octet tag at the end). A cookie that opens with a public key into `AC ED 00 05` was written with that key: by an
 * attacker forging one, or by an application that runs with the key, which anyone can then forge for it.
 *
 * Cost: a value that is not base64 of at least two blocks costs one test; then each key costs one block deciphered per
 * mode, and only a key that turns it into `AC ED 00 05` costs a whole decrypt.
 */
import { type CipherGCMTypes, createDecipheriv } from 'node:crypto';
import { serializedBytes } from './serialized-bytes.ts';
import type { Serialized } from './serialized-format.ts';

export type ShiroOpened = { found: Serialized; key: string; mode: 'CBC' | 'GCM' };
type Key = { text: string; octets: Buffer; cipher: string };

const block = 16;
/** Longer values are no cookie a browser keeps (4 KiB is the common limit; attack tools send up to about 16 KiB). */
const maxBase64 = 64 * 1024;
const base64Text = /^[A-Za-z0-9+/]+={0,2}$/;
const javaMagic = Buffer.from([0xac, 0xed, 0x00, 0x05]);

const aes: Record<number, string> = { 16: 'aes-128', 24: 'aes-192', 32: 'aes-256' };

/** The keys as AES keys; entries that are not base64 of 16, 24 or 32 octets are errors of the policy, named. */
export const shiroKeys = (texts: readonly string[]): Key[] =>
  texts.map((text) => {
    const octets = Buffer.from(text, 'base64');
    const cipher = aes[octets.length];
    if (cipher === undefined || !base64Text.test(text))
      throw new Error(`shiroKeys: "${text}" is not base64 of a 16, 24 or 32-octet AES key`);
    return { text, octets, cipher };
  });

const startsJava = (plain: Buffer): boolean => plain.subarray(0, 4).equals(javaMagic);

/** CBC: the first block decrypted says whether the key fits; then the whole stream, its padding checked. */
const openCbc = (sealed: Buffer, key: Key): Buffer | undefined => {
  const iv = sealed.subarray(0, block);
  const first = createDecipheriv(`${key.cipher}-cbc`, key.octets, iv).setAutoPadding(false);
  if (!startsJava(first.update(sealed.subarray(block, 2 * block)))) return undefined;
  try {
    const whole = createDecipheriv(`${key.cipher}-cbc`, key.octets, iv);
    return Buffer.concat([whole.update(sealed.subarray(block)), whole.final()]);
  } catch {
    return undefined;
  }
};

const gcmDecipher = (sealed: Buffer, key: Key) =>
  createDecipheriv(`${key.cipher}-gcm` as CipherGCMTypes, key.octets, sealed.subarray(0, block), {
    authTagLength: block,
  });

/**
 * GCM: the first block deciphered before any tag is checked (GCM is a counter mode, so its octets come at once) says
 * whether the key fits; then the tag must verify over the whole.
 */
const openGcm = (sealed: Buffer, key: Key): Buffer | undefined => {
  if (!startsJava(gcmDecipher(sealed, key).update(sealed.subarray(block, 2 * block)))) return undefined;
  try {
    const gcm = gcmDecipher(sealed, key);
    gcm.setAuthTag(sealed.subarray(sealed.length - block));
    return Buffer.concat([gcm.update(sealed.subarray(block, sealed.length - block)), gcm.final()]);
  } catch {
    return undefined;
  }
};

const opened = (plain: Buffer, key: Key, mode: 'CBC' | 'GCM'): ShiroOpened => ({
  found: serializedBytes(plain) ?? { format: 'Java serialized object' },
  key: key.text,
  mode,
});

/** The cookie's value opened with one of the keys into a Java serialization stream, or undefined. */
export const openShiroCookie = (value: string, keys: readonly Key[]): ShiroOpened | undefined => {
  if (value.length < 44 || value.length > maxBase64 || !base64Text.test(value)) return undefined;
  const sealed = Buffer.from(value, 'base64');
  if (sealed.length < 2 * block) return undefined;
  const cbc = sealed.length % block === 0;
  const gcm = sealed.length >= 3 * block + 4;
  for (const key of keys) {
    const plain = cbc ? openCbc(sealed, key) : undefined;
    if (plain !== undefined) return opened(plain, key, 'CBC');
  }
  if (!gcm) return undefined;
  for (const key of keys) {
    const plain = openGcm(sealed, key);
    if (plain !== undefined) return opened(plain, key, 'GCM');
  }
  return undefined;
};
