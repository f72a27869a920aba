/**
 * A pod driving a Docker Engine API, for real, in two network namespaces: the fake engine
 * (fake-docker-engine.ts, the real API's rules) on three ports of a "node", and Docker's own Python SDK in a "pod"
 * looking around (4243), running an ordinary container with a command in it (2376), and starting a privileged
 * container with the node's root file system mounted (2375). Captured with tcpdump as the tap captures, read by our
 * engine and, side by side, by ndpiReader.
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
import { ndpiAvailable, ndpiReport, parseNdpiFlows } from '#test/helpers/ndpi-reader.ts';
import { netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';

const sdkMissing = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import docker'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'python3-docker is not installed (apt-get install python3-docker)';
  }
})();
const unavailable =
  netnsUnavailable(['tcpdump', 'ss']) ??
  sdkMissing ??
  (ndpiAvailable() ? undefined : 'ndpiReader is not installed (apt-get install libndpi-bin)');

const node = '10.45.0.1';
const scenarios = { escape: 2375, run: 2376, look: 4243 } as const;

describe.skipIf(unavailable !== undefined)(
  `a pod driving a Docker Engine API, against nDPI${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let lab: KernelLab | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-docker-'));
    let found: ThreatFinding[] = [];
    const answers: Record<string, Record<string, unknown>> = {};
    let ndpiText = '';

    afterAll(() => {
      lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    beforeAll(async () => {
      lab = createKernelLab({ prefix: 'mwd', server: node, client: '10.45.0.2' });
      const listens = Object.values(scenarios).map((port) => `${node}:${port}`);
      lab.serverNs.spawn('node', ['--import', 'tsx', 'test/helpers/fake-docker-engine-main.ts', ...listens]);
      for (const port of Object.values(scenarios)) await waitForListen(lab.serverNs, port);
      const pcap = join(dir, 'docker.pcap');
      const stop = await lab.capture(pcap, 'tcp', lab.serverDev);
      for (const [scenario, port] of Object.entries(scenarios))
        answers[scenario] = JSON.parse(
          lab.clientNs.exec('/usr/bin/python3', [
            'test/helpers/docker-sdk-client.py',
            `tcp://${node}:${port}`,
            scenario,
          ]),
        );
      await stop();
      const { findings } = await inspectFile(pcap, { observers: [createThreatRunner()] });
      found = threatsBy(findings, 'docker-api');
      ndpiText = ndpiReport(pcap);
    }, 120_000);

    const on = (port: number) => found.filter((f) => f.server.port === port);

    it('the SDK got what it asked for from the engine', () => {
      // One engine behind every port: looking around last, the SDK finds the two containers made before.
      expect(answers.look).toEqual({ ping: true, containers: 2, version: '20.10.24' });
      expect(answers.run).toMatchObject({ conflict: 409 });
      expect(answers.escape?.started).toMatch(/^[0-9a-f]{12}$/);
    });

    it('reports the privileged container with the host mounted as critical: an escape outside admission control', () => {
      expect(on(scenarios.escape)).toHaveLength(1);
      expect(on(scenarios.escape)[0]).toMatchObject({
        severity: 'critical',
        confidence: 1,
        client: { ip: '10.45.0.2' },
      });
      expect(on(scenarios.escape)[0]?.evidence).toBe(
        `created a container (image alpine:3.19) that is privileged, mounts / from the host, shares the host's PID through the Docker API at ${node}:${scenarios.escape}: an escape from the pod, outside Kubernetes admission control`,
      );
    });

    it('reports an ordinary container and its exec at high, and looking around at medium', () => {
      expect(on(scenarios.run).map((f) => f.severity)).toEqual(['high']);
      expect(on(scenarios.look).map((f) => f.severity)).toEqual(['medium']);
      // A ping, the list, the SDK's inspection of each of the two containers listed, the engine's info.
      expect(on(scenarios.look)[0]?.count).toBe(5);
    });

    it('nDPI labels the API HTTP and raises nothing about containers or the host', () => {
      const flows = parseNdpiFlows(ndpiText);
      console.log(
        `nDPI on the Docker API:\n${ndpiText
          .split('\n')
          .filter((l) => l.includes(':23') || l.includes(':4243'))
          .map((l) => l.slice(0, 220))
          .join('\n')}`,
      );
      expect(flows.length).toBeGreaterThan(0);
      expect(flows.every((f) => f.app === 'HTTP')).toBe(true);
      expect(flows.flatMap((f) => f.risks).join(' ')).not.toMatch(/docker|container|privilege/i);
    });
  },
);
