/** Loads policy files and folders (top-level *.yaml / *.yml) into one set, reporting every problem, skipping none. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '#core/errors.ts';
import { checkReferences } from './check-references.ts';
import { formatProblem, type LoadedPolicySet } from './loaded-policy.ts';
import { parsePolicyDocuments } from './parse-policy-documents.ts';

const isYaml = (name: string): boolean => name.endsWith('.yaml') || name.endsWith('.yml');

/** Files a path stands for: the file itself, or a folder's YAML files (not its subfolders, e.g. fixtures/). */
export const policyFiles = (path: string): string[] => {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter(isYaml)
    .sort()
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile());
};

export const loadPolicySet = (paths: readonly string[]): LoadedPolicySet => {
  const set: LoadedPolicySet = { policies: [], exceptions: [], problems: [] };
  for (const path of paths) {
    let files: string[];
    try {
      files = policyFiles(path);
    } catch (error) {
      set.problems.push({ file: path, message: `cannot read: ${(error as Error).message}` });
      continue;
    }
    for (const file of files) {
      const parsed = parsePolicyDocuments(readFileSync(file, 'utf8'), file);
      set.policies.push(...parsed.policies);
      set.exceptions.push(...parsed.exceptions);
      set.problems.push(...parsed.problems);
    }
  }
  set.problems.push(...checkReferences(set));
  return set;
};

/** As loadPolicySet, but a set with any problem is a configuration error listing all of them. */
export const loadPolicySetOrThrow = (paths: readonly string[]): LoadedPolicySet => {
  const set = loadPolicySet(paths);
  if (set.problems.length === 0) return set;
  const details = set.problems.map(formatProblem);
  throw new AppError('config-invalid', `policy files are invalid:\n  ${details.join('\n  ')}`, { details });
};
