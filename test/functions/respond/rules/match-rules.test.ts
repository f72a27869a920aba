import { describe, expect, it } from 'vitest';
import { actions } from '#functions/respond/actions/index.ts';
import { alertLabels } from '#functions/respond/mutes/alert-labels.ts';
import type { ResponseFinding } from '#functions/respond/response-finding.ts';
import { loadResponseRules } from '#functions/respond/rules/load-response-rules.ts';
import { matchingRules } from '#functions/respond/rules/match-rules.ts';
import { responseFinding, threat, violation } from '../findings.ts';

const rules = loadResponseRules('policies/response', actions);
const matched = (finding: ResponseFinding) =>
  matchingRules(rules, finding, alertLabels(finding)).map((r) => r.id);

describe('matching the shipped response rules', () => {
  it.each<[string, ResponseFinding, string[]]>([
    ['a DNS tunnel', responseFinding(threat()), ['dns-tunnel']],
    ['a low-severity DNS tunnel', responseFinding(threat({ severity: 'low' })), []],
    ['a DNS tunnel in kube-system', responseFinding(threat(), { namespace: 'kube-system' }), []],
    ['SQL injection', responseFinding(threat({ threat: 'sql-injection' })), ['embedded-attack']],
    ['a port scan', responseFinding(threat({ threat: 'port-scan', severity: 'low' })), ['network-abuse']],
    [
      'a critical unknown threat',
      responseFinding(threat({ threat: 'heartbleed', severity: 'critical' })),
      ['catch-all-critical'],
    ],
    ['a high unknown threat', responseFinding(threat({ threat: 'heartbleed' })), []],
    ['a monitor-mode violation', responseFinding(violation()), ['monitor-violation']],
    ['a protect-mode violation', responseFinding(violation({ mode: 'protect' })), []],
  ])('%s', (_name, finding, expected) => {
    expect(matched(finding)).toEqual(expected);
  });

  it('goes on past a matching rule only when it says continue', () => {
    const first = { ...rules[0], continue: true } as (typeof rules)[number];
    const catchAll = rules.find((rule) => rule.id === 'catch-all-critical');
    const finding = responseFinding(threat({ severity: 'critical' }));
    const ids = matchingRules([first, ...(catchAll ? [catchAll] : [])], finding, alertLabels(finding)).map(
      (r) => r.id,
    );
    expect(ids).toEqual(['dns-tunnel', 'catch-all-critical']);
  });
});
