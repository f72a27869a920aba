/** Where an issuer's public keys come from: a static JWKS, or a JWKS URL fetched, cached and refreshed on rotation. */
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { AppError } from '#core/errors.ts';

export type JwksConfig =
  | { jwks: JSONWebKeySet }
  | {
      jwksUrl: string;
      /** How long fetched keys are trusted before a refetch (default 10 minutes). */
      cacheMaxAgeMs?: number;
      /** Least time between two fetches: an unknown `kid` refetches only after it (default 30 s). */
      cooldownMs?: number;
      timeoutMs?: number;
    };

/**
 * A jose key resolver. jose's remote set caches the keys, and on a token whose `kid` it does not know it
 * refetches (once per cooldown), which is how a rotated issuer key is picked up without a restart.
 */
export const jwksSource = (config: JwksConfig): JWTVerifyGetKey => {
  if ('jwks' in config) return createLocalJWKSet(config.jwks);
  let url: URL;
  try {
    url = new URL(config.jwksUrl);
  } catch (error) {
    throw new AppError('config-invalid', `JWKS URL is not a URL: ${config.jwksUrl}`, { cause: error });
  }
  return createRemoteJWKSet(url, {
    cacheMaxAge: config.cacheMaxAgeMs ?? 600_000,
    cooldownDuration: config.cooldownMs ?? 30_000,
    timeoutDuration: config.timeoutMs ?? 5_000,
  });
};
