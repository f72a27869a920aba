/**
 * A pod reading its node's metadata, for real, in two network namespaces: the fake metadata services
 * (fake-metadata-server.ts, the real protocols) on 169.254.169.254 and 169.254.170.23 in a "node" namespace, and in a
 * "pod" namespace the AWS SDK's own credential providers (IMDSv2; EKS Pod Identity) and curl (IMDSv1, GCP and Azure
 * tokens, a forged GCP request without its header), each scenario from its own address so each is its own finding.
 * Captured with tcpdump as the tap captures, read by our engine and, side by side, by ndpiReader.
 */
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

const unavailable =
  netnsUnavailable(['tcpdump', 'ss', 'curl']) ??
  (ndpiAvailable() ? undefined : 'ndpiReader is not installed (apt-get install libndpi-bin)');

const imds = '169.254.169.254';
const podIdentity = '169.254.170.23';
const role = 'web-node-role';

/** Each scenario's client address, and the curl requests it makes (none: the SDK, from the pod's first address). */
const curls: Record<string, string[][]> = {
  '10.44.0.3': [[`http://${imds}/latest/meta-data/iam/security-credentials/${role}`]],
  '10.44.0.4': [
    [
      '-H',
      'Metadata-Flavor: Google',
      `http://${imds}/computeMetadata/v1/instance/service-accounts/default/token`,
    ],
  ],
  '10.44.0.5': [[`http://${imds}/computeMetadata/v1/instance/attributes/kube-env`]],
  '10.44.0.6': [
    [
      '-H',
      'Metadata: true',
      `http://${imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/`,
    ],
  ],
  '10.44.0.7': [
    ['-X', 'PUT', '-H', 'X-aws-ec2-metadata-token-ttl-seconds: 60', `http://${imds}/latest/api/token`],
    [`http://${imds}/latest/meta-data/placement/region`],
  ],
};

describe.skipIf(unavailable !== undefined)(
  `a pod reading its node's metadata, against nDPI${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let lab: KernelLab | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-imds-'));
    let found: ThreatFinding[] = [];
    let sdk: Record<string, string> = {};
    const statuses: string[] = [];
    let ndpiLines: string[] = [];

    afterAll(() => {
      lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    beforeAll(async () => {
      lab = createKernelLab({ prefix: 'mwm', server: '10.44.0.1', client: '10.44.0.2' });
      const { serverNs: node, clientNs: pod, clientDev, serverDev } = lab;
      for (const address of [imds, podIdentity])
        node.exec('ip', ['addr', 'add', `${address}/32`, 'dev', serverDev]);
      for (const address of Object.keys(curls))
        pod.exec('ip', ['addr', 'add', `${address}/24`, 'dev', clientDev]);
      pod.exec('ip', ['route', 'add', '169.254.0.0/16', 'via', '10.44.0.1']);
      // optional: the node still answers IMDSv1, as instances launched before IMDSv2 was the default do.
      node.spawn('node', [
        '--import',
        'tsx',
        'test/helpers/fake-metadata-main.ts',
        'optional',
        role,
        imds,
        podIdentity,
      ]);
      await waitForListen(node, 80);
      const pcap = join(dir, 'metadata.pcap');
      const stop = await lab.capture(pcap, 'tcp port 80', serverDev);
      sdk = JSON.parse(pod.exec('node', ['--import', 'tsx', 'test/helpers/metadata-sdk-clients.ts', 'both']));
      for (const [address, requests] of Object.entries(curls))
        for (const args of requests)
          statuses.push(
            pod.exec('curl', [
              '-s',
              '-o',
              '/dev/null',
              '-w',
              '%{http_code}',
              '--interface',
              address,
              ...args,
            ]),
          );
      await stop();
      const { findings } = await inspectFile(pcap, { observers: [createThreatRunner()] });
      found = threatsBy(findings, 'instance-metadata');
      ndpiLines = ndpiReport(pcap)
        .split('\n')
        .filter((line) => line.includes(':80 '));
    }, 120_000);

    const by = (client: string, server = imds) =>
      found.find((f) => f.client.ip === client && f.server.ip === server);

    it('the real clients got what they asked for (the services are up and speak their protocols)', () => {
      expect(sdk.imds).toMatch(/^ASIA/);
      expect(sdk.podIdentity).toMatch(/^ASIA/);
      expect(statuses).toEqual(['200', '200', '403', '200', '200', '200']);
    });

    it('reports the SDK taking the node role over IMDSv2 as one high finding, saying the credentials came back', () => {
      // Three requests, and the answer that handed the credentials over.
      expect(by('10.44.0.2')).toMatchObject({ severity: 'high', confidence: 1, count: 4 });
      expect(by('10.44.0.2')?.evidence).toBe(
        `asked AWS instance metadata (IMDS) at ${imds} for the instance role's credentials (role ${role}): a pod must not hold its node role (block IMDS from pods, or a hop limit of 1); it answered with temporary credentials (ASIA…)`,
      );
    });

    it('says when the role was taken with IMDSv1, which a forged request (SSRF) can do', () => {
      expect(by('10.44.0.3')?.severity).toBe('high');
      expect(by('10.44.0.3')?.evidence).toContain('with IMDSv1 (no session token)');
    });

    it('reports identity tokens at medium, and a request the server refused for its missing header at high', () => {
      expect(by('10.44.0.4')).toMatchObject({ severity: 'medium' });
      expect(by('10.44.0.4')?.evidence).toContain('an access token for service account default');
      expect(by('10.44.0.6')).toMatchObject({ severity: 'medium' });
      expect(by('10.44.0.6')?.evidence).toContain(
        'a managed identity token for https://management.azure.com/',
      );
      expect(by('10.44.0.5')).toMatchObject({ severity: 'high', confidence: 0.9 });
      expect(by('10.44.0.5')?.evidence).not.toContain('it answered');
      expect(by('10.44.0.4')?.evidence).toContain('it answered with an access token');
      expect(by('10.44.0.5')?.evidence).toContain("GKE's kube-env");
      expect(by('10.44.0.5')?.evidence).toContain('no Metadata-Flavor: Google header');
    });

    it('reports a region read and the pod identity endpoint only at low', () => {
      expect(by('10.44.0.7')).toMatchObject({ severity: 'low', count: 2 });
      expect(by('10.44.0.2', podIdentity)).toMatchObject({ severity: 'low', confidence: 0.4 });
      expect(found).toHaveLength(7);
    });

    it('nDPI flags every request for its numeric host, and knows nothing of metadata or of the role taken', () => {
      console.log(`nDPI on the metadata requests:\n${ndpiLines.map((l) => l.slice(0, 200)).join('\n')}`);
      const flows = parseNdpiFlows(ndpiLines.join('\n'));
      expect(flows).toHaveLength(8);
      expect(flows.every((f) => f.app === 'HTTP' && f.confidence === 'DPI')).toBe(true);
      // Its only risks: a numeric IP as the host, on all; the Pod Identity token (a bearer token) as clear text.
      expect([...new Set(flows.flatMap((f) => f.risks))].sort()).toEqual([
        'Clear-Text Credentials',
        'HTTP Numeric IP Address',
      ]);
      // It reads a connection's first request: to nDPI, the SDK's keep-alive connection only asked for a session.
      const sdkLine = ndpiLines.find((l) => l.includes('10.44.0.2:') && l.includes(`${imds}:80`)) ?? '';
      expect(sdkLine).toContain(`[URL: ${imds}/latest/api/token]`);
    });
  },
);
