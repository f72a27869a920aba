/** GET /keys/commands publishes the command-signing public keys, never a private part. */
import { compactVerify, createLocalJWKSet } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { handler } from '#functions/keys/handler.ts';
import { createLocalRuntime, setRuntime } from '#functions/platform/runtime.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

afterEach(() => setRuntime(undefined));

describe('command keys route', () => {
  it('serves a JWKS that verifies the commands this control plane signs', async () => {
    const runtime = await createLocalRuntime({ dataDir: tempDir('meshward-keys-') });
    setRuntime(runtime);
    const response = await handler();
    expect(response.statusCode).toBe(200);
    const jwks = JSON.parse(String(response.body));
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) expect(key.d).toBeUndefined();
    const now = Math.floor(Date.now() / 1000);
    const token = await runtime.signer?.sign({
      kind: 'release',
      id: 'cmd-keys-test-1',
      podUid: 'pod-1',
      issuedAt: now,
      expiresAt: now + 60,
    });
    const verified = await compactVerify(String(token), createLocalJWKSet(jwks));
    expect(verified.protectedHeader.typ).toBe('meshward-command+jwt');
    await runtime.close();
  });
});
