import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { type Command, commandJwsType } from '#core/command.ts';
import { commandJwks, generateCommandKey } from '#functions/platform/keys/command-key.ts';
import { createCommandSigner } from '#functions/platform/keys/command-signer.ts';

const release = (issuedAt: number, expiresAt: number): Command => ({
  kind: 'release',
  id: randomUUID(),
  podUid: 'pod-uid-1',
  issuedAt,
  expiresAt,
});

describe('createCommandSigner', () => {
  it('signs with the explicit typ, kid and registered claims', async () => {
    const key = await generateCommandKey('EdDSA');
    const signer = await createCommandSigner(key);
    const now = Math.floor(Date.now() / 1000);
    const command = release(now, now + 60);
    const jws = await signer.sign(command);
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'EdDSA', kid: key.kid, typ: commandJwsType });
    const { payload } = await jwtVerify(jws, createLocalJWKSet(signer.jwks), { audience: 'pod-uid-1' });
    expect(payload).toEqual({ kind: 'release', aud: 'pod-uid-1', jti: command.id, iat: now, exp: now + 60 });
  });

  it('publishes only public keys', async () => {
    const jwks = commandJwks([await generateCommandKey('ES256'), await generateCommandKey('EdDSA')]);
    expect(jwks.keys).toHaveLength(2);
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
  });

  it('refuses to sign a command that lives too long', async () => {
    const signer = await createCommandSigner(await generateCommandKey());
    await expect(signer.sign(release(1000, 1000 + 121))).rejects.toThrow(/invalid command/);
  });
});
