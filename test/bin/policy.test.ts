/** `meshward policy test|lint` through the CLI entry, with files written to a temp folder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { policyCommand } from '#bin/commands/policy.ts';
import { main } from '#bin/main.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const run = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  // Only this command is registered, so the test does not depend on other commands' modules.
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, [policyCommand]);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
};

const fixtures = fileURLToPath(new URL('../fixtures/admission/real/', import.meta.url));

const workspace = () => {
  const dir = tempDir('meshward-policy-cli-');
  const privileged = `# Source: chart/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, namespace: ops}
spec:
  template:
    spec:
      containers:
      - {name: agent, image: "ghcr.io/x/agent:1.0", securityContext: {privileged: true}}
`;
  const list = `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Service, metadata: {name: web, namespace: ops}, spec: {type: NodePort}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: ops}}
`;
  mkdirSync(join(dir, 'manifests', 'nested'), { recursive: true });
  writeFileSync(join(dir, 'manifests', 'agent.yaml'), privileged);
  writeFileSync(join(dir, 'manifests', 'nested', 'list.yml'), list);
  writeFileSync(join(dir, 'manifests', 'notes.txt'), 'not a manifest');
  return dir;
};

describe('meshward policy lint', () => {
  it('accepts the built-in policy set', async () => {
    const { code, stdout } = await run('policy', 'lint');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^3\d policies, 0 exceptions: OK$/);
  });

  it('reports every problem with file and line, and fails', async () => {
    const dir = workspace();
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'apiVersion: meshward.io/v1\nkind: AdmissionPolicy\nmetadata: {name: Bad_Name}\nspec:\n  title: t\n  description: d\n  severity: urgent\n  category: c\n  action: enforce\n  check: {id: privileged}\n',
    );
    const { code, stderr } = await run('policy', 'lint', file);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:3: metadata.name: must be lowercase letters, digits and "-"`);
    expect(stderr).toContain(`${file}:7: spec.severity:`);
    expect(stderr).toContain('2 problems');
  });
});

describe('meshward policy test', () => {
  it('prints failures as a table and exits 1 when an enforced policy fails', async () => {
    const { code, stdout, stderr } = await run('policy', 'test', join(workspace(), 'manifests'));
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toMatch(/^RESOURCE\s+POLICY\s+CHECK\s+RESULT\s+PATH\s+MESSAGE$/);
    expect(stdout).toMatch(
      /Deployment\/ops\/agent\s+psa-privileged\s+privileged\s+fail\s+spec\.template\.spec\.containers\[0\]\.securityContext\.privileged/,
    );
    expect(stdout).toMatch(/Service\/ops\/web\s+restrict-service-types\s+serviceType\s+fail\s+spec\.type/);
    expect(stderr).toMatch(/^3 resources, \d+ policies: \d+ pass, \d+ fail, 0 skip$/);
  });

  it('prints one JSON record per resource and policy evaluated, the verdict whatever the action', async () => {
    const { code, stdout } = await run('policy', 'test', '--json', join(fixtures, 'bookinfo.yaml'));
    expect(code).toBe(0);
    const records = JSON.parse(stdout) as Record<string, unknown>[];
    const record = records.find(
      (r) => r.policy === 'psa-run-as-non-root' && (r.resource as { name: string }).name === 'details-v1',
    );
    expect(record).toEqual({
      file: join(fixtures, 'bookinfo.yaml'),
      document: 3,
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'details-v1' },
      policy: 'psa-run-as-non-root',
      check: 'runAsNonRoot',
      action: 'audit',
      result: 'fail',
      path: 'spec.template.spec.containers[0].securityContext.runAsNonRoot',
      message: 'pod or container "details" must set securityContext.runAsNonRoot=true',
    });
    expect(records.filter((r) => r.result === 'pass').length).toBeGreaterThan(50);
  });

  it('compares with an expectations file like kyverno test', async () => {
    const dir = workspace();
    const expect1 = join(dir, 'expect.yaml');
    writeFileSync(
      expect1,
      'results:\n- {resource: Deployment/ops/agent, policy: psa-privileged, result: fail}\n- {resource: {kind: Service, name: web}, policy: restrict-service-types, check: serviceType, result: fail}\n- {resource: Deployment/agent, policy: psa-host-ports, result: pass}\n',
    );
    const ok = await run('policy', 'test', join(dir, 'manifests'), '--expect', expect1);
    expect(ok.code).toBe(0);
    const expect2 = join(dir, 'wrong.yaml');
    writeFileSync(
      expect2,
      'results:\n- {resource: Deployment/ops/agent, policy: psa-privileged, result: pass}\n- {resource: Deployment/ops/missing, policy: psa-privileged, result: fail}\n',
    );
    const bad = await run('policy', 'test', join(dir, 'manifests'), '--expect', expect2);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('MISMATCH Deployment/ops/agent psa-privileged: expected pass, got fail');
    expect(bad.stderr).toContain(
      'MISMATCH Deployment/ops/missing psa-privileged: expected fail, but it was not evaluated',
    );
  });

  it('honours exception expiry at --now, the same as the webhook', async () => {
    const dir = workspace();
    const policies = join(dir, 'policies');
    mkdirSync(policies);
    writeFileSync(
      join(policies, 'p.yaml'),
      `apiVersion: meshward.io/v1
kind: AdmissionPolicy
metadata: {name: no-privileged}
spec: {title: t, description: d, severity: high, category: c, action: enforce, check: {id: privileged}}
---
apiVersion: meshward.io/v1
kind: PolicyException
metadata: {name: agent}
spec:
  policies: [no-privileged]
  workloads: [{namespace: ops, name: agent}]
  reason: node agent
  owner: sre
  expires: "2026-01-01T00:00:00Z"
`,
    );
    const manifests = join(dir, 'manifests', 'agent.yaml');
    const before = await run(
      'policy',
      'test',
      manifests,
      '--policies',
      policies,
      '--now',
      '2025-12-31T00:00:00Z',
      '--all',
    );
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/skip\s+spec\.template.*exempted by PolicyException agent/);
    const after = await run(
      'policy',
      'test',
      manifests,
      '--policies',
      policies,
      '--now',
      '2026-01-02T00:00:00Z',
    );
    expect(after.code).toBe(1);
    expect(after.stdout).toContain('PolicyException agent expired at 2026-01-01T00:00:00.000Z');
  });

  it('refuses bad input with a clear message', async () => {
    expect((await run('policy', 'test')).stderr).toContain('name at least one manifest');
    expect((await run('policy', 'frobnicate')).code).toBe(2);
    const dir = workspace();
    writeFileSync(join(dir, 'broken.yaml'), 'a: [1,\n');
    expect((await run('policy', 'test', join(dir, 'broken.yaml'))).stderr).toMatch(/broken\.yaml:\d+: /);
  });
});
