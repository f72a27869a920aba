/**
 * What an SSH connection uses, from both KEXINITs (RFC 4253 §7.1: for each kind, the first algorithm on the client's
 * list that is also on the server's), and which algorithms are weak:
 * - key exchange: RFC 9142 §4 says SHOULD NOT for SHA-1 and 1024-bit groups;
 * - ciphers: RC4 (RFC 8758: MUST NOT), 64-bit block ciphers, DES, `none`, and CBC modes (plaintext recovery,
 *   CVE-2008-5161; OpenSSH dropped them from its defaults in 7.2);
 * - MACs: MD5, truncated 96-bit tags, `none`;
 * - host keys: DSA (1024 bits) and `ssh-rsa` (SHA-1 signatures, disabled by default since OpenSSH 8.8).
 */
import type { SshKexInitEvent } from '../events.ts';

const weakKex =
  /^(diffie-hellman-group1-sha1|diffie-hellman-group14-sha1|diffie-hellman-group-exchange-sha1|rsa1024-sha1|gss-group1-sha1-.*)$/;
const weakCipher =
  /^(arcfour(128|256)?|3des-cbc|blowfish-cbc|cast128-cbc|des(-cbc)?(@ssh\.com)?|idea-cbc|none|aes(128|192|256)-cbc|rijndael-cbc@lysator\.liu\.se)$/;
const weakMac = /^(hmac-md5(-96)?(-etm@openssh\.com)?|hmac-sha1-96(-etm@openssh\.com)?|none)$/;
const weakHostKey = /^(ssh-dss|ssh-rsa)$/;

export type SshAlgorithmKind = 'kex' | 'host key' | 'cipher' | 'mac';

const weakness: Record<SshAlgorithmKind, RegExp> = {
  kex: weakKex,
  'host key': weakHostKey,
  cipher: weakCipher,
  mac: weakMac,
};

export const isWeakSshAlgorithm = (kind: SshAlgorithmKind, name: string): boolean =>
  weakness[kind].test(name);

/** §7.1: the first name on the client's list that the server also lists. */
const chosen = (client: readonly string[], server: readonly string[]): string | undefined =>
  client.find((name) => server.includes(name));

/** AEAD ciphers carry their own integrity: the MAC lists are not used with them (RFC 5647, OpenSSH PROTOCOL). */
const aead = (cipher: string | undefined): boolean =>
  cipher !== undefined && (cipher.includes('-gcm') || cipher.startsWith('chacha20-poly1305'));

/** The algorithms a connection uses, each with its kind and direction, from the client's and server's KEXINIT. */
export const negotiated = (
  client: SshKexInitEvent,
  server: SshKexInitEvent,
): { kind: SshAlgorithmKind; name: string; direction?: string }[] => {
  const out: { kind: SshAlgorithmKind; name: string; direction?: string }[] = [];
  const push = (kind: SshAlgorithmKind, name: string | undefined, direction?: string) => {
    if (name !== undefined) out.push(direction === undefined ? { kind, name } : { kind, name, direction });
  };
  push('kex', chosen(client.kex, server.kex));
  push('host key', chosen(client.hostKeys, server.hostKeys));
  for (const [key, direction] of [
    ['toServer', 'client to server'],
    ['toClient', 'server to client'],
  ] as const) {
    const cipher = chosen(client.ciphers[key], server.ciphers[key]);
    push('cipher', cipher, direction);
    if (!aead(cipher)) push('mac', chosen(client.macs[key], server.macs[key]), direction);
  }
  return out;
};

/** The weak algorithms a server accepts (its own lists), in list order, without repeats. */
export const weakOffered = (server: SshKexInitEvent): string[] => {
  const names: [SshAlgorithmKind, readonly string[]][] = [
    ['kex', server.kex],
    ['host key', server.hostKeys],
    ['cipher', [...server.ciphers.toServer, ...server.ciphers.toClient]],
    ['mac', [...server.macs.toServer, ...server.macs.toClient]],
  ];
  return [...new Set(names.flatMap(([kind, list]) => list.filter((name) => isWeakSshAlgorithm(kind, name))))];
};
