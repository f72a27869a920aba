/** The local issuer: `meshward serve` signs tap and API tokens itself and publishes its JWKS. */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import type { PodRef } from '#core/workload.ts';
import type { ApiRole } from './verify-api-token.ts';
import { podTokenAudience } from './verify-pod-token.ts';

export const localIssuerUrl = 'https://meshward.local';
export const apiAudience = 'meshward-api';
const alg = 'ES256';

/** The private key in JWK form, so `meshward serve` can keep it in its data directory across restarts. */
export type IssuerKey = { kid: string; privateJwk: JWK };

export type LocalIssuer = {
  issuer: string;
  jwks: JSONWebKeySet;
  mintPodToken(
    pod: PodRef,
    options?: { serviceAccount?: string; ttlSeconds?: number; audience?: string },
  ): Promise<string>;
  mintApiToken(role: ApiRole, options?: { subject?: string; ttlSeconds?: number }): Promise<string>;
};

export const generateIssuerKey = async (): Promise<IssuerKey> => {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  return { kid, privateJwk: { ...(await exportJWK(privateKey)), kid, alg } };
};

const publicJwk = ({ d: _d, ...rest }: JWK): JWK => ({ ...rest, use: 'sig' });

export const createLocalIssuer = async (key: IssuerKey, issuer = localIssuerUrl): Promise<LocalIssuer> => {
  const privateKey = await importJWK(key.privateJwk, alg);
  const sign = (claims: Record<string, unknown>, subject: string, audience: string, ttlSeconds: number) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject(subject)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(privateKey);
  return {
    issuer,
    jwks: { keys: [publicJwk(key.privateJwk)] },
    mintPodToken: (pod, options = {}) => {
      const serviceAccount = options.serviceAccount ?? 'default';
      const claims = {
        'kubernetes.io': {
          namespace: pod.namespace,
          pod: { name: pod.name, uid: pod.uid },
          serviceaccount: { name: serviceAccount, uid: randomUUID() },
        },
      };
      const subject = `system:serviceaccount:${pod.namespace}:${serviceAccount}`;
      return sign(claims, subject, options.audience ?? podTokenAudience, options.ttlSeconds ?? 3600);
    },
    mintApiToken: (role, options = {}) =>
      sign({ role }, options.subject ?? `meshward:${role}`, apiAudience, options.ttlSeconds ?? 86_400),
  };
};
