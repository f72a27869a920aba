import { describe, expect, it } from 'vitest';
import { createS3ObjectStore, presignS3Url } from '#functions/platform/object-store/s3-object-store.ts';

const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

describe('S3 presigned URLs (SigV4 query signing)', () => {
  it('reproduces the presigned GET example in the Amazon S3 API reference', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html ("An example").
    const url = presignS3Url({
      method: 'GET',
      base: 'https://examplebucket.s3.amazonaws.com',
      key: 'test.txt',
      region: 'us-east-1',
      credentials,
      at: new Date('2013-05-24T00:00:00Z'),
      expiresSeconds: 86400,
    });
    expect(url).toBe(
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  it('signs PUT uploads for a capture key on the regional endpoint, with a session token when there is one', async () => {
    const store = createS3ObjectStore({
      bucket: 'meshward-captures',
      region: 'eu-west-1',
      credentials: () => ({ ...credentials, sessionToken: 'token/with+chars' }),
      client: { put: async () => {}, get: async () => undefined },
      now: () => new Date('2026-11-26T12:00:00Z'),
    });
    const url = new URL(await store.uploadUrl('captures/shop/web-1/x.pcap', 900));
    expect(url.host).toBe('meshward-captures.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/captures/shop/web-1/x.pcap');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('token/with+chars');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const other = new URL(await store.link('captures/shop/web-1/x.pcap'));
    expect(other.searchParams.get('X-Amz-Signature')).not.toBe(url.searchParams.get('X-Amz-Signature'));
    await expect(store.uploadUrl('../etc/passwd', 60)).rejects.toThrow('invalid object key');
  });
});
