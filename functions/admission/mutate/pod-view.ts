/**
 * The parts of a Pod the injector reads, validated so a malformed Pod is a clear 400, not a crash. The schema
 * keeps only these fields (nothing downstream reads the others); `isPodView` checks the same rules without
 * copying, for the common case of a well-formed Pod.
 */
import { z } from 'zod';
import { isObject, isOptionalString, isPlainRecord } from '#core/admission-review.ts';

const named = z.object({ name: z.string().min(1) });

export const podViewSchema = z.object({
  metadata: z
    .object({
      name: z.string().optional(),
      generateName: z.string().optional(),
      namespace: z.string().optional(),
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    })
    .default({}),
  spec: z.object({
    containers: z.array(named).min(1, 'a Pod needs at least one container'),
    initContainers: z.array(named).optional(),
    volumes: z.array(named).optional(),
    hostNetwork: z.boolean().optional(),
    serviceAccountName: z.string().optional(),
  }),
});

export type PodView = z.infer<typeof podViewSchema>;

const isNamedList = (value: unknown): value is unknown[] => {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index += 1) {
    const item: unknown = value[index];
    if (!isObject(item)) return false;
    const name = item.name;
    if (typeof name !== 'string' || name.length === 0) return false;
  }
  return true;
};

const isStringRecord = (value: unknown): boolean => {
  if (!isPlainRecord(value)) return false;
  // Own keys only, as Object.values; a plain record inherits no enumerable keys but is checked anyway.
  for (const key in value) if (Object.hasOwn(value, key) && typeof value[key] !== 'string') return false;
  return true;
};

const isMetadata = (value: unknown): boolean =>
  isObject(value) &&
  isOptionalString(value.name) &&
  isOptionalString(value.generateName) &&
  isOptionalString(value.namespace) &&
  (value.labels === undefined || isStringRecord(value.labels)) &&
  (value.annotations === undefined || isStringRecord(value.annotations));

const isSpec = (value: unknown): boolean =>
  isObject(value) &&
  isNamedList(value.containers) &&
  value.containers.length > 0 &&
  (value.initContainers === undefined || isNamedList(value.initContainers)) &&
  (value.volumes === undefined || isNamedList(value.volumes)) &&
  (value.hostNetwork === undefined || typeof value.hostNetwork === 'boolean') &&
  isOptionalString(value.serviceAccountName);

/**
 * True only for objects `podViewSchema` accepts with nothing to default (metadata present), checked without
 * copying the Pod; anything else goes through the schema, whose issues name what is wrong.
 */
export const isPodView = (value: unknown): value is PodView =>
  isObject(value) && isMetadata(value.metadata) && isSpec(value.spec);

/** A name for messages: the pod's name, or its generateName prefix for controller-created pods. */
export const podDisplayName = (pod: PodView, namespace: string): string =>
  `${namespace}/${pod.metadata.name ?? `${pod.metadata.generateName ?? ''}*`}`;
