import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actions } from '#functions/respond/actions/index.ts';
import { loadResponseRules, parseResponseRule } from '#functions/respond/rules/load-response-rules.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const problemsOf = (file: string, text: string): string[] => {
  const result = parseResponseRule(file, text, actions);
  return 'problems' in result ? result.problems : [];
};

const minimal = `id: r
description: d
match: { types: [threat] }
actions:
  - action: notify-slack
    params: { channel: "#x" }
`;

describe('response rule files', () => {
  it('loads the shipped rules in order, each action and its parameters valid', () => {
    const rules = loadResponseRules('policies/response', actions);
    expect(rules.map((rule) => rule.id)).toEqual([
      'dns-tunnel',
      'embedded-attack',
      'network-abuse',
      'monitor-violation',
      'catch-all-critical',
    ]);
    expect(rules[0]?.actions.map((step) => step.action)).toEqual([
      'capture',
      'quarantine-pod',
      'notify-slack',
    ]);
  });

  it('accepts a minimal rule with defaults filled in', () => {
    const result = parseResponseRule('r.yaml', minimal, actions);
    expect(result).toMatchObject({ rule: { order: 100, continue: false, dryRun: false } });
  });

  it.each([
    ['unknown action', minimal.replace('notify-slack', 'nuke-cluster'), 'unknown action "nuke-cluster"'],
    ['bad action parameters', minimal.replace('{ channel: "#x" }', '{ chanel: "#x" }'), 'actions.0.params'],
    [
      'missing parameter',
      minimal.replace('params: { channel: "#x" }', 'params: {}'),
      'actions.0.params.channel',
    ],
    ['unknown field', `${minimal}continu: true\n`, 'continu'],
    ['bad severity', minimal.replace('[threat] }', '[threat], minSeverity: severe }'), 'match.minSeverity'],
    ['id not the file name', minimal, 'must match the file name'],
    ['not YAML', 'id: [', 'not valid YAML'],
  ])('names the file and the field for %s', (_name, text, expected) => {
    const file = _name === 'id not the file name' ? 'other.yaml' : 'r.yaml';
    const problems = problemsOf(file, text);
    expect(problems.join('\n')).toContain(expected);
    expect(problems.every((line) => line.startsWith(`${file}: `))).toBe(true);
  });

  it('fails the whole load with every problem at once', () => {
    const dir = tempDir('meshward-rules-');
    writeFileSync(join(dir, 'a.yaml'), minimal.replace('id: r', 'id: a').replace('notify-slack', 'x'));
    writeFileSync(join(dir, 'b.yaml'), 'id: b\n');
    expect(() => loadResponseRules(dir, actions)).toThrow(/a\.yaml: actions\.0\.action[\s\S]*b\.yaml/);
  });
});
