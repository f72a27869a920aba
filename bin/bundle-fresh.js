// Whether a bundle built by bin/build-inspect-bundle.ts may run instead of the sources: it exists, its list of inputs
// does, and no input is newer than it or gone. Plain JavaScript: bin/meshward.js asks before tsx is loaded.
import { readFileSync, statSync } from 'node:fs';

/** The bundle's inputs file: `x.mjs` → `x-inputs.json`. */
export const inputsPathOf = (bundle) => bundle.replace(/\.mjs$/, '-inputs.json');

const modified = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

/** 'fresh', 'missing' (no bundle), or 'stale' (an input newer or gone, or no readable list of inputs). */
export const bundleState = (bundle) => {
  const built = modified(bundle);
  if (built === undefined) return 'missing';
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(inputsPathOf(bundle), 'utf8')).inputs;
  } catch {
    return 'stale';
  }
  if (!Array.isArray(inputs) || inputs.length === 0) return 'stale';
  for (const input of inputs) {
    const at = modified(input);
    if (at === undefined || at > built) return 'stale';
  }
  return 'fresh';
};
