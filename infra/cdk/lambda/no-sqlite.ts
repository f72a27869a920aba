/**
 * Stands in for better-sqlite3 in Lambda bundles (esbuild alias): Lambda has no native SQLite module, and an
 * external import would fail every function at load. The AWS runtime never opens SQLite; if something does,
 * it says why.
 */
import { AppError } from '#core/errors.ts';

// biome-ignore lint/style/noDefaultExport: it stands in for better-sqlite3, whose export is the default
export default class NoSqlite {
  constructor() {
    throw new AppError(
      'config-invalid',
      'SQLite is not available on Lambda: the AWS stack runs with MESHWARD_STORE=dynamodb',
    );
  }
}
