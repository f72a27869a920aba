/** Verifies an API bearer token and its role: viewers read, operators also change modes and rules. */
import { type JWTVerifyGetKey, jwtVerify } from 'jose';
import { z } from 'zod';
import { allowedAlgorithms, explainJoseError, type TokenCheck } from './verify-pod-token.ts';

export const apiRoles = ['viewer', 'operator'] as const;
export type ApiRole = (typeof apiRoles)[number];
export type ApiCaller = { subject: string; role: ApiRole };
export type ApiTokenVerifier = (token: string | undefined) => Promise<TokenCheck<ApiCaller>>;

const roleClaim = z.enum(apiRoles);

export const createApiTokenVerifier =
  (options: { issuer: string; keys: JWTVerifyGetKey; audience: string }): ApiTokenVerifier =>
  async (token) => {
    if (token === undefined || token === '')
      return { ok: false, status: 401, reason: 'missing bearer token' };
    try {
      const { payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: allowedAlgorithms,
        requiredClaims: ['exp'],
      });
      const role = roleClaim.safeParse(payload.role);
      if (!role.success) return { ok: false, status: 403, reason: 'token carries no meshward role' };
      return { ok: true, value: { subject: payload.sub ?? '', role: role.data } };
    } catch (error) {
      return explainJoseError(error);
    }
  };

/** Whether a role may do what a route needs. */
export const roleAllows = (role: ApiRole, needed: ApiRole): boolean =>
  role === 'operator' || needed === 'viewer';
