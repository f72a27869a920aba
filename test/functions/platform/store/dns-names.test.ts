/** The IP → FQDN cache of DNS answers on both store adapters: last answer wins, expiry decided on read, reopen keeps it. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDynamoStore } from '#functions/platform/store/dynamodb.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import type { Store } from '#functions/platform/store/store.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';
import { type LocalDynamo, startDynalite } from './dynalite.ts';

const t = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

const dnsNameContract = (name: string, open: () => Promise<Store>) =>
  describe(`${name}: DNS names`, () => {
    it('answers the name an address was resolved from until the answer expires', async () => {
      const store = await open();
      await store.putDnsNames([{ ip: '203.0.113.10', fqdn: 'www.googleapis.com', expiresAt: t(10) }]);
      expect(await store.lookupDnsName('203.0.113.10', t(5))).toEqual({
        ip: '203.0.113.10',
        fqdn: 'www.googleapis.com',
        expiresAt: t(10),
      });
      expect(await store.lookupDnsName('203.0.113.10', t(10))).toBeUndefined();
      expect(await store.lookupDnsName('203.0.113.11', t(5))).toBeUndefined();
      await store.close();
    });

    it('keeps the later answer for an address (in one call and across calls), IPv6 too', async () => {
      const store = await open();
      await store.putDnsNames([
        { ip: '2001:db8::1', fqdn: 'old.example.com', expiresAt: t(10) },
        { ip: '2001:db8::1', fqdn: 'new.example.com', expiresAt: t(20) },
      ]);
      expect((await store.lookupDnsName('2001:db8::1', t(15)))?.fqdn).toBe('new.example.com');
      await store.putDnsNames([{ ip: '2001:db8::1', fqdn: 'cdn.example.net', expiresAt: t(30) }]);
      expect((await store.lookupDnsName('2001:db8::1', t(25)))?.fqdn).toBe('cdn.example.net');
      await store.putDnsNames([]);
      await store.close();
    });
  });

dnsNameContract('sqlite', async () => openSqliteStore(join(tempDir('meshward-dns-'), 'meshward.db')));

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});
dnsNameContract('dynamodb (dynalite)', async () =>
  openDynamoStore({ client: dynamo.client, tableName: await dynamo.createTable() }),
);

describe('sqlite: DNS names survive a reopen', () => {
  it('reads what an earlier process stored', async () => {
    const file = join(tempDir('meshward-dns-'), 'meshward.db');
    const first = openSqliteStore(file);
    await first.putDnsNames([{ ip: '198.51.100.7', fqdn: 'api.example.org', expiresAt: t(10) }]);
    await first.close();
    const second = openSqliteStore(file);
    expect((await second.lookupDnsName('198.51.100.7', t(1)))?.fqdn).toBe('api.example.org');
    await second.close();
  });
});
