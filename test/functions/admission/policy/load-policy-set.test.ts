/** Broken policy files are reported with file, line and what is wrong; none is silently skipped. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '#core/errors.ts';
import { loadPolicySet, loadPolicySetOrThrow } from '#functions/admission/policy/load-policy-set.ts';
import { parsePolicyDocuments } from '#functions/admission/policy/parse-policy-documents.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const head = (name: string) => `apiVersion: meshward.io/v1
kind: AdmissionPolicy
metadata:
  name: ${name}
spec:
  title: t
  description: d
  severity: high
  category: c
`;

const problemsOf = (text: string) => parsePolicyDocuments(text, 'p.yaml').problems;

describe('parsePolicyDocuments problems', () => {
  it('locates a YAML syntax error', () => {
    const [problem] = problemsOf(
      `${head('a')}  action: enforce\n  action: warn\n  check: {id: privileged}\n`,
    );
    expect(problem?.file).toBe('p.yaml');
    expect(problem?.line).toBe(11);
    expect(problem?.message).toMatch(/^YAML syntax error: Map keys must be unique/);
  });

  it('names the field and line of a wrong value', () => {
    const problems = problemsOf(`${head('a')}  action: block\n  check: {id: privileged}\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 10 });
    expect(problems[0]?.message).toMatch(/^spec\.action: .*enforce/);
  });

  it('points a missing field at its parent', () => {
    const text = `${head('a').replace('  title: t\n', '')}  action: warn\n  check: {id: privileged}\n`;
    expect(problemsOf(text)).toEqual([
      { file: 'p.yaml', line: 6, message: expect.stringMatching(/^spec\.title: /) },
    ]);
  });

  it('rejects an unknown check id, listing the known ones', () => {
    const [problem] = problemsOf(`${head('a')}  action: warn\n  check:\n    id: privilegd\n`);
    expect(problem?.line).toBe(12);
    expect(problem?.message).toContain('unknown check "privilegd"; known checks: windowsHostProcess');
  });

  it('validates check parameters with the check’s own schema', () => {
    const [problem] = problemsOf(
      `${head('a')}  action: warn\n  check:\n    id: privileged\n    params:\n      version: "1.25"\n`,
    );
    expect(problem).toMatchObject({ line: 14 });
    expect(problem?.message).toContain('check privileged: version: must be "latest" or "v1.N"');
  });

  it('reports a CEL expression that does not compile at its line', () => {
    const text = `${head('a')}  action: audit\n  cel:\n    message: m\n    expression: object.spec.replicas >\n`;
    const [problem] = problemsOf(text);
    expect(problem).toMatchObject({ line: 13 });
    expect(problem?.message).toMatch(/^CEL expression does not compile: /);
  });

  it('requires exactly one of check or cel, and a known kind', () => {
    expect(problemsOf(`${head('a')}  action: audit\n`)[0]?.message).toContain('exactly one of check');
    expect(problemsOf('apiVersion: meshward.io/v1\nkind: Policy\n')[0]).toMatchObject({
      line: 2,
      message: 'kind must be AdmissionPolicy or PolicyException, not "Policy"',
    });
  });

  it('validates PolicyExceptions, expiry included', () => {
    const text = `apiVersion: meshward.io/v1
kind: PolicyException
metadata: {name: e}
spec:
  policies: [a]
  workloads: [{namespace: shop, name: web}]
  reason: r
  owner: o
  expires: next tuesday
`;
    expect(problemsOf(text)).toEqual([
      { file: 'p.yaml', line: 9, message: expect.stringMatching(/^spec\.expires: /) },
    ]);
  });
});

describe('loadPolicySet', () => {
  const folder = () => {
    const dir = tempDir('meshward-policies-');
    writeFileSync(join(dir, 'a.yaml'), `${head('a')}  action: enforce\n  check: {id: privileged}\n`);
    writeFileSync(join(dir, 'b.yml'), `${head('a')}  action: warn\n  check: {id: hostPorts}\n`);
    writeFileSync(
      join(dir, 'c.yaml'),
      'apiVersion: meshward.io/v1\nkind: PolicyException\nmetadata: {name: e}\nspec:\n  policies: [nope]\n  checks: [privilegd]\n  workloads: [{namespace: x, name: y}]\n  reason: r\n  owner: o\n',
    );
    mkdirSync(join(dir, 'fixtures'));
    writeFileSync(join(dir, 'fixtures', 'ignored.yaml'), 'not: a policy\n');
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    return dir;
  };

  it('reads top-level YAML files only and reports cross-file problems', () => {
    const dir = folder();
    const set = loadPolicySet([dir]);
    expect(set.policies.map((p) => p.name)).toEqual(['a', 'a']);
    expect(set.problems.map((p) => p.message)).toEqual([
      `policy a is also defined in ${join(dir, 'a.yaml')}`,
      'exception e names unknown policy nope',
      'exception e names unknown check privilegd',
    ]);
  });

  it('reports a path that cannot be read', () => {
    expect(loadPolicySet(['/nonexistent/policies']).problems[0]?.message).toMatch(/^cannot read: /);
  });

  it('throws one config-invalid error listing every problem with file:line', () => {
    const dir = folder();
    writeFileSync(join(dir, 'd.yaml'), `${head('d')}  action: maybe\n  check: {id: privileged}\n`);
    try {
      loadPolicySetOrThrow([dir]);
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.code).toBe('config-invalid');
      expect(isAppError(error) && error.details).toContain(
        `${join(dir, 'd.yaml')}:10: spec.action: ${'Invalid option: expected one of "enforce"|"warn"|"audit"'}`,
      );
    }
  });
});
