/** Images must name a version: no `latest` tag and no missing tag (a digest counts as a version). */
import { z } from 'zod';
import { definePodCheck } from './check.ts';
import { named } from './containers.ts';
import { imagesOf } from './image-refs.ts';

const params = z.object({ forbiddenTags: z.array(z.string()).default(['latest']) }).strict();

export const imageTag = definePodCheck({
  id: 'imageTag',
  summary: 'Images must be pinned to a version, not latest or no tag',
  params,
  evaluate: (view, { forbiddenTags }) =>
    imagesOf(view).flatMap(({ ref, image, reference, path }) => {
      const { tag, digest } = reference;
      if (digest !== undefined) return [];
      if (tag !== undefined && !forbiddenTags.includes(tag)) return [];
      return [
        {
          code: tag === undefined ? 'image-tag-missing' : 'image-tag-forbidden',
          path,
          message:
            tag === undefined
              ? `${named(ref)} image ${JSON.stringify(image)} has no tag, so it means latest`
              : `${named(ref)} image ${JSON.stringify(image)} uses the tag ${JSON.stringify(tag)}`,
          value: JSON.stringify(image),
          allowed: `a version tag (not ${forbiddenTags.join(', ')}) or a digest`,
          fix: `pin a version, e.g. ${reference.registry}/${reference.repository}:1.2.3 or @sha256:…`,
        },
      ];
    }),
});
