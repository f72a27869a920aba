/** A compiled CEL policy rule: parsed and type-checked once at load time, evaluated per object. */
import { celEnvironment } from './cel-environment.ts';

export type CelVariables = {
  object: unknown;
  oldObject: unknown;
  podSpec: unknown;
  podMetadata: unknown;
  namespaceName: string;
};

export type CelOutcome = { result: 'pass' } | { result: 'fail' } | { result: 'error'; message: string };

export type CelRule = { expression: string; evaluate(variables: CelVariables): CelOutcome };

/** Compiles an expression, or returns what is wrong with it. */
export const compileCel = (expression: string): CelRule | { error: string } => {
  const environment = celEnvironment();
  const checked = environment.check(expression);
  if (!checked.valid) return { error: checked.error?.message.split('\n')[0] ?? 'invalid expression' };
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return { error: `the expression must return bool, not ${checked.type}` };
  }
  const program = environment.parse(expression);
  return {
    expression,
    evaluate: (variables) => {
      try {
        const value: unknown = program(variables);
        if (value === true) return { result: 'pass' };
        if (value === false) return { result: 'fail' };
        return { result: 'error', message: `the expression returned ${typeof value}, not bool` };
      } catch (error) {
        return { result: 'error', message: (error as Error).message.split('\n')[0] ?? 'evaluation failed' };
      }
    },
  };
};
