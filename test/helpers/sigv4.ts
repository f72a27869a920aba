/**
 * An independent AWS Signature Version 4 checker for the local AWS fakes (header and presigned-query forms):
 * rebuilds the canonical request from what arrived on the wire, as AWS does, and compares signatures.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
import { createHash, createHmac } from 'node:crypto';

export type WireRequest = {
  method: string;
  /** The raw request target, path and query, as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
};

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const uriEncode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const canonicalQuery = (params: URLSearchParams, skip: string | undefined): string =>
  [...params.entries()]
    .filter(([name]) => name !== skip)
    .map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`)
    .sort()
    .join('&');

const headerValue = (request: WireRequest, name: string): string => {
  const value = request.headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().replace(/\s+/g, ' ');
};

type Parts = { credential: string; signedHeaders: string; signature: string; amzDate: string };

const signatureOf = (
  request: WireRequest,
  parts: Parts,
  secretFor: (accessKeyId: string) => string | undefined,
  query: string,
  payloadHash: string,
): { ok: true } | { ok: false; reason: string } => {
  const [accessKeyId, day, region, service, terminator] = parts.credential.split('/');
  const secret = secretFor(accessKeyId ?? '');
  if (secret === undefined) return { ok: false, reason: `unknown access key ${accessKeyId}` };
  if (terminator !== 'aws4_request' || parts.amzDate.slice(0, 8) !== day)
    return { ok: false, reason: 'malformed credential scope' };
  const path = new URL(request.url, 'http://x').pathname;
  const names = parts.signedHeaders.split(';');
  if (!names.includes('host')) return { ok: false, reason: 'host is not signed' };
  const canonical = [
    request.method,
    path,
    query,
    `${names.map((name) => `${name}:${headerValue(request, name)}`).join('\n')}\n`,
    parts.signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', parts.amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day ?? ''), region ?? ''), service ?? ''), 'aws4_request');
  const expected = createHmac('sha256', key).update(toSign).digest('hex');
  return expected === parts.signature ? { ok: true } : { ok: false, reason: 'signature does not match' };
};

/** The `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` form (SDK requests). */
export const verifyHeaderSignature = (
  request: WireRequest,
  secretFor: (accessKeyId: string) => string | undefined,
): { ok: true; service: string } | { ok: false; reason: string } => {
  const auth = headerValue(request, 'authorization');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (match === null) return { ok: false, reason: 'missing or malformed SigV4 Authorization header' };
  const [, credential = '', signedHeaders = '', signature = ''] = match;
  const amzDate = headerValue(request, 'x-amz-date');
  const payload = headerValue(request, 'x-amz-content-sha256') || sha256(request.body);
  const query = canonicalQuery(new URL(request.url, 'http://x').searchParams, undefined);
  const result = signatureOf(
    request,
    { credential, signedHeaders, signature, amzDate },
    secretFor,
    query,
    payload,
  );
  return result.ok ? { ok: true, service: credential.split('/')[3] ?? '' } : result;
};

/** The presigned-URL form (`X-Amz-Signature` in the query), with its expiry checked against `now`. */
export const verifyPresignedUrl = (
  request: WireRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  now: Date,
): { ok: true } | { ok: false; reason: string } => {
  const params = new URL(request.url, 'http://x').searchParams;
  if (params.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return { ok: false, reason: 'not a SigV4 URL' };
  const amzDate = params.get('X-Amz-Date') ?? '';
  const expires = Number(params.get('X-Amz-Expires'));
  const signedAt = Date.parse(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  if (!Number.isFinite(signedAt) || !Number.isInteger(expires) || expires < 1 || expires > 604_800)
    return { ok: false, reason: 'bad X-Amz-Date or X-Amz-Expires' };
  if (now.getTime() > signedAt + expires * 1000) return { ok: false, reason: 'Request has expired' };
  const parts = {
    credential: params.get('X-Amz-Credential') ?? '',
    signedHeaders: params.get('X-Amz-SignedHeaders') ?? '',
    signature: params.get('X-Amz-Signature') ?? '',
    amzDate,
  };
  return signatureOf(
    request,
    parts,
    secretFor,
    canonicalQuery(params, 'X-Amz-Signature'),
    'UNSIGNED-PAYLOAD',
  );
};
