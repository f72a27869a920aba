/**
 * AJP13 for real, in a network namespace the test creates: Debian's Tomcat 10.1 with an AJP connector on Redis's port
 * (6379), Apache 2.4's mod_proxy_ajp in front of it (test/helpers/tomcat-ajp.ts) proxying curl's requests (a GET with
 * a query, a form POST, a missing page), each connection opened with a CPING; and a Ghostcat client
 * (test/helpers/ajp-ghostcat-main.ts) asking for /WEB-INF/web.xml, which this Tomcat refuses (403: it rejects request
 * attributes it does not know). Captured by tcpdump, read by the engine with the default detectors; nDPI's labels are
 * printed beside ours.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import type { EngineObserver } from '#sidecar/engine-observer.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';
import { startApache, startTomcat, tomcatAjpMissing } from '#test/helpers/tomcat-ajp.ts';

const unavailable = netnsUnavailable(['tcpdump', 'ss', 'java', 'apache2', 'curl']) ?? tomcatAjpMissing();
const ajpPort = 6379;
const httpPort = 8080;

type Run = {
  flows: FlowFinding[];
  threats: ThreatFinding[];
  requests: string[];
  said: string[];
  pcap: string;
};

/** Every request the engine told on an AJP flow, with its body. */
const recorder = (requests: string[]): EngineObserver => ({
  onEvent(flow, event) {
    if (flow.protocol === 'ajp' && event.kind === 'http-request')
      requests.push(`${event.method} ${event.target} ${Buffer.from(event.body).toString('latin1')}`.trim());
  },
});

const session = async (ns: Netns, dir: string): Promise<Run> => {
  startTomcat(ns, dir, ajpPort);
  startApache(ns, dir, httpPort, ajpPort);
  await waitForListen(ns, ajpPort, 60_000);
  await waitForListen(ns, httpPort);
  const pcap = join(dir, 'ajp.pcap');
  const tcpdump = await captureInNamespace(ns, pcap, `tcp port ${ajpPort}`);
  /** curl's status for a request to Apache, which proxies it over AJP. */
  const curl = (path: string, ...options: string[]): string =>
    ns.exec('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      ...options,
      `http://127.0.0.1:${httpPort}${path}`,
    ]);
  const said = [
    curl('/index.html?lang=en'),
    curl('/index.html', '-d', 'name=alice&q=1'),
    curl('/missing'),
    // An injection from a client that names someone else in its own X-Forwarded-For (mod_proxy_ajp passes it on).
    curl("/index.html?id=1'+OR+'1'='1", '-H', 'X-Forwarded-For: 198.51.100.99'),
  ];
  const ghostcat = [
    '--import',
    'tsx',
    'test/helpers/ajp-ghostcat-main.ts',
    '127.0.0.1',
    `${ajpPort}`,
    '/WEB-INF/web.xml',
  ];
  said.push(ns.exec('node', ghostcat, { timeoutMs: 30_000 }).trim());
  await stopTcpdump(tcpdump);
  const requests: string[] = [];
  const { findings } = await inspectFile(pcap, { observers: [...defaultObservers(), recorder(requests)] });
  return {
    ...splitFindings(findings),
    requests,
    said,
    pcap,
  };
};

describe.skipIf(unavailable !== undefined)(
  `AJP between Debian's Apache and Tomcat${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/ajp.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let run: Run;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-ajp-real-'));

    beforeAll(async () => {
      ns = createNetns('mwajp');
      run = await session(ns, dir);
    }, 120_000);

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('labels every connection to the AJP connector ajp, on a port that says redis', () => {
      expect(run.said).toEqual(['200', '200', '404', '200', JSON.stringify({ status: 403, body: 628 })]);
      expect(run.flows.length).toBeGreaterThanOrEqual(2);
      for (const flow of run.flows) expect(flow.protocol, `${flow.client.port}`).toBe('ajp');
      const operations = new Set(run.flows.flatMap((f) => f.l7?.operations ?? []));
      expect([...operations].sort()).toEqual(['cping', 'cpong']);
    });

    it('tells the proxied requests with their paths, query and form, and their answers in the summary', () => {
      expect(run.requests).toEqual([
        'GET /index.html?lang=en',
        'POST /index.html name=alice&q=1',
        'GET /missing',
        "GET /index.html?id=1'+OR+'1'='1",
        'GET /asdf',
      ]);
      const http = run.flows.map((f) => f.l7?.http);
      expect(new Set(http.flatMap((h) => h?.paths ?? []))).toEqual(
        new Set(['/index.html', '/missing', '/asdf']),
      );
      expect(new Set(http.flatMap((h) => h?.methods ?? []))).toEqual(new Set(['GET', 'POST']));
      expect(new Set(http.flatMap((h) => h?.statuses ?? []))).toEqual(new Set(['2xx', '4xx']));
    });

    it("names the injection's client by Apache's remote_addr, not the X-Forwarded-For the client wrote", () => {
      const injection = run.threats.find((t) => t.threat === 'sql-injection');
      expect(injection?.originBy).toBe('ajp-remote-addr');
      expect(injection?.origin?.ip).toBe('127.0.0.1');
      // mod_proxy_ajp's AJP_REMOTE_PORT: curl's own port, not Apache's connection to Tomcat.
      expect(injection?.origin?.port).toBeGreaterThan(0);
      expect(injection?.origin?.port).not.toBe(injection?.client.port);
    });

    it('reports the Ghostcat request critical once, naming /WEB-INF/web.xml, and nothing else', () => {
      expect(run.threats.map((t) => [t.threat, t.severity, t.server.port]).sort()).toEqual([
        ['ajp-abuse', 'critical', ajpPort],
        ['sql-injection', 'high', ajpPort],
      ]);
      expect(run.threats.find((t) => t.threat === 'ajp-abuse')?.evidence).toContain(
        'it asks the container to serve the file /WEB-INF/web.xml, inside WEB-INF',
      );
      if (ndpiAvailable())
        console.log(
          `nDPI on the AJP flows: ${runNdpi(run.pcap)
            .map(
              (f) => `${f.b} ${f.master}.${f.app} (${f.confidence}) risks: ${f.risks.join(', ') || 'none'}`,
            )
            .join('; ')}`,
        );
    });
  },
);
