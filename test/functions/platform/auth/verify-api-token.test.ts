/** API tokens: roles from the token, viewers may only read. */
import { describe, expect, it } from 'vitest';
import { jwksSource } from '#functions/platform/auth/jwks-source.ts';
import { apiAudience, createLocalIssuer, generateIssuerKey } from '#functions/platform/auth/local-issuer.ts';
import { createApiTokenVerifier, roleAllows } from '#functions/platform/auth/verify-api-token.ts';
import { podRef } from '../factories.ts';

describe('verify api token', () => {
  it('returns the role of a valid token and rejects pod tokens and junk', async () => {
    const issuer = await createLocalIssuer(await generateIssuerKey());
    const verify = createApiTokenVerifier({
      issuer: issuer.issuer,
      keys: jwksSource({ jwks: issuer.jwks }),
      audience: apiAudience,
    });
    expect(await verify(await issuer.mintApiToken('viewer', { subject: 'ann' }))).toEqual({
      ok: true,
      value: { subject: 'ann', role: 'viewer' },
    });
    expect(await verify(await issuer.mintPodToken(podRef('x')))).toMatchObject({ ok: false, status: 401 });
    expect(await verify('junk')).toMatchObject({ ok: false, status: 401 });
    expect(await verify(undefined)).toMatchObject({ ok: false, status: 401 });
  });

  it('lets operators do everything and viewers only read', () => {
    expect(roleAllows('operator', 'operator')).toBe(true);
    expect(roleAllows('viewer', 'viewer')).toBe(true);
    expect(roleAllows('viewer', 'operator')).toBe(false);
  });
});
