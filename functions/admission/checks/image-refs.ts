/** Every container image of a pod, with its path, for the image checks. */
import { type ContainerRef, containersOf } from './containers.ts';
import { asString } from './fields.ts';
import { type ImageReference, imageReference } from './image-reference.ts';
import type { PodView } from './pod-view.ts';

export type ImageRef = { ref: ContainerRef; image: string; reference: ImageReference; path: string };

export const imagesOf = (view: PodView): ImageRef[] =>
  containersOf(view).flatMap((ref) => {
    const image = asString(ref.container.image);
    if (image === undefined || image === '') return [];
    return [{ ref, image, reference: imageReference(image), path: `${ref.path}.image` }];
  });
