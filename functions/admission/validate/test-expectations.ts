/** Expected results for `meshward policy test --expect FILE` (like `kyverno test`), and the mismatches against them. */
import { z } from 'zod';
import type { TestRecord } from './test-record.ts';

const resourceSchema = z.union([
  /** `Kind/name` or `Kind/namespace/name`. */
  z.string().regex(/^[A-Za-z]+\/([^/]+\/)?[^/]+$/, 'must be Kind/name or Kind/namespace/name'),
  z.object({ kind: z.string().min(1), namespace: z.string().optional(), name: z.string().min(1) }).strict(),
]);

export const expectationsSchema = z
  .object({
    results: z
      .array(
        z
          .object({
            resource: resourceSchema,
            policy: z.string().min(1),
            check: z.string().min(1).optional(),
            result: z.enum(['pass', 'fail', 'skip']),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type Expectations = z.infer<typeof expectationsSchema>;
type Expected = Expectations['results'][number];

const resourceParts = (resource: Expected['resource']) => {
  if (typeof resource !== 'string') return resource;
  const parts = resource.split('/');
  return parts.length === 3
    ? { kind: parts[0] ?? '', namespace: parts[1], name: parts[2] ?? '' }
    : { kind: parts[0] ?? '', name: parts[1] ?? '' };
};

const describe = (expected: Expected): string => {
  const { kind, namespace, name } = resourceParts(expected.resource);
  return `${kind}/${namespace === undefined ? '' : `${namespace}/`}${name} ${expected.policy}${expected.check === undefined ? '' : `/${expected.check}`}`;
};

const matches = (record: TestRecord, expected: Expected): boolean => {
  const { kind, namespace, name } = resourceParts(expected.resource);
  return (
    record.resource.kind === kind &&
    record.resource.name === name &&
    (namespace === undefined || record.resource.namespace === namespace) &&
    record.policy === expected.policy &&
    (expected.check === undefined || record.check === expected.check)
  );
};

/** One line per expectation that does not hold: missing, or a different result. */
export const mismatches = (records: readonly TestRecord[], expectations: Expectations): string[] =>
  expectations.results.flatMap((expected) => {
    const found = records.filter((record) => matches(record, expected));
    if (found.length === 0)
      return [`${describe(expected)}: expected ${expected.result}, but it was not evaluated`];
    const wrong = found.filter((record) => record.result !== expected.result);
    return wrong.map(
      (record) =>
        `${describe(expected)}: expected ${expected.result}, got ${record.result} (${record.message || 'no message'})`,
    );
  });
