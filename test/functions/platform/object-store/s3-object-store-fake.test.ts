/** The S3 object store against a local S3 that checks SigV4 presigned URLs: a tap's PUT, the link's GET, refusals. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3ObjectStore } from '#functions/platform/object-store/s3-object-store.ts';
import { type FakeS3, startFakeS3 } from '../../../helpers/fake-s3.ts';

const credentials = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local/secret+key' };
let clock = new Date('2026-11-26T12:00:00Z');
let s3: FakeS3;

beforeAll(async () => {
  s3 = await startFakeS3('captures', credentials, () => clock);
});
afterAll(() => s3.close());

const store = (secret = credentials.secretAccessKey) =>
  createS3ObjectStore({
    bucket: 'captures',
    region: 'eu-west-1',
    endpoint: s3.endpoint,
    credentials: () => ({
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: secret,
      sessionToken: 'tok',
    }),
    now: () => clock,
  });

describe('S3 object store (local S3 checking presigned URLs)', () => {
  it('a tap PUTs to the upload URL and a person GETs the link; the function reads and writes too', async () => {
    const pcap = Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex');
    const upload = await store().uploadUrl('captures/shop/web-1/c1.pcap', 900);
    expect((await fetch(upload, { method: 'PUT', body: pcap })).status).toBe(200);
    const link = await store().link('captures/shop/web-1/c1.pcap');
    const got = await fetch(link);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer())).toEqual(pcap);
    await store().put('captures/x.pcap', new Uint8Array([1, 2, 3]));
    expect(await store().get('captures/x.pcap')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await store().get('captures/missing.pcap')).toBeUndefined();
    expect(s3.refused).toEqual([]);
  });

  it('refuses a URL signed with the wrong secret, tampered, used for another method, or expired', async () => {
    const wrong = await store('not-the-secret').uploadUrl('captures/a.pcap', 60);
    expect((await fetch(wrong, { method: 'PUT', body: 'x' })).status).toBe(403);
    const upload = await store().uploadUrl('captures/a.pcap', 60);
    expect(
      (await fetch(upload.replace('captures/a.pcap', 'captures/b.pcap'), { method: 'PUT', body: 'x' }))
        .status,
    ).toBe(403);
    expect((await fetch(upload)).status).toBe(403);
    clock = new Date(clock.getTime() + 61_000);
    expect((await fetch(upload, { method: 'PUT', body: 'x' })).status).toBe(403);
    await expect(store('not-the-secret').get('captures/x.pcap')).rejects.toThrow(
      'S3 GET captures/x.pcap failed: HTTP 403',
    );
    expect(s3.refused).toHaveLength(5);
    expect(s3.refused.at(-2)).toContain('Request has expired');
  });
});
