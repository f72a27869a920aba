import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '#core/errors.ts';
import { loadThreatConfigs } from '#sidecar/threats/load-threat-configs.ts';
import { synFlood } from '#sidecar/threats/syn-flood.ts';
import { uninspectedBody } from '#sidecar/threats/uninspected-body.ts';
import { xss } from '#sidecar/threats/xss.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-policies-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadThreatConfigs', () => {
  it('reads a policy again when its text changes, and parses an unchanged one once', () => {
    const file = join(dir, 'syn-flood.yaml');
    writeFileSync(file, 'threshold: 5\n');
    const first = loadThreatConfigs([synFlood], dir)['syn-flood'] as { threshold: number };
    expect(first.threshold).toBe(5);
    expect(loadThreatConfigs([synFlood], dir)['syn-flood']).toEqual(first);
    writeFileSync(file, 'threshold: 7\n');
    expect((loadThreatConfigs([synFlood], dir)['syn-flood'] as { threshold: number }).threshold).toBe(7);
    writeFileSync(file, 'threshold: [\n');
    let caught: unknown;
    try {
      loadThreatConfigs([synFlood], dir);
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught) && caught.code).toBe('config-invalid');
    writeFileSync(file, 'threshold: 5\n');
    expect(loadThreatConfigs([synFlood], dir)['syn-flood']).toEqual(first);
  });

  it('names the file, the key with its index and the value of every problem at once', () => {
    writeFileSync(join(dir, 'xss.yaml'), 'ignore:\n  - /ok\n  - 5\n');
    writeFileSync(join(dir, 'uninspected-body.yaml'), 'contentTypes:\n  - application/json\n  - json\n');
    let caught: unknown;
    try {
      loadThreatConfigs([xss, uninspectedBody], dir);
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught) && caught.message.split('\n').slice(1)).toEqual([
      `  ${join(dir, 'xss.yaml')}: ignore.1 (5): Invalid input: expected string, received number`,
      `  ${join(dir, 'uninspected-body.yaml')}: contentTypes.1: "json" is not a media type: write type/subtype, type/*, *+suffix or none`,
    ]);
    expect(() => loadThreatConfigs([xss], false, { xss: { confidence: 'high' } })).toThrow(
      /xss \(override\): confidence \("high"\): /,
    );
  });
});
