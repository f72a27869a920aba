/** Validates objects against the openAPIV3Schema of a CRD version from ../shared/corpus/crds, with ajv. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parseAllDocuments } from 'yaml';

const crdDir = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'crds');
const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
const cache = new Map<string, (object: unknown) => void>();

const findSchema = (project: string, kind: string, version: string): unknown => {
  for (const file of readdirSync(join(crdDir, project))) {
    for (const doc of parseAllDocuments(readFileSync(join(crdDir, project, file), 'utf8'))) {
      const crd = doc.toJS() as any;
      if (crd?.spec?.names?.kind !== kind) continue;
      const served = crd.spec.versions.find((v: any) => v.name === version);
      if (served !== undefined) return served.schema.openAPIV3Schema;
    }
  }
  throw new Error(`no CRD schema for ${kind} ${version} in ${project}`);
};

export const crdValidator = (project: string, kind: string, apiVersion: string) => {
  const version = apiVersion.split('/')[1] ?? apiVersion;
  const key = `${project}/${kind}/${version}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const validate = ajv.compile(findSchema(project, kind, version) as object);
  const check = (object: unknown) => {
    if (!validate(object)) throw new Error(`${kind} ${version} invalid: ${ajv.errorsText(validate.errors)}`);
  };
  cache.set(key, check);
  return check;
};
