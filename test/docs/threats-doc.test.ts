/** docs/threats.md lists every registered detector once, with the severity its policy ships with. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { threats } from '#sidecar/threats/index.ts';
import { defaultPolicyDir } from '#sidecar/threats/load-threat-configs.ts';

const doc = readFileSync(new URL('../../docs/threats.md', import.meta.url), 'utf8');
/** Table rows whose first cell is a detector id: id → severity cell. */
const rows = new Map(
  [...doc.matchAll(/^\| `([a-z0-9-]+)` \| ([a-z]+) \|/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
);

describe('docs/threats.md', () => {
  it('has a row for each registered detector and none for a detector that does not exist', () => {
    expect([...rows.keys()].sort()).toEqual(threats.map((t) => t.id).sort());
  });

  it.each(threats.map((t) => t.id))('%s: the row gives the severity of its policy', (id) => {
    const policy = parse(readFileSync(`${defaultPolicyDir}${id}.yaml`, 'utf8')) as { severity: string };
    expect(rows.get(id)).toBe(policy.severity);
  });
});
