/** UPDATE semantics: like Pod Security Admission, an update that changes nothing policies read is let through unjudged. */
import { asObject, type KubeObject } from '../checks/fields.ts';
import { podViewOf } from '../checks/pod-view.ts';
import { stableJson } from './stable-json.ts';

/**
 * What policies read: for kinds with a pod template, the template (metadata and spec) and the object's labels —
 * so scaling a Deployment or a status write is not judged again; for other kinds, everything but status and
 * server-managed metadata.
 */
const securityView = (object: KubeObject): unknown => {
  const metadata = asObject(object.metadata);
  const view = podViewOf(object);
  if (view !== undefined)
    return { labels: metadata.labels, template: { metadata: view.metadata, spec: view.spec } };
  const { status: _status, metadata: _metadata, ...rest } = object;
  return { ...rest, labels: metadata.labels, annotations: metadata.annotations };
};

export const securityRelevantChange = (object: KubeObject, oldObject: KubeObject | undefined): boolean =>
  oldObject === undefined || stableJson(securityView(object)) !== stableJson(securityView(oldObject));
