/** Containers must run with a read-only root filesystem; writable paths come from volumes. */
import { z } from 'zod';
import { definePodCheck } from './check.ts';
import { containersOf, named } from './containers.ts';
import { showValue } from './fields.ts';

export const readOnlyRootFilesystem = definePodCheck({
  id: 'readOnlyRootFilesystem',
  summary: 'Containers must use a read-only root filesystem',
  params: z.object({}).strict(),
  evaluate: (view) =>
    containersOf(view)
      .filter((ref) => ref.securityContext.readOnlyRootFilesystem !== true)
      .map((ref) => ({
        code: 'writable-root-filesystem',
        path: `${ref.path}.securityContext.readOnlyRootFilesystem`,
        message: `${named(ref)} has a writable root filesystem`,
        value: showValue(ref.securityContext.readOnlyRootFilesystem),
        allowed: 'true',
        fix: 'set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it writes',
      })),
});
