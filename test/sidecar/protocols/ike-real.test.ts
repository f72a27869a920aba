/**
 * IPsec's key exchange for real: Debian's strongSwan (charon, configured through swanctl over its VICI socket) in two
 * network namespaces joined by a veth pair (10.99.0.1 the responder, 10.99.0.2 the initiator), each charon with its
 * own strongswan.conf (STRONGSWAN_CONF) and, through `unshare -m`, its own /run for its fixed pid file. A pre-shared
 * key; IKEv2 first (`aes256-sha256-modp2048`: IKE_SA_INIT on 500, IKE_AUTH and INFORMATIONAL on 4500 behind the
 * non-ESP marker), then IKEv1 aggressive mode (`aes128-sha1-modp1024`) from a second initiator on port 10500, which
 * the responder accepts only under strongSwan's `i_dont_care_about_security_and_use_aggressive_mode_psk`. Where the
 * kernel refuses XFRM states (here: "Protocol not supported"), the CHILD_SAs fail and no ESP flows; the IKE exchanges
 * are captured all the same. Captured by tcpdump on the veth, read by the engine with the default observers; nDPI's
 * labels printed beside ours when ndpiReader is installed. About 10 s.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createKernelLab, type KernelLab } from '#test/helpers/kernel-lab.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { hasCommand, type Netns, netnsUnavailable } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';

const charon = '/usr/lib/ipsec/charon';
const unavailable =
  netnsUnavailable(['tcpdump', 'swanctl', 'unshare']) ??
  (existsSync(charon) && hasCommand('mount') ? undefined : `${charon} is not installed (.ci/apt/ike.txt)`);

const [server, client] = ['10.99.0.1', '10.99.0.2'];
const secret = 'meshward-test-only-psk-0123456789';

const strongswanConf = (dir: string, ports: [number, number], aggressivePsk: boolean): string => `charon {
  port = ${ports[0]}
  port_nat_t = ${ports[1]}
  install_routes = no
  ${aggressivePsk ? 'i_dont_care_about_security_and_use_aggressive_mode_psk = yes' : ''}
  plugins { vici { socket = unix://${dir}/charon.vici } }
  filelog { log { path = ${dir}/charon.log
    default = 1 } }
  syslog { daemon { default = -1 } }
}
`;

/** One connection: responder (local) or initiator (remote set), IKEv2 or IKEv1 aggressive mode. */
const connection = (name: string, role: 'responder' | 'initiator', version: 1 | 2): string => {
  const [me, peer] = role === 'responder' ? ['server', 'client'] : ['client', 'server'];
  const address = role === 'responder' ? `local_addrs = ${server}` : `remote_addrs = ${server}`;
  const [local, remote] = role === 'responder' ? [server, client] : [client, server];
  const v1 = version === 1 ? 'aggressive = yes\n' : '';
  const proposal = version === 1 ? 'aes128-sha1-modp1024' : 'aes256-sha256-modp2048';
  return `${name} { version = ${version}
${v1}${address}
proposals = ${proposal}
local { auth = psk
  id = ${me}.meshward.test }
remote { auth = psk
  id = ${peer}.meshward.test }
children { ${name}net { local_ts = ${local}/32
  remote_ts = ${remote}/32
  esp_proposals = aes128-sha256 } } }
`;
};

const swanctlConf = (connections: string): string => `connections {
${connections}}
secrets { ike-1 { id-1 = server.meshward.test
  id-2 = client.meshward.test
  secret = "${secret}" } }
`;

/** A charon in `ns` with its own configuration directory and /run; resolves when its VICI socket answers. */
const startCharon = async (ns: Netns, dir: string, conf: string, swanctl: string): Promise<void> => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'strongswan.conf'), conf);
  writeFileSync(join(dir, 'swanctl.conf'), swanctl);
  const env = `STRONGSWAN_CONF=${join(dir, 'strongswan.conf')}`;
  ns.spawn('unshare', ['-m', 'sh', '-c', `mount -t tmpfs none /run && ${env} exec ${charon}`]);
  for (let i = 0; i < 100; i++) {
    try {
      vici(dir, ['--load-all', '--file', join(dir, 'swanctl.conf')]);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`charon did not answer on ${dir}/charon.vici within 10 s`);
};

const vici = (dir: string, args: string[]): string =>
  execFileSync('swanctl', [...args, '--uri', `unix://${dir}/charon.vici`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20_000,
  });

/** `swanctl --initiate`: its log lines (the CHILD_SA may fail where the kernel has no XFRM: the exchange stands). */
const initiate = (dir: string, child: string): string => {
  try {
    return vici(dir, ['--initiate', '--child', child, '--timeout', '10']);
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? '');
  }
};

