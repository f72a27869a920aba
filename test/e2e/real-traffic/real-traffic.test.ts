/**
 * Real servers and clients from Debian's packages, each on a port that belongs to another protocol,
 * captured with tcpdump in a network namespace: every flow must be identified from its bytes.
 * nDPI (ndpiReader) runs on the same capture for comparison; its verdicts are printed, not asserted.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { ndpiAvailable, ourIdOf, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { netnsUnavailable } from '#test/helpers/netns.ts';
import { splitFindings, threatsBy } from '#test/helpers/split-findings.ts';
import { type CaptureRun, captureScenarios } from './capture-scenarios.ts';
import { scenarios } from './scenarios.ts';

const unavailable = netnsUnavailable(['tcpdump', 'ss', ...new Set(scenarios.flatMap((s) => s.commands))]);

describe.skipIf(unavailable !== undefined)(
  `real traffic on swapped ports${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let run: CaptureRun;
    let flows: FlowFinding[];

    beforeAll(async () => {
      run = await captureScenarios(scenarios);
      const result = await inspectFile(run.pcap);
      flows = splitFindings(result.findings).flows;
    }, 240_000);

    afterAll(() => {
      if (run === undefined) return;
      const ndpi = ndpiAvailable() ? runNdpi(run.pcap) : [];
      const rows = scenarios.map((scenario) => {
        const ours = flows
          .filter((f) => f.transport === scenario.transport && f.server.port === scenario.port)
          .map((f) => f.protocol);
        const theirs = ndpi
          .filter((f) => f.transport === scenario.transport && f.b.endsWith(`:${scenario.port}`))
          .map((f) => `${ourIdOf(f) ?? f.app} (${f.confidence})`);
        return `${scenario.protocol.padEnd(10)} on ${String(scenario.port).padEnd(5)} (${scenario.portBelongsTo.padEnd(10)}) meshward: ${ours.join(',').padEnd(12)} nDPI: ${theirs.join(', ')}`;
      });
      console.log(`Real traffic, protocol on a port that belongs to another:\n${rows.join('\n')}`);
      rmSync(run.dir, { recursive: true, force: true });
    });

    it('every scenario ran: servers started and clients connected', () => {
      expect(run.failures).toEqual([]);
    });

    it("vsftpd's data connections, on the ports its EPSV answers and curl's EPRT named, are labelled ftp-data", () => {
      // mail-ftp-scenarios.ts: passive ports 40000-40009 (file.txt, setup.sh); agent in active mode.
      const passive = flows.filter(
        (f) => f.transport === 'tcp' && f.server.port >= 40000 && f.server.port <= 40009,
      );
      expect(passive.map((f) => f.protocol)).toEqual(['ftp-data', 'ftp-data']);
      expect(flows.filter((f) => f.protocol === 'ftp-data')).toHaveLength(3);
    });

    it('executable-download names the program and the script fetched over FTP, not the text file', async () => {
      const result = await inspectFile(run.pcap, { observers: defaultObservers() });
      const found = threatsBy(result.findings, 'executable-download')
        .map((f) => f.evidence)
        .sort();
      expect(found).toEqual([
        '127.0.0.1 received a sh script over an FTP data connection',
        '127.0.0.1 received an ELF program over an FTP data connection',
      ]);
    });

    it.each(scenarios.map((s) => [s.name, s] as const))(
      '%s is identified from its bytes',
      (_name, scenario) => {
        const matching = flows.filter(
          (f) => f.transport === scenario.transport && f.server.port === scenario.port,
        );
        expect(matching.length, `no ${scenario.transport} flow to port ${scenario.port}`).toBeGreaterThan(0);
        for (const flow of matching) {
          expect(flow.protocol).toBe(scenario.protocol);
          expect(flow.confidence).toBe('dpi');
        }
        if (scenario.sni !== undefined) expect(matching[0]?.tls?.sni).toBe(scenario.sni);
        if (scenario.operations !== undefined)
          expect(matching[0]?.l7?.operations).toEqual(expect.arrayContaining(scenario.operations));
      },
    );
  },
);
