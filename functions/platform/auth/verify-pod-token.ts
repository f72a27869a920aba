/** Verifies a tap's projected service-account token and that it belongs to the pod its batch claims. */
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { z } from 'zod';
import { AppError } from '#core/errors.ts';
import type { PodRef } from '#core/workload.ts';

export const podTokenAudience = 'meshward';

/** Asymmetric algorithms only: `none` and HMAC (whose key would be public) are refused before any key lookup. */
export const allowedAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
];

export type TokenCheck<T> = { ok: true; value: T } | { ok: false; status: 401 | 403; reason: string };

export type VerifiedPod = { subject: string; pod: PodRef; serviceAccount?: string };

export type PodTokenVerifier = (token: string | undefined, pod: PodRef) => Promise<TokenCheck<VerifiedPod>>;

const kubernetesClaim = z.object({
  namespace: z.string(),
  pod: z.object({ name: z.string(), uid: z.string() }),
  serviceaccount: z.object({ name: z.string() }).partial().optional(),
});

const denied = (status: 401 | 403, reason: string) => ({ ok: false, status, reason }) as const;

/** Maps jose's errors to a clear 401 reason; a key set that cannot be fetched is our outage, not the caller's. */
export const explainJoseError = (error: unknown): TokenCheck<never> => {
  if (error instanceof errors.JWTExpired) return denied(401, 'token expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return denied(401, `token claim "${error.claim}" is not accepted: ${error.reason}`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return denied(401, 'token algorithm is not allowed');
  if (error instanceof errors.JWKSNoMatchingKey)
    return denied(401, "token signing key is not in the issuer's key set");
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return denied(401, 'token signature is invalid');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    throw new AppError('unavailable', "the issuer's key set cannot be fetched", { cause: error });
  }
  if (error instanceof errors.JOSEError) return denied(401, `token is malformed (${error.code})`);
  throw new AppError('unavailable', "the issuer's key set cannot be fetched", { cause: error });
};

const matchPod = (payload: JWTPayload, pod: PodRef): TokenCheck<VerifiedPod> => {
  const claim = kubernetesClaim.safeParse(payload['kubernetes.io']);
  if (!claim.success)
    return denied(403, 'token carries no kubernetes.io pod claim: it is not bound to a pod');
  const { namespace, pod: tokenPod, serviceaccount } = claim.data;
  const mismatch = [
    namespace !== pod.namespace ? `namespace ${namespace} ≠ ${pod.namespace}` : '',
    tokenPod.name !== pod.name ? `name ${tokenPod.name} ≠ ${pod.name}` : '',
    tokenPod.uid !== pod.uid ? `uid ${tokenPod.uid} ≠ ${pod.uid}` : '',
  ].filter((part) => part !== '');
  if (mismatch.length > 0) return denied(403, `token belongs to another pod: ${mismatch.join(', ')}`);
  const value: VerifiedPod = { subject: payload.sub ?? '', pod };
  if (serviceaccount?.name !== undefined) value.serviceAccount = serviceaccount.name;
  return { ok: true, value };
};

export type PodTokenOptions = {
  issuer: string;
  keys: JWTVerifyGetKey;
  audience?: string;
  clockToleranceSeconds?: number;
};

export const createPodTokenVerifier =
  (options: PodTokenOptions): PodTokenVerifier =>
  async (token, pod) => {
    if (token === undefined || token === '') return denied(401, 'missing bearer token');
    try {
      const { payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer,
        audience: options.audience ?? podTokenAudience,
        algorithms: allowedAlgorithms,
        clockTolerance: options.clockToleranceSeconds ?? 30,
        requiredClaims: ['exp'],
      });
      return matchPod(payload, pod);
    } catch (error) {
      return explainJoseError(error);
    }
  };

/** The token of an `Authorization: Bearer …` header, if that is what it holds. */
export const bearerToken = (authorization: string | undefined): string | undefined => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
};
