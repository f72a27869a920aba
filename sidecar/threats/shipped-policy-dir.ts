/**
 * Where the shipped threat policies are: `policies/threats/` of the nearest directory above this module that holds
 * meshward's `package.json` and that directory. From the sources that is the repository; from a bundle it is the tree
 * the bundle sits in. A path relative to `import.meta.url` alone is right only at this module's own depth: the image's
 * tap bundle (`/opt/meshward/dist/tap.mjs`) looked in `/opt/policies/threats/`, which does not exist, so every
 * detector ran on its schema's defaults and an edited policy was silently ignored.
 */
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Directories walked up from this module's: a bundle sits one or two below the root, the sources two. */
const maxLevels = 4;

/** The shipped policy directory, with a trailing separator. */
const findShippedPolicyDir = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level <= maxLevels; level++) {
    const policies = join(dir, 'policies', 'threats');
    if (existsSync(join(dir, 'package.json')) && existsSync(policies)) return `${policies}${sep}`;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // None found: where the sources keep it, which a loader reports as missing files, each detector on its defaults.
  return fileURLToPath(new URL('../../policies/threats/', import.meta.url));
};

/**
 * Found once, from this module: the policy loader and the pre-parsed cache sit beside it in the sources, and share its
 * URL in a bundle.
 */
export const shippedPolicyDir = findShippedPolicyDir();
