/** Reads manifests from files, folders and stdin: multi-document YAML or JSON, `List` kinds flattened (helm/kustomize output). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { AppError } from '#core/errors.ts';
import { asObject, asObjects, type KubeObject } from '../checks/fields.ts';

export type ManifestDocument = { file: string; document: number; object: KubeObject };

const isManifest = (name: string): boolean => /\.(ya?ml|json)$/.test(name);

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch (error) {
    throw new AppError('bad-request', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
};

const filesUnder = (path: string): string[] => {
  if (path === '-' || !isDirectory(path)) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const child = join(path, name);
      return isDirectory(child) ? filesUnder(child) : isManifest(name) ? [child] : [];
    });
};

/** Parses one file's text; a YAML error is a bad-request naming the file and line. */
export const parseManifests = (text: string, file: string): ManifestDocument[] =>
  parseAllDocuments(text).flatMap((parsed, index) => {
    const error = parsed.errors[0];
    if (error !== undefined) {
      const line = error.linePos?.[0].line;
      throw new AppError(
        'bad-request',
        `${file}${line === undefined ? '' : `:${line}`}: ${error.message.split('\n')[0]}`,
      );
    }
    const object = parsed.toJS() as unknown;
    if (object === null || typeof object !== 'object') return [];
    const kind = asObject(object).kind;
    // `kubectl get -o yaml` and some generators wrap objects in a List.
    const items =
      typeof kind === 'string' && kind.endsWith('List')
        ? asObjects(asObject(object).items)
        : [asObject(object)];
    return items.map((item) => ({ file, document: index + 1, object: item }));
  });

export const readManifests = (paths: readonly string[], readStdin: () => string): ManifestDocument[] =>
  paths.flatMap(filesUnder).flatMap((file) => {
    let text: string;
    try {
      text = file === '-' ? readStdin() : readFileSync(file, 'utf8');
    } catch (error) {
      throw new AppError('bad-request', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
    return parseManifests(text, file === '-' ? '(stdin)' : file);
  });
