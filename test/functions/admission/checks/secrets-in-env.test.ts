/** Literal secrets in env: by variable name or by credential shape, never echoing the secret. */
import { describe, expect, it } from 'vitest';
import { podViewOf } from '#functions/admission/checks/pod-view.ts';
import { secretsInEnv } from '#functions/admission/checks/secrets-in-env.ts';

const params = secretsInEnv.params.parse({});
const env = (...vars: Record<string, unknown>[]) => {
  const view = podViewOf({ kind: 'Pod', spec: { containers: [{ name: 'app', env: vars }] } });
  if (view === undefined) throw new Error('no view');
  return secretsInEnv.evaluate(view, params, {});
};

describe('secretsInEnv', () => {
  it('flags secret-named variables and credential-shaped values, redacted', () => {
    const issues = env(
      { name: 'DB_PASSWORD', value: 'hunter2' },
      { name: 'GITHUB', value: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' },
      { name: 'api_key', value: 'k' },
    );
    expect(issues.map((issue) => issue.path)).toEqual([
      'spec.containers[0].env[0].value',
      'spec.containers[0].env[1].value',
      'spec.containers[0].env[2].value',
    ]);
    expect(issues[0]?.value).toBe('(redacted, 7 characters)');
    expect(JSON.stringify(issues)).not.toContain('hunter2');
    expect(JSON.stringify(issues)).not.toContain('ghp_');
  });

  it('leaves references, files, empty values and ordinary settings alone', () => {
    expect(
      env(
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
        { name: 'TOKEN_PATH', value: '/var/run/secrets/token' },
        { name: 'SECRET', value: '$(FROM_OTHER_VAR)' },
        { name: 'PASSWORD_MIN_LENGTH', value: '12' },
        { name: 'TOKEN', value: '' },
        { name: 'PORT', value: '8080' },
      ),
    ).toEqual([]);
  });
});
