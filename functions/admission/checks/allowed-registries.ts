/** Images must come from an allowed registry (host, host:port, or a host/path prefix). */
import { z } from 'zod';
import { definePodCheck } from './check.ts';
import { named } from './containers.ts';
import { imagesOf } from './image-refs.ts';

const params = z
  .object({ registries: z.array(z.string().min(1)).min(1, 'list at least one registry') })
  .strict();

const allowedBy = (registry: string, repository: string, entry: string): boolean => {
  const full = `${registry}/${repository}`;
  const prefix = entry.replace(/\/+$/, '');
  return registry === prefix || full === prefix || full.startsWith(`${prefix}/`);
};

export const allowedRegistries = definePodCheck({
  id: 'allowedRegistries',
  summary: 'Images must come from an allowed registry',
  params,
  evaluate: (view, { registries }) =>
    imagesOf(view)
      .filter(
        ({ reference }) =>
          !registries.some((entry) => allowedBy(reference.registry, reference.repository, entry)),
      )
      .map(({ ref, image, reference, path }) => ({
        code: 'registry-not-allowed',
        path,
        message: `${named(ref)} uses image ${JSON.stringify(image)} from registry ${reference.registry}, which is not allowed`,
        value: JSON.stringify(image),
        allowed: registries.join(', '),
        fix: `mirror the image into ${registries[0] ?? 'an allowed registry'} and use that reference`,
      })),
});
