/** Pod Security Admission's own fixtures: every check gives its folder's verdict at v1.25 and v1.37, in every pod-bearing kind. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { PodCheck } from '#functions/admission/checks/check.ts';
import type { KubeObject } from '#functions/admission/checks/fields.ts';
import { checks } from '#functions/admission/checks/index.ts';
import { podViewOf } from '#functions/admission/checks/pod-view.ts';
import { parsePolicyDocuments } from '#functions/admission/policy/parse-policy-documents.ts';
import { evaluateObject } from '#functions/admission/validate/evaluate-object.ts';
import { corpusDir } from '#test/helpers/corpus.ts';

const corpus = corpusDir('admission/psa');
const present = existsSync(corpus);

const psaChecks = checks.filter(
  (check): check is PodCheck => check.target === 'pod' && check.psa !== undefined,
);

/** `seccompprofile_baseline2.yaml` → `seccompProfile_baseline`. */
const checkFor = (file: string): PodCheck | undefined => {
  const id = file.replace(/\d*\.yaml$/, '');
  return psaChecks.find((check) => check.id.toLowerCase() === id);
};

/** The checks a level runs at a version, without the baseline checks restricted ones override (PSA's registry). */
const levelChecks = (level: string, version: string): PodCheck[] => {
  const inLevel = psaChecks.filter(
    (check) =>
      (level === 'restricted' || check.psa?.level === 'baseline') && check.applies?.({ version }) !== false,
  );
  const overridden = new Set(inLevel.flatMap((check) => check.psa?.overrides ?? []));
  return inLevel.filter((check) => !overridden.has(check.id));
};

const template = (pod: KubeObject) => ({ metadata: pod.metadata, spec: pod.spec });
const wrappers: Record<string, { prefix: string; wrap: (pod: KubeObject) => KubeObject }> = {
  Pod: { prefix: '', wrap: (pod) => pod },
  Deployment: {
    prefix: 'spec.template.',
    wrap: (pod) => ({ kind: 'Deployment', spec: { template: template(pod) } }),
  },
  StatefulSet: {
    prefix: 'spec.template.',
    wrap: (pod) => ({ kind: 'StatefulSet', spec: { template: template(pod) } }),
  },
  DaemonSet: {
    prefix: 'spec.template.',
    wrap: (pod) => ({ kind: 'DaemonSet', spec: { template: template(pod) } }),
  },
  ReplicaSet: {
    prefix: 'spec.template.',
    wrap: (pod) => ({ kind: 'ReplicaSet', spec: { template: template(pod) } }),
  },
  Job: { prefix: 'spec.template.', wrap: (pod) => ({ kind: 'Job', spec: { template: template(pod) } }) },
  CronJob: {
    prefix: 'spec.jobTemplate.spec.template.',
    wrap: (pod) => ({ kind: 'CronJob', spec: { jobTemplate: { spec: { template: template(pod) } } } }),
  },
  ReplicationController: {
    prefix: 'spec.template.',
    wrap: (pod) => ({ kind: 'ReplicationController', spec: { template: template(pod) } }),
  },
};

const cases = present
  ? ['baseline', 'restricted'].flatMap((level) =>
      ['v1.25', 'v1.37'].flatMap((version) =>
        ['pass', 'fail'].flatMap((verdict) => {
          const folder = join(corpus, level, version, verdict);
          return readdirSync(folder).map((file) => ({
            level,
            version,
            verdict,
            file,
            path: join(folder, file),
          }));
        }),
      ),
    )
  : [];

const issuesOf = (check: PodCheck, object: KubeObject, version: string) => {
  const view = podViewOf(object);
  if (view === undefined) throw new Error(`no pod view for ${String(object.kind)}`);
  return check.evaluate(view, { version }, {});
};

describe.skipIf(!present)('Pod Security Admission fixtures (../shared/corpus/admission/psa)', () => {
  it('covers every fixture of both levels and both versions', () => {
    expect(cases.length).toBe(274);
    expect(psaChecks.length).toBe(19);
  });

  it.each(cases.filter((c) => c.verdict === 'fail'))(
    '$level $version fail/$file fails its check in every kind',
    (c) => {
      const check = checkFor(c.file);
      expect(check, `no check for ${c.file}`).toBeDefined();
      if (check === undefined) return;
      expect(check.applies?.({ version: c.version })).toBe(true);
      const pod = parse(readFileSync(c.path, 'utf8')) as KubeObject;
      for (const [kind, { prefix, wrap }] of Object.entries(wrappers)) {
        const issues = issuesOf(check, wrap(pod), c.version);
        expect(issues.length, `${kind}: ${check.id}`).toBeGreaterThan(0);
        for (const issue of issues) {
          expect(
            issue.path.startsWith(`${prefix}spec.`) || issue.path.startsWith(`${prefix}metadata.`),
            issue.path,
          ).toBe(true);
          if (kind !== 'Pod') expect(issue.path.startsWith('spec.')).toBe(true);
        }
      }
    },
  );

  it.each(cases.filter((c) => c.verdict === 'pass'))(
    '$level $version pass/$file passes every $level check in every kind',
    (c) => {
      const pod = parse(readFileSync(c.path, 'utf8')) as KubeObject;
      const named = checkFor(c.file);
      if (!c.file.startsWith('base')) expect(named, `no check for ${c.file}`).toBeDefined();
      for (const [kind, { wrap }] of Object.entries(wrappers)) {
        for (const check of levelChecks(c.level, c.version)) {
          expect(issuesOf(check, wrap(pod), c.version), `${kind}: ${check.id}`).toEqual([]);
        }
      }
    },
  );
});

