/** The SQLite response store: the shared response store contract on a file in a fresh directory. */
import { join } from 'node:path';
import { openSqliteResponseStore } from '#functions/respond/store/sqlite-response-store.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';
import { describeResponseStoreContract } from './response-store-contract.ts';

describeResponseStoreContract('sqlite', async () => {
  const path = join(tempDir('meshward-respond-store-'), 'respond.db');
  return { store: openSqliteResponseStore(path), reopen: async () => openSqliteResponseStore(path) };
});
