/** Images must be pinned by digest (`@sha256:…`), so what runs is exactly what was reviewed. */
import { z } from 'zod';
import { definePodCheck } from './check.ts';
import { named } from './containers.ts';
import { imagesOf } from './image-refs.ts';

const digestPattern = /^sha256:[a-f0-9]{64}$/;

export const imageDigest = definePodCheck({
  id: 'imageDigest',
  summary: 'Images must be pinned by digest',
  params: z.object({}).strict(),
  evaluate: (view) =>
    imagesOf(view)
      .filter(({ reference }) => reference.digest === undefined || !digestPattern.test(reference.digest))
      .map(({ ref, image, path }) => ({
        code: 'image-digest-missing',
        path,
        message: `${named(ref)} image ${JSON.stringify(image)} is not pinned by a sha256 digest`,
        value: JSON.stringify(image),
        allowed: 'IMAGE@sha256:<64 hex digits>',
        fix: 'resolve the tag to its digest (crane digest IMAGE) and append @sha256:…',
      })),
});
