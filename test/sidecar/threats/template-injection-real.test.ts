/**
 * A real server-side template injection, for real, in two network namespaces: a Python page that pastes its `name`
 * parameter into a Jinja2 template's source (test/fixtures/template-injection/jinja2-app.py, Debian's python3-jinja2)
 * on a "pod", and curl on a "client" sending a greeting, the `{{7*7}}` probe and a sandbox escape that runs `echo`.
 * Captured with tcpdump as the tap captures and read by our engine: the page's answers show Jinja2 evaluated both
 * payloads, and the findings show what the tap reported of them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { createKernelLab, type KernelLab } from '#test/helpers/kernel-lab.ts';
import { netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';

const jinja2Missing = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import jinja2'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'python3-jinja2 is not installed (apt-get install python3-jinja2)';
  }
})();
const unavailable = netnsUnavailable(['tcpdump', 'ss', 'curl']) ?? jinja2Missing;

const pod = '10.71.0.1';
const port = 8080;
const names = {
  greeting: 'Ada',
  probe: '{{7*7}}',
  escape: "{{cycler.__init__.__globals__.os.popen('echo ssti-$((6*7))').read()}}",
} as const;

describe.skipIf(unavailable !== undefined)(
  `a Jinja2 page attacked over the network${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let lab: KernelLab | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-ssti-'));
    const pages: Record<string, string> = {};
    let found: ThreatFinding[] = [];

    afterAll(() => {
      lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    beforeAll(async () => {
      lab = createKernelLab({ prefix: 'mwj', server: pod, client: '10.71.0.2' });
      lab.serverNs.spawn('/usr/bin/python3', [
        'test/fixtures/template-injection/jinja2-app.py',
        String(port),
        pod,
      ]);
      await waitForListen(lab.serverNs, port);
      const pcap = join(dir, 'ssti.pcap');
      const stop = await lab.capture(pcap, `tcp port ${port}`, lab.serverDev);
      for (const [scenario, name] of Object.entries(names))
        pages[scenario] = lab.clientNs.exec('curl', [
          ...['-sS', '-G', `http://${pod}:${port}/hello`],
          ...['--data-urlencode', `name=${name}`],
        ]);
      await stop();
      const { findings } = await inspectFile(pcap, { observers: [createThreatRunner()] });
      found = splitFindings(findings).threats;
    }, 60_000);

    it('Jinja2 evaluated both payloads: the page says 49, and the output of the command it ran', () => {
      expect(pages).toEqual({
        greeting: '<p>Hello Ada!</p>',
        probe: '<p>Hello 49!</p>',
        escape: '<p>Hello ssti-42\n!</p>',
      });
    });

    it('reports the escape critical and the probe high, naming Jinja2, and nothing of the greeting', () => {
      const reported = found
        .filter((f) => f.threat === 'template-injection')
        .map((f) => [f.severity, f.evidence.split(' — ')[0], f.server.port]);
      expect(reported).toEqual([
        ['high', 'an evaluation probe (Jinja2/Twig/Nunjucks): {{7*7}}', port],
        [
          'critical',
          "template injection (Jinja2): {{cycler.__init__.__globals__.os.popen('echo ssti-… reaching object internals (__init__)",
          port,
        ],
      ]);
      expect(found.filter((f) => f.evidence.includes('Ada'))).toEqual([]);
    });
  },
);
