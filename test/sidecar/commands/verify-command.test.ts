import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { type Command, commandJwsType } from '#core/command.ts';
import { generateCommandKey } from '#functions/platform/keys/command-key.ts';
import { createCommandSigner } from '#functions/platform/keys/command-signer.ts';
import { createReplayCache } from '#sidecar/commands/replay-cache.ts';
import { createCommandVerifier } from '#sidecar/commands/verify-command.ts';

const podUid = 'a1b2c3d4-0000-4000-8000-000000000001';
const now = 1_800_000_000;

const quarantine = (overrides: Partial<Command> = {}): Command =>
  ({
    kind: 'quarantine',
    id: randomUUID(),
    podUid,
    issuedAt: now,
    expiresAt: now + 60,
    reason: 'sql injection from 10.0.0.9',
    ...overrides,
  }) as Command;

const setup = async (alg: 'ES256' | 'EdDSA' = 'ES256') => {
  const key = await generateCommandKey(alg);
  const signer = await createCommandSigner(key);
  let clock = now + 1;
  const verify = createCommandVerifier({
    keys: createLocalJWKSet(signer.jwks),
    podUid: () => podUid,
    replay: createReplayCache(),
    nowSeconds: () => clock,
  });
  return { key, signer, verify, setClock: (value: number) => (clock = value) };
};

/** Signs arbitrary claims with the given key, bypassing the signer's own checks. */
const rawSign = async (
  privateJwk: Parameters<typeof import('jose').importJWK>[0],
  kid: string,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
) => {
  const { importJWK } = await import('jose');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid, typ: commandJwsType, ...header })
    .sign(await importJWK(privateJwk, 'ES256'));
};

