/** Which response rules apply to a finding: in order, stopping after the first match unless it says `continue`. */
import { type Severity, severitySchema } from '#core/finding.ts';
import type { ResponseFinding } from '../response-finding.ts';
import type { ResponseRule } from './response-rule-schema.ts';

const severities = severitySchema.options;
const rank = (severity: string | undefined): number => severities.indexOf((severity ?? 'info') as Severity);

const inList = (list: readonly string[] | undefined, value: string | undefined): boolean => {
  if (list === undefined) return true;
  const excluded = list.filter((item) => item.startsWith('!')).map((item) => item.slice(1));
  const included = list.filter((item) => !item.startsWith('!'));
  if (value !== undefined && excluded.includes(value)) return false;
  return included.length === 0 || (value !== undefined && included.includes(value));
};

export const ruleMatches = (
  rule: ResponseRule,
  finding: ResponseFinding,
  labels: Readonly<Record<string, string>>,
): boolean => {
  const { match } = rule;
  return (
    match.types.includes(finding.finding.type) &&
    inList(match.threats, labels.threat) &&
    (match.minSeverity === undefined || rank(labels.severity) >= rank(match.minSeverity)) &&
    inList(match.namespaces, finding.namespace) &&
    inList(match.groups, finding.group) &&
    inList(match.modes, labels.mode) &&
    Object.entries(match.labels ?? {}).every(([key, value]) => finding.labels?.[key] === value)
  );
};

export const matchingRules = (
  rules: readonly ResponseRule[],
  finding: ResponseFinding,
  labels: Readonly<Record<string, string>>,
): ResponseRule[] => {
  const matched: ResponseRule[] = [];
  for (const rule of rules) {
    if (!ruleMatches(rule, finding, labels)) continue;
    matched.push(rule);
    if (!rule.continue) break;
  }
  return matched;
};