describe.skipIf(unavailable !== undefined)(
  `IKE from strongSwan's charon${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let lab: KernelLab | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-ike-real-'));
    let flows: FlowFinding[] = [];
    let threats: ThreatFinding[] = [];
    let said: string[] = [];
    const pcap = join(dir, 'ike.pcap');

    beforeAll(async () => {
      lab = createKernelLab({ prefix: 'mwik', server, client });
      const stop = await lab.capture(pcap, 'udp or tcp', lab.serverDev);
      const [s, c2, c1] = [join(dir, 's'), join(dir, 'c2'), join(dir, 'c1')];
      const responder = swanctlConf(connection('v2', 'responder', 2) + connection('v1', 'responder', 1));
      await startCharon(lab.serverNs, s, strongswanConf(s, [500, 4500], true), responder);
      await startCharon(
        lab.clientNs,
        c2,
        strongswanConf(c2, [500, 4500], false),
        swanctlConf(connection('v2', 'initiator', 2)),
      );
      await startCharon(
        lab.clientNs,
        c1,
        strongswanConf(c1, [10500, 14500], false),
        swanctlConf(connection('v1', 'initiator', 1)),
      );
      said = [initiate(c2, 'v2net'), initiate(c1, 'v1net')];
      await stop();
      ({ flows, threats } = splitFindings(
        (await inspectFile(pcap, { observers: defaultObservers() })).findings,
      ));
    }, 90_000);

    afterAll(() => {
      lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('establishes both IKE SAs (the log says so), whatever became of the CHILD_SAs', () => {
      expect(said[0]).toMatch(/IKE_SA v2\[\d+\] established between 10\.99\.0\.2\[client\.meshward\.test\]/);
      expect(said[1]).toMatch(/IKE_SA v1\[\d+\] established between 10\.99\.0\.2\[client\.meshward\.test\]/);
      const kernel = /unable to install|NO_PROPOSAL_CHOSEN/.test(said.join('\n')) ? 'refused' : 'installed';
      console.log(`charon's CHILD_SAs: the kernel ${kernel} them`);
    });

    it('labels every flow ike: IKE_SA_INIT on 500 with its proposal, IKE_AUTH on 4500, aggressive mode', () => {
      expect(flows.length).toBeGreaterThanOrEqual(3);
      for (const flow of flows) expect(flow.protocol, `${flow.client.port}→${flow.server.port}`).toBe('ike');
      const byPort = (port: number) => flows.find((f) => f.client.port === port)?.l7?.operations ?? [];
      expect(byPort(500)).toEqual(
        expect.arrayContaining([
          'IKE_SA_INIT request',
          'IKE_SA_INIT response',
          'sa-answered',
          'proposal ENCR_AES_CBC-256 PRF_HMAC_SHA2_256 AUTH_HMAC_SHA2_256_128 MODP_2048',
          'chosen ENCR_AES_CBC-256 PRF_HMAC_SHA2_256 AUTH_HMAC_SHA2_256_128 MODP_2048',
          'notify NAT_DETECTION_SOURCE_IP',
        ]),
      );
      expect(byPort(4500)).toEqual(
        expect.arrayContaining(['nat-t', 'IKE_AUTH request', 'IKE_AUTH response', 'auth-answered']),
      );
      expect(byPort(10500)).toEqual(
        expect.arrayContaining([
          'Aggressive Mode request',
          'Aggressive Mode response',
          'proposal ENCR_AES_CBC-128 HASH_SHA1 AUTH_PSK MODP_1024',
          'identity ID_FQDN:client.meshward.test',
          'vendor DPD',
        ]),
      );
    });

    it('reports each IPsec flow as vpn-tunnel (high), aggressive mode with its PSK weakness', () => {
      const vpn = threats.filter((t) => t.threat === 'vpn-tunnel');
      expect(vpn.length).toBe(flows.length);
      for (const t of vpn) expect(t).toMatchObject({ severity: 'high', protocol: 'ike' });
      expect(vpn.map((t) => t.confidence).sort()).toEqual(vpn.map(() => 0.97));
      const aggressive = vpn.find((t) => t.evidence.includes('IKEv1'));
      expect(aggressive?.evidence).toMatch(
        /weak HASH_SHA1, MODP_1024; IKEv1 aggressive mode with a pre-shared key/,
      );
      console.log(`vpn-tunnel: ${vpn.map((t) => t.evidence).join(' | ')}`);
    });

    it.skipIf(!ndpiAvailable())("prints nDPI's labels beside ours", () => {
      const ndpi = runNdpi(pcap);
      console.log(
        `nDPI on the IKE flows: ${ndpi.map((f) => `${f.b} ${f.master}.${f.app} (${f.confidence})`).join('; ')}; meshward: ${flows.map((f) => `${f.server.port} ${f.protocol}`).join(', ')}`,
      );
    });
  },
);
