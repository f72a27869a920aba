import { describe, expect, it } from 'vitest';
import { createLocalObjectStore } from '#functions/platform/object-store/local-object-store.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const setup = (now = 1_795_694_400) => {
  const dir = tempDir('meshward-objects-');
  let clock = now;
  const store = createLocalObjectStore({
    dir,
    baseUrl: 'https://meshward.example:8443/captures/',
    secret: 'a-long-enough-secret-for-tests',
    nowSeconds: () => clock,
  });
  const advance = (seconds: number) => {
    clock += seconds;
  };
  return { store, dir, advance };
};

const parts = (url: string) => {
  const parsed = new URL(url);
  return {
    key: decodeURIComponent(parsed.pathname.replace(/^\/captures\//, '')),
    expires: parsed.searchParams.get('expires') ?? undefined,
    signature: parsed.searchParams.get('signature') ?? undefined,
  };
};

describe('createLocalObjectStore', () => {
  it('stores and reads objects under the data directory', async () => {
    const { store } = setup();
    await store.put('captures/shop/a.pcap', new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1]));
    expect(await store.get('captures/shop/a.pcap')).toEqual(new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1]));
    expect(await store.get('captures/shop/missing.pcap')).toBeUndefined();
  });

  it('presigns PUT and GET separately, and they expire', async () => {
    const { store, advance } = setup();
    const put = parts(await store.uploadUrl('captures/shop/a.pcap', 60));
    expect(put.key).toBe('captures/shop/a.pcap');
    expect(store.verify('PUT', put.key, put.expires, put.signature)).toBe(true);
    expect(store.verify('GET', put.key, put.expires, put.signature)).toBe(false);
    expect(store.verify('PUT', 'captures/shop/b.pcap', put.expires, put.signature)).toBe(false);
    expect(store.verify('PUT', put.key, String(Number(put.expires) + 1), put.signature)).toBe(false);
    advance(61);
    expect(store.verify('PUT', put.key, put.expires, put.signature)).toBe(false);
  });

  it('refuses keys that could leave its directory', async () => {
    const { store } = setup();
    await expect(store.put('../../etc/x', new Uint8Array())).rejects.toMatchObject({ code: 'bad-request' });
    await expect(store.uploadUrl('/abs', 60)).rejects.toThrow('invalid object key');
    expect(store.verify('GET', 'a/../../b', '9999999999', 'x')).toBe(false);
  });
});
