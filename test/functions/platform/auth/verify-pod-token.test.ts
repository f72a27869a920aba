/** Token verification against a local JWKS: every way a token can be wrong gets a clear 401/403. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type JSONWebKeySet, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { jwksSource } from '#functions/platform/auth/jwks-source.ts';
import { createLocalIssuer, generateIssuerKey } from '#functions/platform/auth/local-issuer.ts';
import { createPodTokenVerifier } from '#functions/platform/auth/verify-pod-token.ts';
import { podRef } from '../factories.ts';

const pod = podRef('cart-7d9c5b6f4d-abcde');
const issuerUrl = 'https://kubernetes.default.svc';

const setup = async () => {
  const issuer = await createLocalIssuer(await generateIssuerKey(), issuerUrl);
  const verify = createPodTokenVerifier({ issuer: issuerUrl, keys: jwksSource({ jwks: issuer.jwks }) });
  return { issuer, verify };
};

const reasonOf = async (token: string | undefined) => {
  const { verify } = await setup();
  return verify(token, pod);
};

describe('verify pod token', () => {
  it('accepts a token bound to the pod and returns its service account', async () => {
    const { issuer, verify } = await setup();
    const result = await verify(await issuer.mintPodToken(pod, { serviceAccount: 'cart' }), pod);
    expect(result).toEqual({
      ok: true,
      value: { subject: 'system:serviceaccount:shop:cart', pod, serviceAccount: 'cart' },
    });
  });

  it('rejects a missing token', async () => {
    expect(await reasonOf(undefined)).toEqual({ ok: false, status: 401, reason: 'missing bearer token' });
  });

  it('rejects the wrong audience', async () => {
    const { issuer, verify } = await setup();
    const result = await verify(
      await issuer.mintPodToken(pod, { audience: 'https://kubernetes.default.svc' }),
      pod,
    );
    expect(result).toEqual({
      ok: false,
      status: 401,
      reason: 'token claim "aud" is not accepted: check_failed',
    });
  });

  it('rejects an expired token', async () => {
    const { issuer, verify } = await setup();
    const result = await verify(await issuer.mintPodToken(pod, { ttlSeconds: -120 }), pod);
    expect(result).toEqual({ ok: false, status: 401, reason: 'token expired' });
  });

  it('rejects a token from another issuer, even when signed by a trusted key', async () => {
    const key = await generateIssuerKey();
    const other = await createLocalIssuer(key, 'https://evil.example');
    const verify = createPodTokenVerifier({ issuer: issuerUrl, keys: jwksSource({ jwks: other.jwks }) });
    const result = await verify(await other.mintPodToken(pod), pod);
    expect(result).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining('"iss"') });
  });

  it('rejects alg: none', async () => {
    const token = new UnsecuredJWT({
      'kubernetes.io': { namespace: 'shop', pod: { name: pod.name, uid: pod.uid } },
    })
      .setIssuer(issuerUrl)
      .setAudience('meshward')
      .setExpirationTime('1h')
      .encode();
    expect(await reasonOf(token)).toEqual({
      ok: false,
      status: 401,
      reason: 'token algorithm is not allowed',
    });
  });

  it('rejects HS256 signed with the public key as a secret (algorithm confusion)', async () => {
    const { issuer, verify } = await setup();
    const secret = new TextEncoder().encode(JSON.stringify(issuer.jwks.keys[0]));
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: issuer.jwks.keys[0]?.kid ?? '' })
      .setIssuer(issuerUrl)
      .setAudience('meshward')
      .setExpirationTime('1h')
      .sign(secret);
    expect(await verify(token, pod)).toEqual({
      ok: false,
      status: 401,
      reason: 'token algorithm is not allowed',
    });
  });

  it('rejects a key that is not in the set', async () => {
    const { verify } = await setup();
    const stranger = await createLocalIssuer(await generateIssuerKey(), issuerUrl);
    expect(await verify(await stranger.mintPodToken(pod), pod)).toEqual({
      ok: false,
      status: 401,
      reason: "token signing key is not in the issuer's key set",
    });
  });

  it('rejects garbage without throwing', async () => {
    for (const token of ['x', 'a.b.c', '....', 'eyJhbGciOiJFUzI1NiJ9.e30.AAAA']) {
      expect(await reasonOf(token)).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('forbids a token of another pod, naming each mismatching field', async () => {
    const { issuer, verify } = await setup();
    const token = await issuer.mintPodToken(podRef('cart-other', 'shop', 'uid-2'));
    expect(await verify(token, pod)).toEqual({
      ok: false,
      status: 403,
      reason: `token belongs to another pod: name cart-other ≠ ${pod.name}, uid uid-2 ≠ ${pod.uid}`,
    });
    const otherNs = await issuer.mintPodToken({ ...pod, namespace: 'other' });
    expect(await verify(otherNs, pod)).toMatchObject({
      status: 403,
      reason: expect.stringContaining('namespace'),
    });
  });

  it('forbids a valid token that is not bound to a pod', async () => {
    const { issuer, verify } = await setup();
    const apiToken = await issuer.mintApiToken('operator');
    const verifyApiAud = createPodTokenVerifier({
      issuer: issuerUrl,
      keys: jwksSource({ jwks: issuer.jwks }),
      audience: 'meshward-api',
    });
    expect(await verifyApiAud(apiToken, pod)).toMatchObject({ ok: false, status: 403 });
    expect(await verify(apiToken, pod)).toMatchObject({ ok: false, status: 401 });
  });
});

describe('verify pod token against a JWKS URL', () => {
  it('fetches, caches, and picks up a rotated key', async () => {
    const first = await createLocalIssuer(await generateIssuerKey(), issuerUrl);
    const second = await createLocalIssuer(await generateIssuerKey(), issuerUrl);
    let served: JSONWebKeySet = first.jwks;
    let fetches = 0;
    const server = createServer((_req, res) => {
      fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(served));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const keys = jwksSource({ jwksUrl: `http://127.0.0.1:${port}/openid/v1/jwks`, cooldownMs: 0 });
    const verify = createPodTokenVerifier({ issuer: issuerUrl, keys });
    expect((await verify(await first.mintPodToken(pod), pod)).ok).toBe(true);
    expect((await verify(await first.mintPodToken(pod), pod)).ok).toBe(true);
    expect(fetches).toBe(1);
    served = { keys: [...first.jwks.keys, ...second.jwks.keys] };
    expect((await verify(await second.mintPodToken(pod), pod)).ok).toBe(true);
    expect(fetches).toBe(2);
    server.close();
  });

  it('reports an unreachable key set as unavailable, not as a bad token', async () => {
    const keys = jwksSource({ jwksUrl: 'http://127.0.0.1:1/jwks', cooldownMs: 0, timeoutMs: 500 });
    const issuer = await createLocalIssuer(await generateIssuerKey(), issuerUrl);
    const verify = createPodTokenVerifier({ issuer: issuerUrl, keys });
    await expect(verify(await issuer.mintPodToken(pod), pod)).rejects.toMatchObject({ code: 'unavailable' });
  });
});
