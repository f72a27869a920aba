/** Renders everything `meshward install` applies, in apply order, as multi-document YAML. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { controlPlaneManifests } from './control-plane.ts';
import type { InstallOptions } from './install-options.ts';
import { namespaceManifest } from './namespace.ts';
import { mutatingWebhookConfiguration, validatingWebhookConfiguration } from './webhook-configurations.ts';

const k8sDir = join(import.meta.dirname, '..');

/**
 * Static manifests kept as YAML beside this folder: the RBAC the response actions declare. The
 * quarantine NetworkPolicy is a per-namespace template that the quarantine action creates where needed.
 */
const staticManifests = (options: InstallOptions): Record<string, unknown>[] =>
  ['rbac.yaml']
    .map((file) => join(k8sDir, file))
    .filter((path) => existsSync(path))
    .flatMap((path) =>
      parseAllDocuments(readFileSync(path, 'utf8')).map((doc) => doc.toJS() as Record<string, unknown>),
    )
    .filter((object) => object !== null && typeof object === 'object')
    .map((object) => withNamespace(object, options.namespace));

const withNamespace = (object: Record<string, unknown>, namespace: string) => {
  const text = JSON.stringify(object).replaceAll('"namespace":"meshward"', `"namespace":"${namespace}"`);
  return JSON.parse(text) as Record<string, unknown>;
};

const identity = (object: Record<string, unknown>) => {
  const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
  return `${String(object.kind)}/${metadata.namespace ?? ''}/${metadata.name ?? ''}`;
};

/** Every object once (the first definition wins), in apply order. */
export const installManifests = (options: InstallOptions): Record<string, unknown>[] => {
  const all = [
    namespaceManifest(options),
    ...staticManifests(options),
    ...(options.inCluster ? controlPlaneManifests(options) : []),
    mutatingWebhookConfiguration(options),
    validatingWebhookConfiguration(options),
  ];
  const seen = new Set<string>();
  return all.filter((object) => {
    const key = identity(object);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

export const renderInstall = (options: InstallOptions): string =>
  `# meshward install: rendered for ${options.endpoint}${options.inCluster ? ' (in-cluster control plane)' : ''}\n${installManifests(
    options,
  )
    .map((object) => stringify(object, { lineWidth: 0 }))
    .join('---\n')}`;
