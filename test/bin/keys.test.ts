/** `meshward keys`: a key made here verifies its tokens in the AWS runtime's API verifier, given only the public JWKS. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keysCommand } from '#bin/commands/keys.ts';
import { jwksSource } from '#functions/platform/auth/jwks-source.ts';
import { apiAudience } from '#functions/platform/auth/local-issuer.ts';
import { createApiTokenVerifier } from '#functions/platform/auth/verify-api-token.ts';
import { awsRuntimeConfigFromEnv } from '#functions/platform/aws-env.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const run = async (args: string[]): Promise<string> => {
  const out: string[] = [];
  await keysCommand.run(args, { stdout: (text) => void out.push(text), stderr: () => {} });
  return out.join('');
};

describe('meshward keys', () => {
  it('new api → jwks (the ApiTokenJwks parameter) → token accepted with its role; another key’s token refused', async () => {
    const dir = tempDir('meshward-keys-');
    const keyFile = join(dir, 'api-key.json');
    writeFileSync(keyFile, await run(['new', 'api']));
    const jwks = await run(['jwks', keyFile]);
    expect(jwks).not.toContain('"d"');
    const env = {
      AWS_REGION: 'eu-west-1',
      MESHWARD_TABLE: 't',
      MESHWARD_LEARN_QUEUE_URL: 'q1',
      MESHWARD_RESPOND_QUEUE_URL: 'q2',
      MESHWARD_POD_TOKEN_ISSUER: 'https://oidc',
      MESHWARD_JWKS_URL: 'https://oidc/keys',
      MESHWARD_API_JWKS: jwks,
    };
    const { apiTokens } = awsRuntimeConfigFromEnv(env);
    const verify = createApiTokenVerifier({
      ...apiTokens,
      keys: jwksSource({ jwks: apiTokens.jwks }),
      audience: apiAudience,
    });
    const token = await run(['token', keyFile, '--role', 'operator', '--subject', 'alice']);
    expect(await verify(token)).toEqual({ ok: true, value: { subject: 'alice', role: 'operator' } });
    const otherFile = join(dir, 'other.json');
    writeFileSync(otherFile, await run(['new', 'api']));
    expect((await verify(await run(['token', otherFile, '--role', 'viewer']))).ok).toBe(false);
    await expect(run(['token', keyFile, '--role', 'admin'])).rejects.toThrow(
      '--role must be viewer or operator',
    );
    expect(JSON.parse(await run(['new', 'command'])).alg).toBe('ES256');
  });
});
