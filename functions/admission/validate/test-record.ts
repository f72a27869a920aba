/** `meshward policy test` records: one per resource and policy evaluated, the check's verdict whatever the action. */
import { asObject, asString } from '../checks/fields.ts';
import type { LoadedPolicySet } from '../policy/loaded-policy.ts';
import { evaluateObject } from './evaluate-object.ts';
import type { ManifestDocument } from './manifest-documents.ts';
import type { VerdictResult } from './verdict.ts';

export type TestRecord = {
  file: string;
  document: number;
  resource: { apiVersion: string; kind: string; namespace?: string; name: string };
  policy: string;
  check: string;
  action: 'enforce' | 'warn' | 'audit';
  result: VerdictResult;
  path: string;
  message: string;
};

const resourceOf = (doc: ManifestDocument, namespace: string | undefined): TestRecord['resource'] => {
  const metadata = asObject(doc.object.metadata);
  const ns = asString(metadata.namespace) ?? namespace;
  const resource: TestRecord['resource'] = {
    apiVersion: asString(doc.object.apiVersion) ?? '',
    kind: asString(doc.object.kind) ?? '',
    name: asString(metadata.name) ?? asString(metadata.generateName) ?? '',
  };
  if (ns !== undefined) resource.namespace = ns;
  return resource;
};

export const testRecords = (
  documents: readonly ManifestDocument[],
  set: LoadedPolicySet,
  options: { now: Date; namespace?: string },
): TestRecord[] =>
  documents.flatMap((doc) => {
    const resource = resourceOf(doc, options.namespace);
    const context =
      resource.namespace === undefined
        ? { now: options.now }
        : { now: options.now, namespace: resource.namespace };
    return evaluateObject(doc.object, set, context).map((verdict) => {
      // The note (exempted, or an exception that expired) comes first: it explains the result.
      const messages = [
        ...(verdict.note === undefined ? [] : [verdict.note]),
        ...verdict.issues.map((i) => i.message),
      ];
      return {
        file: doc.file,
        document: doc.document,
        resource,
        policy: verdict.policy.name,
        check: verdict.check,
        action: verdict.policy.action,
        result: verdict.result,
        path: verdict.issues[0]?.path ?? '',
        message: messages.join('; '),
      };
    });
  });
