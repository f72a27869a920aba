/** The control plane's command-signing key: generated once, kept as a private JWK, published as a public JWKS. */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose';

export const commandSigningAlgorithms = ['ES256', 'EdDSA'] as const;
export type CommandSigningAlgorithm = (typeof commandSigningAlgorithms)[number];

export type CommandKey = { kid: string; alg: CommandSigningAlgorithm; privateJwk: JWK };

export const generateCommandKey = async (alg: CommandSigningAlgorithm = 'ES256'): Promise<CommandKey> => {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const kid = randomUUID();
  return { kid, alg, privateJwk: { ...(await exportJWK(privateKey)), kid, alg } };
};

/** The public half of each key, as the JWKS a tap is configured with. */
export const commandJwks = (keys: readonly CommandKey[]): JSONWebKeySet => ({
  keys: keys.map(({ privateJwk: { d: _d, ...rest } }) => ({ ...rest, use: 'sig' })),
});
