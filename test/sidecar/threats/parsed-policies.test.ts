import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { threats } from '#sidecar/threats/index.ts';
import { defaultPolicyDir, loadThreatConfigs } from '#sidecar/threats/load-threat-configs.ts';
import {
  type ParsedPolicies,
  parsedPoliciesFile,
  preParsedPolicy,
  readParsedPolicies,
  textHash,
} from '#sidecar/threats/parsed-policies.ts';
import { parsePolicies } from '../../../scripts/policies/parse-threat-policies.ts';

const yamlFiles = readdirSync(defaultPolicyDir).filter((name) => name.endsWith('.yaml'));
const scratch = mkdtempSync(join(tmpdir(), 'meshward-parsed-policies-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('policies/threats/parsed.json (ADR 48)', () => {
  it('holds every shipped policy as its YAML parses today (else run `npm run policies:parse`)', () => {
    const shipped = JSON.parse(readFileSync(parsedPoliciesFile, 'utf8')) as ParsedPolicies;
    expect(Object.keys(shipped.files).sort()).toEqual([...yamlFiles].sort());
    for (const name of yamlFiles) {
      const text = readFileSync(join(defaultPolicyDir, name), 'utf8');
      const entry = shipped.files[name];
      expect(entry?.sha256, `${name}: stale, run npm run policies:parse`).toBe(textHash(text));
      expect(entry?.value, name).toEqual(parse(text) ?? {});
    }
    expect(shipped).toEqual(parsePolicies(defaultPolicyDir));
  });

  it('serves a shipped text without parsing, and nothing for any other text', () => {
    const name = yamlFiles[0] as string;
    const text = readFileSync(join(defaultPolicyDir, name), 'utf8');
    expect(preParsedPolicy(text)).toEqual(parse(text));
    expect(preParsedPolicy(`${text}\n# edited\n`)).toBeUndefined();
    expect(preParsedPolicy('')).toBeUndefined();
  });

  it('gives the same configurations as parsing every YAML file', () => {
    // A trailing comment changes each file's hash and nothing else: every file in the copy is parsed from its YAML.
    const dir = mkdtempSync(join(scratch, 'edited-'));
    for (const name of yamlFiles) {
      writeFileSync(join(dir, name), `${readFileSync(join(defaultPolicyDir, name), 'utf8')}\n# copy\n`);
    }
    expect(loadThreatConfigs(threats, dir)).toEqual(loadThreatConfigs(threats, defaultPolicyDir));
  });

  it('an edited policy is read from its YAML, never from the stale entry', () => {
    const dir = mkdtempSync(join(scratch, 'syn-'));
    for (const name of yamlFiles) copyFileSync(join(defaultPolicyDir, name), join(dir, name));
    const original = readFileSync(join(dir, 'syn-flood.yaml'), 'utf8');
    writeFileSync(
      join(dir, 'syn-flood.yaml'),
      `${original}\nthreshold: 12345\n`.replace(/^threshold:.*\n/m, ''),
    );
    const configs = loadThreatConfigs(threats, dir);
    expect((configs['syn-flood'] as { threshold: number }).threshold).toBe(12345);
  });

  it('a missing or broken cache is read as empty: everything is parsed', () => {
    expect(readParsedPolicies(join(scratch, 'absent.json')).size).toBe(0);
    for (const [i, text] of [
      '{',
      'null',
      '[]',
      '{"files": null}',
      '{"files": {"a": {"sha256": 5}}}',
    ].entries()) {
      const file = join(scratch, `broken-${i}.json`);
      writeFileSync(file, text);
      expect(readParsedPolicies(file).size, text).toBe(0);
    }
    expect(readParsedPolicies(parsedPoliciesFile).size).toBe(yamlFiles.length);
  });
});
