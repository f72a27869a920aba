/** Where the tap gets the control plane's command-signing public keys: inline JWKS, a JWKS file, or a JWKS URL. */
import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { AppError } from '#core/errors.ts';
import { fetchWithCa } from './fetch-with-ca.ts';
import type { TapConfig } from './tap-config.ts';

const parseJwks = (text: string, source: string): JSONWebKeySet => {
  try {
    const parsed = JSON.parse(text) as JSONWebKeySet;
    if (Array.isArray(parsed.keys)) return parsed;
  } catch (error) {
    throw new AppError('config-invalid', `${source} is not JSON`, { cause: error });
  }
  throw new AppError('config-invalid', `${source} is not a JWKS (no "keys" array)`);
};

/** Undefined when none is configured: the tap then rejects every command (and says so at start). */
export const commandKeys = (config: TapConfig, ca?: string): JWTVerifyGetKey | undefined => {
  if (config.commandJwks !== undefined)
    return createLocalJWKSet(parseJwks(config.commandJwks, 'MESHWARD_COMMAND_JWKS'));
  if (config.commandJwksFile !== undefined) {
    return createLocalJWKSet(parseJwks(readFileSync(config.commandJwksFile, 'utf8'), config.commandJwksFile));
  }
  if (config.commandJwksUrl !== undefined) {
    // The JWKS URL is the control plane's: it is served under the same (possibly private) CA as ingest.
    const options = ca === undefined ? {} : { [customFetch]: fetchWithCa(ca) as never };
    return createRemoteJWKSet(new URL(config.commandJwksUrl), options);
  }
  return undefined;
};
