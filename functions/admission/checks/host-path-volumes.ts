/** PSA baseline `hostPathVolumes`: no hostPath volumes. */
import type { CheckIssue } from './check.ts';
import { asObject, asObjects, asString } from './fields.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

const hostPathVolumes1_0 = (view: PodView): CheckIssue[] =>
  asObjects(view.spec.volumes).flatMap((volume, index) =>
    volume.hostPath === undefined || volume.hostPath === null
      ? []
      : [
          {
            code: 'host-path-volume',
            path: `${view.specPath}.volumes[${index}].hostPath`,
            message: `volume ${JSON.stringify(asString(volume.name) ?? `#${index}`)} must not use hostPath`,
            value: JSON.stringify(asString(asObject(volume.hostPath).path) ?? ''),
            allowed: 'no hostPath volumes',
            fix: 'use an emptyDir, configMap, secret or persistentVolumeClaim volume instead',
          },
        ],
  );

export const hostPathVolumes = psaCheck({
  id: 'hostPathVolumes',
  summary: 'HostPath volumes must be forbidden',
  level: 'baseline',
  versions: [[0, hostPathVolumes1_0]],
});
