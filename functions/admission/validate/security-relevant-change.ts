/** UPDATE semantics: like Pod Security Admission, an update that changes nothing policies read is let through unjudged. */
import { asObject, asObjects, asStringMap, type KubeObject } from '../checks/fields.ts';
import { podViewOf } from '../checks/pod-view.ts';
import { stableJson } from './stable-json.ts';

const securityAnnotation = /^(container\.)?(seccomp|apparmor)\.security\.(alpha|beta)\.kubernetes\.io\//;

/**
 * A live Pod can only change its images, annotations, labels and (through the subresource) ephemeral containers.
 * As PSA's isSignificantPodUpdate, only images, seccomp/AppArmor annotations and ephemeral containers count,
 * so relabelling a running pod that predates a policy is not refused.
 */
const podView = (object: KubeObject): unknown => {
  const spec = asObject(object.spec);
  const annotations = Object.entries(asStringMap(asObject(object.metadata).annotations)).filter(([key]) =>
    securityAnnotation.test(key),
  );
  const images = (list: string) => asObjects(spec[list]).map((container) => container.image);
  return {
    containers: images('containers'),
    initContainers: images('initContainers'),
    ephemeralContainers: spec.ephemeralContainers,
    annotations: Object.fromEntries(annotations),
  };
};

/**
 * What policies read on other kinds: for controllers, the pod template (metadata and spec) and the object's
 * labels — so scaling a Deployment or a status write is not judged again; for everything else, all but status
 * and server-managed metadata.
 */
const securityView = (object: KubeObject): unknown => {
  if (object.kind === 'Pod') return podView(object);
  const metadata = asObject(object.metadata);
  const view = podViewOf(object);
  if (view !== undefined)
    return { labels: metadata.labels, template: { metadata: view.metadata, spec: view.spec } };
  const { status: _status, metadata: _metadata, ...rest } = object;
  return { ...rest, labels: metadata.labels, annotations: metadata.annotations };
};

export const securityRelevantChange = (object: KubeObject, oldObject: KubeObject | undefined): boolean =>
  oldObject === undefined || stableJson(securityView(object)) !== stableJson(securityView(oldObject));
