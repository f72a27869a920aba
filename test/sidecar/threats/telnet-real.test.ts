/**
 * A real Telnet login (GNU inetutils' telnetd behind a tiny inetd, Python's telnetlib with a wrong password) in a
 * network namespace, captured with tcpdump, read by our engine and by Debian's ndpiReader side by side: both must
 * say Telnet and call it unsafe; we also read the user, the password line (never its text) and the refusal.
 */
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { ndpiAvailable, ndpiReport } from '#test/helpers/ndpi-reader.ts';
import { netnsUnavailable } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { captureScenarios } from '../../e2e/real-traffic/capture-scenarios.ts';
import { telnetScenario } from '../../e2e/real-traffic/telnet-scenario.ts';

const unavailable =
  netnsUnavailable(['tcpdump', 'ss', ...telnetScenario.commands]) ??
  (ndpiAvailable() ? undefined : 'ndpiReader is not installed (apt-get install libndpi-bin)');

describe.skipIf(unavailable !== undefined)(
  `a real Telnet login against nDPI${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let flows: FlowFinding[] = [];
    let threats: ThreatFinding[] = [];
    let ndpiLine = '';

    beforeAll(async () => {
      const run = await captureScenarios([telnetScenario]);
      try {
        expect(run.failures).toEqual([]);
        // The capture is on the namespace's loopback: ask cleartext-credentials to look there too.
        const runner = createThreatRunner({ configs: { 'cleartext-credentials': { loopback: true } } });
        const { findings } = await inspectFile(run.pcap, { observers: [runner] });
        ({ flows, threats } = splitFindings(findings));
        ndpiLine =
          ndpiReport(run.pcap)
            .split('\n')
            .find((l) => l.includes(`:${telnetScenario.port} `)) ?? '';
      } finally {
        rmSync(run.dir, { recursive: true, force: true });
      }
    }, 120_000);

    it('both identify Telnet on a port that is not its own', () => {
      const telnet = flows.filter((f) => f.server.port === telnetScenario.port);
      expect(telnet.map((f) => f.protocol)).toEqual(['telnet']);
      expect(ndpiLine).toContain('[proto: 77/Telnet]');
    });

    it('both call it unsafe; we also name the user whose password crossed in the clear', () => {
      expect(ndpiLine).toContain('Unsafe Protocol');
      expect(threats.map((t) => `${t.threat}: ${t.evidence}`).sort()).toEqual([
        'cleartext-credentials: the Telnet password of user alice sent unencrypted',
        'unsafe-protocol: Telnet: a remote shell without encryption, every keystroke readable on the path (use SSH)',
      ]);
      expect(JSON.stringify(threats)).not.toContain('not-her-password');
    });
  },
);
