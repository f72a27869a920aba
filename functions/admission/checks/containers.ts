/** Visits every container of a pod (init, regular, ephemeral — the order Pod Security Admission uses) with its path. */
import { asObject, asObjects, asString, type KubeObject } from './fields.ts';
import type { PodView } from './pod-view.ts';

export type ContainerRef = {
  container: KubeObject;
  securityContext: KubeObject;
  name: string;
  /** `spec.template.spec.containers[1]` */
  path: string;
};

const lists = ['initContainers', 'containers', 'ephemeralContainers'] as const;

export const containersOf = (view: PodView): ContainerRef[] =>
  lists.flatMap((list) =>
    asObjects(view.spec[list]).map((container, index) => ({
      container,
      securityContext: asObject(container.securityContext),
      name: asString(container.name) ?? `#${index}`,
      path: `${view.specPath}.${list}[${index}]`,
    })),
  );

/** `container "app"` for messages. */
export const named = (ref: ContainerRef): string => `container ${JSON.stringify(ref.name)}`;
