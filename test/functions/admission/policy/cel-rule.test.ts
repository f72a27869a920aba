/** CEL policy rules: compile-time errors, Kubernetes quantities, integers from YAML, runtime errors as values. */
import { describe, expect, it } from 'vitest';
import { compileCel } from '#functions/admission/policy/cel-rule.ts';
import { toCelValue } from '#functions/admission/policy/to-cel-value.ts';

const run = (expression: string, object: unknown, podSpec: unknown = null) => {
  const rule = compileCel(expression);
  if ('error' in rule) throw new Error(rule.error);
  return rule.evaluate({
    object: toCelValue(object),
    oldObject: null,
    podSpec: toCelValue(podSpec),
    podMetadata: null,
    namespaceName: 'shop',
  });
};

describe('compileCel', () => {
  it('rejects syntax errors and non-boolean expressions', () => {
    expect(compileCel('object.spec +')).toEqual({ error: expect.stringContaining('Unexpected token') });
    expect(compileCel('1 + 2')).toEqual({ error: 'the expression must return bool, not int' });
  });

  it('compares YAML integers with CEL ints', () => {
    expect(run('object.spec.replicas >= 2', { spec: { replicas: 3 } })).toEqual({ result: 'pass' });
    expect(run('object.spec.replicas >= 2', { spec: { replicas: 1 } })).toEqual({ result: 'fail' });
  });

  it('offers Kubernetes quantities', () => {
    const spec = { containers: [{ resources: { limits: { memory: '20Gi', cpu: '1500m' } } }] };
    expect(
      run(
        'podSpec.containers.all(c, quantity(c.resources.limits.memory).isGreaterThan(quantity("16Gi")))',
        {},
        spec,
      ),
    ).toEqual({
      result: 'pass',
    });
    expect(run('quantity("1500m").compareTo(quantity("1.5")) == 0', {})).toEqual({ result: 'pass' });
    expect(run('quantity("2Gi").asInteger() == 2147483648', {})).toEqual({ result: 'pass' });
    expect(run('isQuantity("1Gi") && !isQuantity("lots")', {})).toEqual({ result: 'pass' });
    expect(run('quantity("1").add(quantity("500m")).isLessThan(quantity("2"))', {})).toEqual({
      result: 'pass',
    });
  });

  it('turns a runtime error into an error outcome instead of throwing', () => {
    expect(run('object.spec.missing == 1', { spec: {} })).toEqual({
      result: 'error',
      message: expect.stringContaining('missing'),
    });
    expect(run('quantity(object.x).sign() == 1', { x: 'lots' })).toMatchObject({ result: 'error' });
  });

  it('sees the namespace', () => {
    expect(run('namespaceName == "shop"', {})).toEqual({ result: 'pass' });
  });
});
