/** Turns a schema-valid AdmissionPolicy document into a LoadedPolicy: resolves the check, validates its params, compiles CEL. */
import type { z } from 'zod';
import { checkById, checks } from '../checks/index.ts';
import { compileCel } from './cel-rule.ts';
import type { LoadedPolicy, PolicyRule } from './loaded-policy.ts';
import type { AdmissionPolicyDocument } from './policy-schema.ts';

export type CompileProblem = { path: PropertyKey[]; message: string };

const checkRule = (
  rule: NonNullable<AdmissionPolicyDocument['spec']['check']>,
): PolicyRule | CompileProblem[] => {
  const check = checkById(rule.id);
  if (check === undefined) {
    const known = checks.map((c) => c.id).join(', ');
    return [{ path: ['spec', 'check', 'id'], message: `unknown check "${rule.id}"; known checks: ${known}` }];
  }
  const parsed = (check.params as z.ZodType).safeParse(rule.params);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => ({
      path: ['spec', 'check', 'params', ...issue.path],
      message: `check ${check.id}: ${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`,
    }));
  }
  return { type: 'check', check, params: parsed.data };
};

const celRule = (
  rule: NonNullable<AdmissionPolicyDocument['spec']['cel']>,
): PolicyRule | CompileProblem[] => {
  const compiled = compileCel(rule.expression);
  if ('error' in compiled) {
    return [
      { path: ['spec', 'cel', 'expression'], message: `CEL expression does not compile: ${compiled.error}` },
    ];
  }
  const base = {
    type: 'cel' as const,
    cel: compiled,
    message: rule.message,
    scope: rule.scope,
    path: rule.path,
  };
  return rule.fix === undefined ? base : { ...base, fix: rule.fix };
};

export const compilePolicy = (
  document: AdmissionPolicyDocument,
  file: string,
): LoadedPolicy | CompileProblem[] => {
  const { spec } = document;
  const rule =
    spec.check !== undefined ? checkRule(spec.check) : spec.cel !== undefined ? celRule(spec.cel) : [];
  if (Array.isArray(rule)) return rule;
  const policy: LoadedPolicy = {
    name: document.metadata.name,
    file,
    title: spec.title,
    description: spec.description,
    severity: spec.severity,
    category: spec.category,
    action: spec.action,
    rule,
  };
  if (spec.match !== undefined) policy.match = spec.match;
  if (spec.exclude !== undefined) policy.exclude = spec.exclude;
  return policy;
};
