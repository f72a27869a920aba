/** Loads `policies/response/*.yaml`: each file one rule, checked by zod and against each action's own parameters. */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { AppError } from '#core/errors.ts';
import { describeZodError } from '#core/issue.ts';
import type { Action } from '../action.ts';
import { type ResponseRule, responseRuleSchema } from './response-rule-schema.ts';

export const defaultResponseRulesDir = 'policies/response';

const stepProblems = (rule: ResponseRule, actions: readonly Action[]): string[] =>
  rule.actions.flatMap((step, index) => {
    const action = actions.find((candidate) => candidate.id === step.action);
    if (action === undefined) {
      return [
        `actions.${index}.action: unknown action "${step.action}" (known: ${actions.map((a) => a.id).join(', ')})`,
      ];
    }
    const params = action.params.safeParse(step.params);
    return params.success ? [] : describeZodError(params.error, `actions.${index}.params`);
  });

/** Parses one rule file's text; returns the rule or every problem, each prefixed with the file. */
export const parseResponseRule = (
  file: string,
  text: string,
  actions: readonly Action[],
): { rule: ResponseRule } | { problems: string[] } => {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    return { problems: [`${file}: not valid YAML: ${(error as Error).message}`] };
  }
  const parsed = responseRuleSchema.safeParse(raw);
  if (!parsed.success) return { problems: describeZodError(parsed.error).map((line) => `${file}: ${line}`) };
  const rule = parsed.data;
  const problems = stepProblems(rule, actions).map((line) => `${file}: ${line}`);
  if (basename(file).replace(/\.ya?ml$/, '') !== rule.id)
    problems.push(`${file}: id "${rule.id}" must match the file name`);
  return problems.length === 0 ? { rule } : { problems };
};

/** Every rule in the directory, in evaluation order; any problem in any file fails the load with all of them. */
export const loadResponseRules = (dir: string, actions: readonly Action[]): ResponseRule[] => {
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  const rules: ResponseRule[] = [];
  const problems: string[] = [];
  for (const name of files) {
    const result = parseResponseRule(join(dir, name), readFileSync(join(dir, name), 'utf8'), actions);
    if ('rule' in result) rules.push(result.rule);
    else problems.push(...result.problems);
  }
  if (problems.length > 0) {
    throw new AppError('config-invalid', `response rules are invalid:\n  ${problems.join('\n  ')}`, {
      details: problems,
    });
  }
  return rules.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
};
