/** Describes an object for policy matching and exceptions: kind, namespace, name, labels and owning workloads. */
import { asObject, asObjects, asString, asStringMap, type KubeObject } from '../checks/fields.ts';
import type { PolicyTarget } from '../policy/policy-target.ts';

/** Owner names, plus the Deployment behind a ReplicaSet (`web-5d8f7c9b4` → `web`), so exceptions can name workloads. */
const ownersOf = (metadata: KubeObject): string[] => {
  const hash = asStringMap(metadata.labels)['pod-template-hash'];
  return asObjects(metadata.ownerReferences).flatMap((owner) => {
    const name = asString(owner.name);
    if (name === undefined) return [];
    return hash !== undefined && name.endsWith(`-${hash}`) ? [name, name.slice(0, -hash.length - 1)] : [name];
  });
};

export const targetOf = (
  object: KubeObject,
  namespace: string | undefined,
  namespaceLabels?: Record<string, string>,
): PolicyTarget => {
  const metadata = asObject(object.metadata);
  const target: PolicyTarget = {
    kind: asString(object.kind) ?? '',
    name: asString(metadata.name) ?? asString(metadata.generateName) ?? '',
    labels: asStringMap(metadata.labels),
    owners: ownersOf(metadata),
  };
  const ns = namespace ?? asString(metadata.namespace);
  if (ns !== undefined) target.namespace = ns;
  if (namespaceLabels !== undefined) target.namespaceLabels = namespaceLabels;
  return target;
};
