/** The AWS object store: S3 presigned PUT/GET URLs (SigV4 query signing, no SDK); the function's own puts and gets use them too. */
import { createHash, createHmac } from 'node:crypto';
import { AppError } from '#core/errors.ts';
import { isSafeKey, type ObjectStore } from './object-store.ts';
import { createPresignedS3Client, type PresignedS3Client } from './presigned-s3-client.ts';

export type AwsCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export type S3ObjectStoreOptions = {
  bucket: string;
  region: string;
  credentials: () => AwsCredentials;
  /** The function's own reads and writes; by default presigned requests over fetch. */
  client?: PresignedS3Client;
  /** A path-style endpoint (`http://127.0.0.1:9000`) instead of `https://<bucket>.s3.<region>.amazonaws.com`. */
  endpoint?: string;
  now?: () => Date;
  linkTtlSeconds?: number;
};

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
/** RFC 3986 unreserved characters stay, everything else is percent-encoded (SigV4 canonical form). */
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

type PresignSpec = {
  method: 'GET' | 'PUT';
  /** `https://host` (virtual-hosted: the bucket is in the host) or `http://host:port/bucket` (path-style). */
  base: string;
  key: string;
  region: string;
  credentials: AwsCredentials;
  at: Date;
  expiresSeconds: number;
};

const canonicalQueryOf = (spec: PresignSpec, amzDate: string, scope: string): string => {
  const query: [string, string][] = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${spec.credentials.accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(spec.expiresSeconds)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  if (spec.credentials.sessionToken !== undefined)
    query.push(['X-Amz-Security-Token', spec.credentials.sessionToken]);
  return query
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .sort()
    .join('&');
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html */
export const presignS3Url = (spec: PresignSpec): string => {
  const amzDate = spec.at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${spec.region}/s3/aws4_request`;
  const canonicalQuery = canonicalQueryOf(spec, amzDate, scope);
  const base = new URL(spec.base);
  const path = `${base.pathname.replace(/\/$/, '')}/${spec.key.split('/').map(encode).join('/')}`;
  const canonical = [
    spec.method,
    path,
    canonicalQuery,
    `host:${base.host}\n`,
    'host',
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const dayKey = hmac(`AWS4${spec.credentials.secretAccessKey}`, day);
  const signingKey = hmac(hmac(hmac(dayKey, spec.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  return `${base.origin}${path}?${canonicalQuery}&X-Amz-Signature=${signature}`;
};

export const createS3ObjectStore = (options: S3ObjectStoreOptions): ObjectStore => {
  const base =
    options.endpoint === undefined
      ? `https://${options.bucket}.s3.${options.region}.amazonaws.com`
      : `${options.endpoint.replace(/\/$/, '')}/${options.bucket}`;
  const presign = (method: 'GET' | 'PUT', key: string, expiresSeconds: number) => {
    if (!isSafeKey(key)) throw new AppError('bad-request', `invalid object key "${key}"`);
    const at = options.now?.() ?? new Date();
    return presignS3Url({
      method,
      base,
      key,
      region: options.region,
      credentials: options.credentials(),
      at,
      expiresSeconds,
    });
  };
  const client = options.client ?? createPresignedS3Client(presign);
  return {
    uploadUrl: async (key, expiresSeconds) => presign('PUT', key, expiresSeconds),
    link: async (key) => presign('GET', key, options.linkTtlSeconds ?? 7 * 86_400),
    put: (key, body) => client.put(key, body),
    get: (key) => client.get(key),
  };
};
