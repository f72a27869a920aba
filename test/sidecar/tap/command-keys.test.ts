/** The command-signing JWKS fetched from the control plane over HTTPS under its private CA (real TLS server). */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { commandJwsType } from '#core/command.ts';
import { ensureTlsMaterial } from '#functions/local/tls-material.ts';
import { generateCommandKey } from '#functions/platform/keys/command-key.ts';
import { createCommandSigner } from '#functions/platform/keys/command-signer.ts';
import { commandKeys } from '#sidecar/tap/command-keys.ts';
import { tapConfigFromEnv } from '#sidecar/tap/tap-config.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

describe('commandKeys from a JWKS URL', () => {
  it('trusts the configured CA for the JWKS fetch, and fails without it', async () => {
    const tls = await ensureTlsMaterial(tempDir('meshward-keys-'), 'meshward');
    const signer = await createCommandSigner(await generateCommandKey('ES256'));
    const server = createServer({ key: tls.key, cert: tls.cert }, (_, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(signer.jwks)),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/keys/commands`;
      const config = tapConfigFromEnv({
        MESHWARD_CONTROL_PLANE_URL: 'https://127.0.0.1',
        MESHWARD_TOKEN_PATH: '/t',
        MESHWARD_COMMAND_JWKS_URL: url,
      });
      const now = Math.floor(Date.now() / 1000);
      const token = await signer.sign({
        kind: 'release',
        id: 'command-release-1',
        podUid: 'pod-1',
        issuedAt: now,
        expiresAt: now + 60,
      });
      const options = { audience: 'pod-1', typ: commandJwsType };
      const trusted = commandKeys(config, tls.caCert);
      expect((await jwtVerify(token, trusted as never, options)).payload.kind).toBe('release');
      const untrusted = commandKeys(config);
      await expect(jwtVerify(token, untrusted as never, options)).rejects.toThrow();
    } finally {
      server.close();
    }
  });
});
