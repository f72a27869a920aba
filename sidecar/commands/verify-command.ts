/** Verifies a signed command: ES256/EdDSA only, explicit `typ`, audience = this pod's uid, short lifetime, no replay. */
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { type Command, commandJwsType, commandSchema, maxCommandLifetimeSeconds } from '#core/command.ts';
import { AppError } from '#core/errors.ts';
import type { ReplayCache } from './replay-cache.ts';

export type CommandCheck = { ok: true; command: Command } | { ok: false; reason: string };
export type CommandVerifier = (jws: string) => Promise<CommandCheck>;

export type CommandVerifierOptions = {
  keys: JWTVerifyGetKey;
  podUid: () => string;
  replay: ReplayCache;
  /** Epoch seconds; injected so tests control time. */
  nowSeconds?: () => number;
  clockToleranceSeconds?: number;
};

const rejected = (reason: string): CommandCheck => ({ ok: false, reason });

const explain = (error: unknown): CommandCheck => {
  if (error instanceof errors.JWTExpired) return rejected('command expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return rejected('command is addressed to another pod');
    if (error.claim === 'typ') return rejected(`command typ is not ${commandJwsType}`);
    return rejected(`command claim "${error.claim}" is not accepted: ${error.reason}`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return rejected('command algorithm is not allowed (ES256 or EdDSA only)');
  if (error instanceof errors.JWKSNoMatchingKey)
    return rejected('command signing key is not a configured key');
  if (error instanceof errors.JWSSignatureVerificationFailed) return rejected('command signature is invalid');
  if (error instanceof errors.JOSEError) return rejected(`command is malformed (${error.code})`);
  throw new AppError('internal', 'command verification failed unexpectedly', { cause: error });
};

/** The payload back into a core Command, cross-checked against the registered claims. */
const toCommand = (payload: JWTPayload, podUid: string): CommandCheck => {
  const { aud: _aud, jti, iat, exp, nbf: _nbf, iss: _iss, sub: _sub, ...rest } = payload;
  if (jti === undefined || iat === undefined || exp === undefined)
    return rejected('command lacks jti, iat or exp');
  if (exp - iat > maxCommandLifetimeSeconds) {
    return rejected(`command lifetime ${exp - iat} s exceeds ${maxCommandLifetimeSeconds} s`);
  }
  const parsed = commandSchema.safeParse({ ...rest, id: jti, podUid, issuedAt: iat, expiresAt: exp });
  if (!parsed.success)
    return rejected(`command body is invalid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  return { ok: true, command: parsed.data };
};

export const createCommandVerifier = (options: CommandVerifierOptions): CommandVerifier => {
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const tolerance = options.clockToleranceSeconds ?? 5;
  return async (jws) => {
    const podUid = options.podUid();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(jws, options.keys, {
        algorithms: ['ES256', 'EdDSA'],
        typ: commandJwsType,
        audience: podUid,
        requiredClaims: ['exp', 'iat', 'jti'],
        currentDate: new Date(now() * 1000),
        clockTolerance: tolerance,
      }));
    } catch (error) {
      return explain(error);
    }
    const checked = toCommand(payload, podUid);
    if (!checked.ok) return checked;
    // Remembered for as long as the clock tolerance would still accept the command.
    if (!options.replay.remember(checked.command.id, checked.command.expiresAt + tolerance, now())) {
      return rejected(`command id ${checked.command.id} was already used (replay)`);
    }
    return checked;
  };
};
