/** The AWS object store: S3 presigned PUT/GET URLs (SigV4 query signing, no SDK); puts and gets through an injected client. */
import { createHash, createHmac } from 'node:crypto';
import { isSafeKey, type ObjectStore } from './object-store.ts';

export type AwsCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export type S3ObjectStoreOptions = {
  bucket: string;
  region: string;
  credentials: () => AwsCredentials;
  /** Direct object reads and writes (the AWS SDK's PutObject/GetObject), injected so this file needs no SDK. */
  client: {
    put(key: string, body: Uint8Array): Promise<void>;
    get(key: string): Promise<Uint8Array | undefined>;
  };
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
  host: string;
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
  const path = `/${spec.key.split('/').map(encode).join('/')}`;
  const canonical = [
    spec.method,
    path,
    canonicalQuery,
    `host:${spec.host}\n`,
    'host',
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const dayKey = hmac(`AWS4${spec.credentials.secretAccessKey}`, day);
  const signingKey = hmac(hmac(hmac(dayKey, spec.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  return `https://${spec.host}${path}?${canonicalQuery}&X-Amz-Signature=${signature}`;
};

export const createS3ObjectStore = (options: S3ObjectStoreOptions): ObjectStore => {
  const host = `${options.bucket}.s3.${options.region}.amazonaws.com`;
  const presign = (method: 'GET' | 'PUT', key: string, expiresSeconds: number) => {
    if (!isSafeKey(key)) throw new Error(`invalid object key "${key}"`);
    const at = options.now?.() ?? new Date();
    return presignS3Url({
      method,
      host,
      key,
      region: options.region,
      credentials: options.credentials(),
      at,
      expiresSeconds,
    });
  };
  return {
    uploadUrl: async (key, expiresSeconds) => presign('PUT', key, expiresSeconds),
    link: async (key) => presign('GET', key, options.linkTtlSeconds ?? 7 * 86_400),
    put: (key, body) => options.client.put(key, body),
    get: (key) => options.client.get(key),
  };
};
