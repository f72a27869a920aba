/** Slack request signing: HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret, within five minutes. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const maxSkewSeconds = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export const slackSignature = (secret: string, timestamp: string, rawBody: string): string =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;

/** https://api.slack.com/authentication/verifying-requests-from-slack */
export const verifySlackSignature = (
  request: { signature: string | undefined; timestamp: string | undefined; rawBody: string },
  secret: string,
  nowSeconds: number,
): SignatureCheck => {
  const { signature, timestamp, rawBody } = request;
  if (signature === undefined || timestamp === undefined)
    return { ok: false, reason: 'missing Slack signature headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed X-Slack-Request-Timestamp' };
  if (Math.abs(nowSeconds - Number(timestamp)) > maxSkewSeconds) {
    return { ok: false, reason: 'request timestamp outside the five-minute window (replayed or clock skew)' };
  }
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'signature does not match' };
  }
  return { ok: true };
};
