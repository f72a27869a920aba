/** Builds a Pod Security Standards check from its version-gated implementations, as PSA's `VersionedCheck`s. */
import type { CheckIssue, PodCheck } from './check.ts';
import { definePodCheck } from './check.ts';
import type { PodView } from './pod-view.ts';
import { pickVersion, psaParamsSchema } from './psa-version.ts';

export type PsaImplementation = (view: PodView) => CheckIssue[];

export const psaCheck = (definition: {
  id: string;
  summary: string;
  level: 'baseline' | 'restricted';
  overrides?: readonly string[];
  /** `[minimum minor, implementation]`, strictly increasing. */
  versions: readonly (readonly [number, PsaImplementation])[];
}): PodCheck<typeof psaParamsSchema> =>
  definePodCheck({
    id: definition.id,
    summary: definition.summary,
    params: psaParamsSchema,
    psa:
      definition.overrides === undefined
        ? { level: definition.level }
        : { level: definition.level, overrides: definition.overrides },
    applies: (params) => pickVersion(definition.versions, params.version) !== undefined,
    evaluate: (view, params) => pickVersion(definition.versions, params.version)?.(view) ?? [],
  });