describe('version gates', () => {
  const byId = (id: string) => psaChecks.find((check) => check.id === id);

  it('does not run checks newer than the pinned version', () => {
    expect(byId('hostProbesAndHostLifecycle')?.applies?.({ version: 'v1.25' })).toBe(false);
    expect(byId('hostProbesAndHostLifecycle')?.applies?.({ version: 'v1.34' })).toBe(true);
    expect(byId('procMount_restricted')?.applies?.({ version: 'v1.34' })).toBe(false);
    expect(byId('runAsUser')?.applies?.({ version: 'v1.22' })).toBe(false);
  });

  it('relaxes procMount for user-namespace pods from v1.35 only', () => {
    const pod: KubeObject = {
      kind: 'Pod',
      spec: { hostUsers: false, containers: [{ name: 'a', securityContext: { procMount: 'Unmasked' } }] },
    };
    const check = byId('procMount');
    if (check === undefined) throw new Error('procMount missing');
    expect(issuesOf(check, pod, 'v1.34')).toHaveLength(1);
    expect(issuesOf(check, pod, 'v1.35')).toEqual([]);
    expect(issuesOf(check, pod, 'latest')).toEqual([]);
  });

  it('grows the safe sysctl list with the version', () => {
    const pod: KubeObject = {
      kind: 'Pod',
      spec: {
        securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }] },
        containers: [],
      },
    };
    const check = byId('sysctls');
    if (check === undefined) throw new Error('sysctls missing');
    expect(issuesOf(check, pod, 'v1.31')[0]?.path).toBe('spec.securityContext.sysctls[0].name');
    expect(issuesOf(check, pod, 'v1.32')).toEqual([]);
  });

  it('exempts Windows pods from allowPrivilegeEscalation from v1.25, not before', () => {
    const pod: KubeObject = { kind: 'Pod', spec: { os: { name: 'windows' }, containers: [{ name: 'a' }] } };
    const check = byId('allowPrivilegeEscalation');
    if (check === undefined) throw new Error('allowPrivilegeEscalation missing');
    expect(issuesOf(check, pod, 'v1.24')).toHaveLength(1);
    expect(issuesOf(check, pod, 'v1.25')).toEqual([]);
  });
});

/** One enforce policy per Pod Security check, pinned to a version, the way a policy file pins it. */
const pinnedSet = (version: string) => {
  const text = psaChecks
    .map(
      (check) => `---
apiVersion: meshward.io/v1
kind: AdmissionPolicy
metadata: {name: psa-${check.id.toLowerCase().replace('_', '-')}}
spec:
  title: ${check.id}
  description: ${check.summary}
  severity: high
  category: pod-security-${check.psa?.level}
  action: enforce
  check: {id: ${check.id}, params: {version: ${version}}}
`,
    )
    .join('');
  const set = parsePolicyDocuments(text, 'pinned.yaml');
  if (set.problems.length > 0) throw new Error(JSON.stringify(set.problems));
  return set;
};

describe.skipIf(!present)('the same fixtures through policy files pinned to their version', () => {
  const sets = { 'v1.25': pinnedSet('v1.25'), 'v1.37': pinnedSet('v1.37') };

  it.each(cases.filter((c) => c.verdict === 'fail'))(
    '$level $version fail/$file: the pinned policy fails a CronJob with the real path',
    (c) => {
      const pod = parse(readFileSync(c.path, 'utf8')) as KubeObject;
      const check = checkFor(c.file);
      const set = sets[c.version as 'v1.25' | 'v1.37'];
      const verdict = evaluateObject(wrappers.CronJob?.wrap(pod) ?? {}, set, { now: new Date() }).find(
        (v) => v.check === check?.id,
      );
      expect(verdict?.result).toBe('fail');
      for (const issue of verdict?.issues ?? [])
        expect(issue.path).toMatch(/^spec\.jobTemplate\.spec\.template\.(spec|metadata)\./);
    },
  );

  it('skips checks that do not exist at the pinned version instead of passing them silently', () => {
    const verdicts = evaluateObject({ kind: 'Pod', spec: { containers: [{ name: 'a' }] } }, sets['v1.25'], {
      now: new Date(),
    });
    const skipped = verdicts
      .filter((v) => v.result === 'skip')
      .map((v) => v.check)
      .sort();
    expect(skipped).toEqual(['hostProbesAndHostLifecycle', 'procMount_restricted']);
  });
});

describe('ephemeral containers', () => {
  it('are checked like the others, at their own path', () => {
    const pod: KubeObject = {
      kind: 'Pod',
      spec: {
        containers: [{ name: 'app' }],
        ephemeralContainers: [{ name: 'debugger', securityContext: { privileged: true } }],
      },
    };
    const check = psaChecks.find((c) => c.id === 'privileged');
    if (check === undefined) throw new Error('privileged missing');
    expect(issuesOf(check, pod, 'latest').map((issue) => issue.path)).toEqual([
      'spec.ephemeralContainers[0].securityContext.privileged',
    ]);
  });
});
