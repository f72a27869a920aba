/** The parts of a Pod the injector reads, validated so a malformed Pod is a clear 400, not a crash. */
import { z } from 'zod';

const named = z.object({ name: z.string().min(1) }).passthrough();

export const podViewSchema = z.object({
  metadata: z
    .object({
      name: z.string().optional(),
      generateName: z.string().optional(),
      namespace: z.string().optional(),
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    })
    .passthrough()
    .default({}),
  spec: z
    .object({
      containers: z.array(named).min(1, 'a Pod needs at least one container'),
      initContainers: z.array(named).optional(),
      volumes: z.array(named).optional(),
      hostNetwork: z.boolean().optional(),
      serviceAccountName: z.string().optional(),
    })
    .passthrough(),
});

export type PodView = z.infer<typeof podViewSchema>;

/** A name for messages: the pod's name, or its generateName prefix for controller-created pods. */
export const podDisplayName = (pod: PodView, namespace: string): string =>
  `${namespace}/${pod.metadata.name ?? `${pod.metadata.generateName ?? ''}*`}`;
