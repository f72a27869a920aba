/** PSA restricted `restrictedVolumes`: only configMap, csi, downwardAPI, emptyDir, ephemeral, image, PVC, projected, secret. */
import type { CheckIssue } from './check.ts';
import { asObjects, asString } from './fields.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

export const allowedVolumeTypes: readonly string[] = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** A volume's source fields; none means the API server defaults it to emptyDir. */
const sourcesOf = (volume: Record<string, unknown>): string[] =>
  Object.keys(volume).filter((key) => key !== 'name' && volume[key] !== null && volume[key] !== undefined);

const restrictedVolumes1_0 = (view: PodView): CheckIssue[] =>
  asObjects(view.spec.volumes).flatMap((volume, index) => {
    const sources = sourcesOf(volume);
    if (sources.length === 0 || sources.some((source) => allowedVolumeTypes.includes(source))) return [];
    const type = sources[0] ?? 'unknown';
    const name = asString(volume.name) ?? `#${index}`;
    return [
      {
        code: 'restricted-volume-type',
        path: `${view.specPath}.volumes[${index}].${type}`,
        message: `volume ${JSON.stringify(name)} must not use volume type ${JSON.stringify(type)}`,
        value: JSON.stringify(type),
        allowed: allowedVolumeTypes.join(', '),
        fix: 'use a persistentVolumeClaim (or csi) volume instead',
      },
    ];
  });

export const restrictedVolumes = psaCheck({
  id: 'restrictedVolumes',
  summary: 'Only core volume types that cannot reach the host are allowed',
  level: 'restricted',
  overrides: ['hostPathVolumes'],
  versions: [[0, restrictedVolumes1_0]],
});
