/** Where the shared test corpus is: `../shared/corpus` beside the repository (see the corpus README). */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = resolve(fileURLToPath(new URL('../../', import.meta.url)));

/** The corpus directory `name` (`ndpi`, `apps`, `admission/psa`, ...) beside this checkout, wherever it is. */
export const corpusDir = (name: string): string => resolve(repositoryRoot, '../shared/corpus', name);
