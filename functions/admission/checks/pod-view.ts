/** A pod's metadata and spec as a check sees them, with the real paths they live at in the object. */
import { asObject, type KubeObject } from './fields.ts';

export type PodView = {
  /** Kind of the object the view was taken from (Pod, Deployment, CronJob, ...). */
  kind: string;
  metadata: KubeObject;
  spec: KubeObject;
  /** Field path of the pod spec in the object: `spec`, `spec.template.spec`, `spec.jobTemplate.spec.template.spec`. */
  specPath: string;
  /** Field path of the pod metadata in the object. */
  metadataPath: string;
};

/** Where each kind keeps its pod template, as keys from the object root. */
const templatePaths: Record<string, readonly string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const podKinds: readonly string[] = Object.keys(templatePaths);

/** The pod view of an object, or undefined for kinds without a pod template. */
export const podViewOf = (object: KubeObject): PodView | undefined => {
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const keys = templatePaths[kind];
  if (keys === undefined) return undefined;
  let template: KubeObject = object;
  for (const key of keys) template = asObject(template[key]);
  const base = keys.join('.');
  const at = (field: string) => (base === '' ? field : `${base}.${field}`);
  return {
    kind,
    metadata: asObject(template.metadata),
    spec: asObject(template.spec),
    specPath: at('spec'),
    metadataPath: at('metadata'),
  };
};
