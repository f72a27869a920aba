/** The fixture table: every policy in policies/admission/ against its good and bad manifests; new policies need no code. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '#functions/admission/checks/fields.ts';
import { defaultPolicyDirectory } from '#functions/admission/policy/default-policy-paths.ts';
import { loadPolicySet } from '#functions/admission/policy/load-policy-set.ts';
import { evaluateObject } from '#functions/admission/validate/evaluate-object.ts';

const set = loadPolicySet([defaultPolicyDirectory]);
const now = new Date('2026-06-01T00:00:00Z');

const documents = (file: string): KubeObject[] =>
  parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => document.toJS() as KubeObject | null)
    .filter((document): document is KubeObject => document !== null);

const resultFor = (policyName: string, object: KubeObject) => {
  const verdicts = evaluateObject(object, set, { now });
  return verdicts.find((verdict) => verdict.policy.name === policyName);
};

describe('default policy set', () => {
  it('loads without a single problem and has 30+ policies, every Pod Security check among them', () => {
    expect(set.problems).toEqual([]);
    expect(set.policies.length).toBeGreaterThanOrEqual(30);
    const psaIds = set.policies.flatMap((p) =>
      p.rule.type === 'check' && p.rule.check.psa ? [p.rule.check.id] : [],
    );
    expect(new Set(psaIds).size).toBe(19);
  });

  it('enforces the baseline level and audits the restricted level', () => {
    for (const policy of set.policies) {
      if (policy.rule.type !== 'check' || policy.rule.check.psa === undefined) continue;
      expect(policy.action, policy.name).toBe(
        policy.rule.check.psa.level === 'baseline' ? 'enforce' : 'audit',
      );
    }
  });
});

describe.each(set.policies.map((policy) => [policy.name]))('policy %s', (name) => {
  const folder = join(defaultPolicyDirectory, 'fixtures', name);

  it('has good and bad fixtures', () => {
    expect(existsSync(join(folder, 'good.yaml'))).toBe(true);
    expect(existsSync(join(folder, 'bad.yaml'))).toBe(true);
  });

  it('passes every good fixture', () => {
    for (const object of documents(join(folder, 'good.yaml'))) {
      const verdict = resultFor(name, object);
      expect(verdict?.result, `${String(object.kind)} ${JSON.stringify(verdict?.issues)}`).toBe('pass');
    }
  });

  it('fails every bad fixture, naming a real path in the object', () => {
    for (const object of documents(join(folder, 'bad.yaml'))) {
      const verdict = resultFor(name, object);
      expect(verdict?.result, String(object.kind)).toBe('fail');
      for (const issue of verdict?.issues ?? []) {
        expect(issue.path).not.toBe('');
        expect(issue.fix).not.toBe('');
      }
    }
  });
});
