import { describe, expect, it } from 'vitest';
import type { SshKexInitEvent } from '#sidecar/events.ts';
import { negotiated, weakOffered } from '#sidecar/protocols/ssh-negotiation.ts';
import { weakSsh } from '#sidecar/threats/weak-ssh.ts';
import { flow, runThreat } from './threat-factories.ts';

const kexinit = (
  direction: SshKexInitEvent['direction'],
  lists: { kex: string[]; hostKeys: string[]; ciphers: string[]; macs: string[] },
): SshKexInitEvent => ({
  kind: 'ssh-kexinit',
  ts: 1,
  direction,
  kex: lists.kex,
  hostKeys: lists.hostKeys,
  ciphers: { toServer: lists.ciphers, toClient: lists.ciphers },
  macs: { toServer: lists.macs, toClient: lists.macs },
  compression: { toServer: ['none'], toClient: ['none'] },
  hasshAlgorithms: '',
  hassh: '',
});

/** OpenSSH 9.2's defaults (abridged): nothing weak. */
const modern = {
  kex: ['curve25519-sha256', 'ecdh-sha2-nistp256', 'diffie-hellman-group14-sha256', 'ext-info-c'],
  hostKeys: ['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256'],
  ciphers: ['chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes256-gcm@openssh.com'],
  macs: ['umac-128-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com', 'hmac-sha2-256'],
};
/** An old server that still takes SHA-1 key exchange, DSA, RC4, CBC and MD5. */
const legacy = {
  kex: ['diffie-hellman-group-exchange-sha1', 'diffie-hellman-group14-sha256', 'diffie-hellman-group1-sha1'],
  hostKeys: ['ssh-rsa', 'ssh-dss'],
  ciphers: ['aes128-ctr', 'arcfour128', '3des-cbc'],
  macs: ['hmac-md5', 'hmac-sha2-256'],
};

const evidence = (events: SshKexInitEvent[], config?: Record<string, unknown>) =>
  runThreat(weakSsh, events, { flow: flow({ protocol: 'ssh' }), ...(config ? { config } : {}) }).map(
    (h) => h.evidence,
  );

describe('weak-ssh', () => {
  it("negotiates as RFC 4253 §7.1 says: the first of the client's names that the server lists", () => {
    const used = negotiated(kexinit('to-server', modern), kexinit('to-client', legacy));
    expect(used).toEqual([
      { kind: 'kex', name: 'diffie-hellman-group14-sha256' },
      { kind: 'cipher', name: 'aes128-ctr', direction: 'client to server' },
      { kind: 'mac', name: 'hmac-sha2-256', direction: 'client to server' },
      { kind: 'cipher', name: 'aes128-ctr', direction: 'server to client' },
      { kind: 'mac', name: 'hmac-sha2-256', direction: 'server to client' },
    ]);
    // No common host key algorithm: nothing is chosen for it.
    expect(weakOffered(kexinit('to-client', modern))).toEqual([]);
  });

  it('says nothing when both sides are modern', () => {
    expect(evidence([kexinit('to-server', modern), kexinit('to-client', modern)])).toEqual([]);
  });

  it('reports what an old client and an old server negotiate, and what else the server accepts', () => {
    const oldClient = {
      ...legacy,
      ciphers: ['arcfour128', 'aes128-ctr'],
      kex: ['diffie-hellman-group1-sha1'],
    };
    expect(evidence([kexinit('to-server', oldClient), kexinit('to-client', legacy)])).toEqual([
      'negotiated kex diffie-hellman-group1-sha1, host key ssh-rsa, cipher arcfour128 (client to server), mac hmac-md5 (client to server), cipher arcfour128 (server to client), mac hmac-md5 (server to client); server also accepts diffie-hellman-group-exchange-sha1, ssh-dss, 3des-cbc',
    ]);
  });

  it('reports a server that accepts weak algorithms a modern client did not pick, unless told not to', () => {
    const events = [kexinit('to-server', modern), kexinit('to-client', legacy)];
    const hits = runThreat(weakSsh, events);
    expect(hits).toMatchObject([{ confidence: 0.7 }]);
    expect(hits[0]?.evidence).toBe(
      'server also accepts diffie-hellman-group-exchange-sha1, diffie-hellman-group1-sha1, ssh-rsa, ssh-dss, arcfour128, 3des-cbc, hmac-md5',
    );
    expect(evidence(events, { serverOffers: false })).toEqual([]);
  });

  it('names an accepted algorithm whose name is part of a negotiated one (hmac-md5 beside hmac-md5-96)', () => {
    const client = { ...modern, macs: ['hmac-md5-96'], ciphers: ['aes128-ctr'] };
    const server = { ...modern, macs: ['hmac-md5-96', 'hmac-md5'], ciphers: ['aes128-ctr'] };
    expect(evidence([kexinit('to-server', client), kexinit('to-client', server)])).toEqual([
      'negotiated mac hmac-md5-96 (client to server), mac hmac-md5-96 (server to client); server also accepts hmac-md5',
    ]);
  });

  it('judges the server alone at the flow end when the client KEXINIT was never seen, once', () => {
    const hits = runThreat(weakSsh, [
      kexinit('to-client', legacy),
      { kind: 'flow-end', ts: 2 },
      { kind: 'flow-end', ts: 3 },
    ]);
    expect(hits).toHaveLength(1);
    expect(runThreat(weakSsh, [{ kind: 'flow-end', ts: 2 }])).toEqual([]);
  });
});
