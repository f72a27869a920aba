/** A pod that opted into injection (namespace or pod label) must carry the meshward tap: catches bypassed injection. */
import { z } from 'zod';
import { definePodCheck } from './check.ts';
import { containersOf } from './containers.ts';
import { asStringMap } from './fields.ts';

export const tapContainer = 'meshward-tap';
const injectKey = 'meshward.io/inject';

const params = z
  .object({
    /** Namespaces the injector never touches (kube-system and meshward's own). */
    excludedNamespaces: z.array(z.string()).default(['kube-system', 'meshward']),
  })
  .strict();

export const tapRequired = definePodCheck({
  id: 'tapRequired',
  summary: 'Pods that opted into the tap must carry it',
  params,
  evaluate: (view, { excludedNamespaces }, context) => {
    // Controllers' templates are injected when their pods are created: only Pods can be judged.
    if (view.kind !== 'Pod') return [];
    const labels = asStringMap(view.metadata.labels);
    const annotations = asStringMap(view.metadata.annotations);
    if (labels[injectKey] === 'false' || annotations[injectKey] === 'false') return [];
    if (context.namespace !== undefined && excludedNamespaces.includes(context.namespace)) return [];
    if (view.spec.hostNetwork === true) return [];
    const optedIn =
      labels[injectKey] === 'true' ||
      annotations[injectKey] === 'true' ||
      context.namespaceLabels?.[injectKey] === 'enabled';
    if (!optedIn || containersOf(view).some((ref) => ref.name === tapContainer)) return [];
    return [
      {
        code: 'tap-missing',
        path: `${view.specPath}.containers`,
        message: `pod opted into meshward injection but has no ${tapContainer} container: the injector was bypassed`,
        value: JSON.stringify(containersOf(view).map((ref) => ref.name)),
        allowed: `a ${tapContainer} container`,
        fix: 'recreate the pod through the API server with the meshward mutating webhook enabled',
      },
    ];
  },
});