describe('createCommandVerifier', () => {
  it.each(['ES256', 'EdDSA'] as const)('accepts a valid %s command and returns it', async (alg) => {
    const { signer, verify } = await setup(alg);
    const command = quarantine();
    const result = await verify(await signer.sign(command));
    expect(result).toEqual({ ok: true, command });
  });

  it('accepts a capture command with its flow and upload URL intact', async () => {
    const { signer, verify } = await setup();
    const command = {
      kind: 'capture',
      id: randomUUID(),
      podUid,
      issuedAt: now,
      expiresAt: now + 120,
      beforeSeconds: 10,
      afterSeconds: 5,
      flow: { ip: '10.1.2.3', port: 8080 },
      uploadUrl: 'https://cp.local/captures/abc?sig=1',
    } as Command;
    expect(await verify(await signer.sign(command))).toEqual({ ok: true, command });
  });

  it('rejects a command signed by another key (wrong signature)', async () => {
    const { verify, key } = await setup();
    const other = await generateCommandKey('ES256');
    // Same kid as the configured key, so the lookup succeeds and the signature check fails.
    const forged = await createCommandSigner({
      ...other,
      kid: key.kid,
      privateJwk: { ...other.privateJwk, kid: key.kid },
    });
    expect(await verify(await forged.sign(quarantine()))).toEqual({
      ok: false,
      reason: 'command signature is invalid',
    });
  });

  it('rejects a tampered payload', async () => {
    const { signer, verify } = await setup();
    const [header, , signature] = (await signer.sign(quarantine())).split('.');
    const payload = Buffer.from(
      JSON.stringify({ kind: 'release', aud: podUid, jti: randomUUID(), iat: now, exp: now + 60 }),
    ).toString('base64url');
    expect(await verify(`${header}.${payload}.${signature}`)).toEqual({
      ok: false,
      reason: 'command signature is invalid',
    });
  });

  it('rejects a key that is not configured', async () => {
    const { verify } = await setup();
    const stranger = await createCommandSigner(await generateCommandKey('ES256'));
    expect(await verify(await stranger.sign(quarantine()))).toEqual({
      ok: false,
      reason: 'command signing key is not a configured key',
    });
  });

  it('rejects a wrong typ and a missing typ', async () => {
    const { verify, key } = await setup();
    const claims = { kind: 'release', aud: podUid, jti: randomUUID(), iat: now, exp: now + 60 };
    expect(await verify(await rawSign(key.privateJwk, key.kid, { typ: 'JWT' }, claims))).toEqual({
      ok: false,
      reason: `command typ is not ${commandJwsType}`,
    });
    expect(await verify(await rawSign(key.privateJwk, key.kid, { typ: undefined }, claims))).toEqual({
      ok: false,
      reason: `command typ is not ${commandJwsType}`,
    });
  });

  it('rejects an expired command', async () => {
    const { signer, verify, setClock } = await setup();
    const jws = await signer.sign(quarantine());
    setClock(now + 60 + 6);
    expect(await verify(jws)).toEqual({ ok: false, reason: 'command expired' });
  });

  it('rejects a lifetime longer than maxCommandLifetimeSeconds even when signed', async () => {
    const { verify, key } = await setup();
    const claims = { kind: 'release', aud: podUid, jti: randomUUID(), iat: now, exp: now + 121 };
    expect(await verify(await rawSign(key.privateJwk, key.kid, {}, claims))).toEqual({
      ok: false,
      reason: 'command lifetime 121 s exceeds 120 s',
    });
  });

  it("rejects another pod's command", async () => {
    const { signer, verify } = await setup();
    const result = await verify(
      await signer.sign(quarantine({ podUid: 'ffffffff-0000-4000-8000-000000000002' })),
    );
    expect(result).toEqual({ ok: false, reason: 'command is addressed to another pod' });
  });

  it('rejects a replayed id until it expires', async () => {
    const { signer, verify } = await setup();
    const jws = await signer.sign(quarantine());
    expect((await verify(jws)).ok).toBe(true);
    const again = await verify(jws);
    expect(again.ok).toBe(false);
    expect(again.ok ? '' : again.reason).toMatch(/already used \(replay\)/);
    // A fresh signature over the same id is a replay too.
    const command = quarantine();
    expect((await verify(await signer.sign(command))).ok).toBe(true);
    expect((await verify(await signer.sign({ ...command, kind: 'release' } as Command))).ok).toBe(false);
  });

  it('rejects alg none', async () => {
    const { verify } = await setup();
    const unsigned = new UnsecuredJWT({ kind: 'release', jti: randomUUID() })
      .setAudience(podUid)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .encode();
    expect(await verify(unsigned)).toEqual({
      ok: false,
      reason: 'command algorithm is not allowed (ES256 or EdDSA only)',
    });
  });

  it('rejects HS256 even with the public key material as the secret', async () => {
    const { verify, signer } = await setup();
    const secret = new TextEncoder().encode(JSON.stringify(signer.jwks.keys[0]));
    const jws = await new SignJWT({ kind: 'release' })
      .setProtectedHeader({ alg: 'HS256', typ: commandJwsType })
      .setAudience(podUid)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(secret);
    expect(await verify(jws)).toEqual({
      ok: false,
      reason: 'command algorithm is not allowed (ES256 or EdDSA only)',
    });
  });

  it('rejects an RS256 command from a configured RSA key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const verify = createCommandVerifier({
      keys: createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'rsa' }] }),
      podUid: () => podUid,
      replay: createReplayCache(),
      nowSeconds: () => now,
    });
    const jws = await new SignJWT({ kind: 'release' })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa', typ: commandJwsType })
      .setAudience(podUid)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(privateKey);
    expect((await verify(jws)).ok).toBe(false);
  });

  it('rejects a well-signed command whose body is not a command', async () => {
    const { verify, key } = await setup();
    const claims = { kind: 'self-destruct', aud: podUid, jti: randomUUID(), iat: now, exp: now + 60 };
    const result = await verify(await rawSign(key.privateJwk, key.kid, {}, claims));
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(/^command body is invalid/);
  });

  it('rejects garbage', async () => {
    const { verify } = await setup();
    const result = await verify('not.a.jws');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(/^command is malformed/);
  });
});
