/**
 * web-scanner over every nDPI capture (../shared/corpus/ndpi), alone in the threat runner: what it says about real
 * traffic. The two web attacks are a person at a browser and a hand-made exploit, not scanners, and say so.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ndpiDir } from '#bench/ndpi-threats-report.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { webScanner } from '#sidecar/threats/web-scanner.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';

const stories = async (capture: string): Promise<string[]> => {
  const runner = createThreatRunner({ threats: [webScanner], policyDir: false });
  const result = await inspectFile(join(ndpiDir, capture), { observers: [runner] });
  return splitFindings(result.findings).threats.map((f) => `${f.severity} ${f.evidence}`);
};

const captures = existsSync(ndpiDir) ? readdirSync(ndpiDir).filter((name) => !name.endsWith('.out')) : [];

describe.skipIf(captures.length === 0)('web-scanner on the nDPI captures', () => {
  it('WebattackSQLinj.pcap: six UNION SELECTs typed into DVWA from Firefox 45, all answered 200: no scanner', async () => {
    // sql-injection reports the payloads (ndpi-captures.test.ts); nothing here names a tool, misses a path or
    // probes a secret one.
    expect(await stories('WebattackSQLinj.pcap')).toEqual([]);
  });

  it('log4j-webapp-exploit.pcap: one JNDI login and the Exploit.class fetch: no scanner, no callback domain', async () => {
    // The JNDI lookup names an address (ldap://172.16.238.11:1389), not an out-of-band service; log4shell reports it.
    expect(await stories('log4j-webapp-exploit.pcap')).toEqual([]);
  });

  it('every other capture: nothing', async () => {
    const said: Record<string, string[]> = {};
    for (const capture of captures) {
      const found = await stories(capture);
      if (found.length > 0) said[capture] = found;
    }
    console.log(`web-scanner on ${captures.length} nDPI captures: ${JSON.stringify(said)}`);
    expect(said).toEqual({});
  }, 120_000);
});
