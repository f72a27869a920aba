/** How a response names the object under review: kind, namespace and name (or generateName for new pods). */
import type { AdmissionRequest } from '#core/admission-review.ts';
import { asObject, asString, type KubeObject } from '../checks/fields.ts';

export type ResourceRef = { kind: string; namespace?: string; name: string };

export const resourceRef = (request: AdmissionRequest, object: KubeObject): ResourceRef => {
  const metadata = asObject(object.metadata);
  const name = asString(metadata.name) ?? request.name ?? `${asString(metadata.generateName) ?? ''}*`;
  const namespace = request.namespace ?? asString(metadata.namespace);
  const ref: ResourceRef = { kind: asString(object.kind) ?? request.kind.kind, name };
  if (namespace !== undefined && namespace !== '') ref.namespace = namespace;
  return ref;
};

export const describeRef = (ref: ResourceRef): string =>
  `${ref.kind} ${ref.namespace === undefined ? '' : `${ref.namespace}/`}${ref.name}`;
