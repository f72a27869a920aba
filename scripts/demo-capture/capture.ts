/**
 * Generates demo/capture.pcap and demo/pods.json (root): one network namespace per Bookinfo pod on one bridge,
 * real servers (Node http/https/http2, redis-server, dnsmasq) and clients, tcpdump on the bridge.
 * Usage: npm run demo:capture [-- --duration-ms 45000]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stopTcpdump, tcpdumpListening } from '#test/helpers/tcpdump.ts';
import { cleanUpOnSignals, cleanup, recordDirectory, recordNamespace, startIn } from './capture-cleanup.ts';
import {
  type DemoExternal,
  type DemoPod,
  demoCallGraph,
  demoExternals,
  demoIncident,
  demoPods,
} from './demo-topology.ts';

const root = join(import.meta.dirname, '..', '..');
const bridgeNs = 'mwdemo-br';

const sh = (...argv: string[]): string =>
  execFileSync(argv[0] ?? 'false', argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const inNs = (ns: string, ...argv: string[]) => sh('ip', 'netns', 'exec', ns, ...argv);
const nsOf = (index: number) => `mwdemo-${index}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A pod namespace: eth0 on the bridge, its address, an on-link default route, and cluster DNS in resolv.conf. */
const addHost = (index: number, ip: string, prefix: number) => {
  const ns = nsOf(index);
  sh('ip', 'netns', 'add', ns);
  recordNamespace(ns);
  sh(
    'ip',
    'link',
    'add',
    `mwd${index}a`,
    'netns',
    bridgeNs,
    'type',
    'veth',
    'peer',
    'name',
    `mwd${index}b`,
    'netns',
    ns,
  );
  inNs(bridgeNs, 'ip', 'link', 'set', `mwd${index}a`, 'master', 'br0', 'up');
  inNs(ns, 'ip', 'link', 'set', `mwd${index}b`, 'name', 'eth0');
  inNs(ns, 'ip', 'addr', 'add', `${ip}/${prefix}`, 'dev', 'eth0');
  inNs(ns, 'ip', 'link', 'set', 'eth0', 'up');
  inNs(ns, 'ip', 'link', 'set', 'lo', 'up');
  inNs(ns, 'ip', 'route', 'add', 'default', 'dev', 'eth0');
  mkdirSync(`/etc/netns/${ns}`, { recursive: true });
  writeFileSync(
    `/etc/netns/${ns}/resolv.conf`,
    'nameserver 10.244.1.10\nsearch bookinfo.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n',
  );
  return ns;
};

const run = (ns: string, command: string, args: string[], env: Record<string, string> = {}) =>
  startIn(ns, ['env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), command, ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
    cwd: root,
  });

const service = (ns: string, role: string, env: Record<string, string> = {}) =>
  run(ns, process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'bookinfo-service.ts'), role], env);

const waitForListen = async (ns: string, port: number, proto = 'tcp') => {
  for (let i = 0; i < 100; i++) {
    const flag = proto === 'tcp' ? '-Hltn' : '-Hlun';
    if (inNs(ns, 'ss', flag, `sport = :${port}`).trim() !== '') return;
    await sleep(100);
  }
  throw new Error(`nothing listening on ${proto}/${port} in ${ns}`);
};

const dnsmasqArgs = (pods: DemoPod[], externals: DemoExternal[]): string[] => {
  const records = new Map<string, string[]>();
  const add = (name: string, ip: string) => records.set(name, [...(records.get(name) ?? []), ip]);
  for (const pod of pods) {
    const app = pod.labels.app;
    if (app === undefined) continue;
    add(`${app}.${pod.namespace}.svc.cluster.local`, pod.ip);
    if (pod.owner.kind === 'StatefulSet')
      add(`${pod.name}.${app}.${pod.namespace}.svc.cluster.local`, pod.ip);
  }
  const args = [
    '--no-daemon',
    '--no-resolv',
    '--no-hosts',
    '--bind-interfaces',
    '--listen-address=10.244.1.10',
  ];
  args.push('--local=/cluster.local/', '--local-ttl=30', '--no-negcache');
  // One A record per pod behind a Service name, so clients spread over reviews v1/v2/v3 as kube-proxy would.
  for (const [name, ips] of records) for (const ip of ips) args.push(`--host-record=${name},${ip}`);
  for (const external of externals) args.push(`--address=/${external.name}/${external.ip}`);
  return args;
};

const makeCert = (dir: string) => {
  sh(
    'openssl',
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=demo CA',
    '-keyout',
    join(dir, 'ca.key'),
    '-out',
    join(dir, 'ca.crt'),
  );
  sh(
    'openssl',
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=www.googleapis.com',
    '-keyout',
    join(dir, 'server.key'),
    '-out',
    join(dir, 'server.csr'),
  );
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:www.googleapis.com\n');
  sh(
    'openssl',
    'x509',
    '-req',
    '-in',
    join(dir, 'server.csr'),
    '-CA',
    join(dir, 'ca.crt'),
    '-CAkey',
    join(dir, 'ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    join(dir, 'ext.cnf'),
    '-out',
    join(dir, 'server.crt'),
  );
  return {
    DEMO_CA: join(dir, 'ca.crt'),
    DEMO_KEY: join(dir, 'server.key'),
    DEMO_CERT: join(dir, 'server.crt'),
  };
};

const main = async () => {
  const { values } = parseArgs({ options: { 'duration-ms': { type: 'string', default: '45000' } } });
  if (process.getuid?.() !== 0) throw new Error('needs root (network namespaces and tcpdump)');
  const work = mkdtempSync(join(tmpdir(), 'meshward-demo-'));
  recordDirectory(work);
  const pcap = join(work, 'capture.pcap');
  // Recorded before it is made: a bridge a killed run left behind is deleted when this run fails to make it.
  recordNamespace(bridgeNs);
  sh('ip', 'netns', 'add', bridgeNs);
  inNs(bridgeNs, 'ip', 'link', 'add', 'br0', 'type', 'bridge');
  inNs(bridgeNs, 'ip', 'link', 'set', 'br0', 'up');
  const podNs = new Map<string, string>();
  for (const [i, pod] of demoPods.entries()) podNs.set(pod.name, addHost(i, pod.ip, 24));
  for (const [i, ext] of demoExternals.entries()) podNs.set(ext.name, addHost(50 + i, ext.ip, 24));
  const nsFor = (name: string) => podNs.get(name) as string;
  const certs = makeCert(work);
  const tcpdump = startIn(bridgeNs, ['tcpdump', '-i', 'br0', '-U', '-n', '-s', '0', '-w', pcap, 'ip'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: root,
  });
  await tcpdumpListening(tcpdump);
  const byRuns = (runs: string) => demoPods.filter((pod) => pod.runs === runs);
  for (const pod of byRuns('dnsmasq')) run(nsFor(pod.name), 'dnsmasq', dnsmasqArgs(demoPods, demoExternals));
  for (const pod of byRuns('redis-server'))
    run(nsFor(pod.name), 'redis-server', [
      '--port',
      '6379',
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'no',
    ]);
  for (const ext of demoExternals) service(nsFor(ext.name), ext.runs, certs);
  await waitForListen(nsFor('redis-0'), 6379);
  for (const role of ['ratings', 'details', 'reviews', 'productpage'])
    for (const pod of byRuns(role)) service(nsFor(pod.name), role, { ...certs, ...(pod.env ?? {}) });
  for (const pod of [...byRuns('ratings'), ...byRuns('productpage')])
    await waitForListen(nsFor(pod.name), 9080);
  for (const pod of byRuns('ratings')) await waitForListen(nsFor(pod.name), 9090);
  const loadgenPod = byRuns('loadgenerator')[0] as DemoPod;
  const loadgen = service(nsFor(loadgenPod.name), 'loadgen', {
    DURATION_MS: values['duration-ms'] ?? '45000',
  });
  await new Promise((resolve) => loadgen.once('exit', resolve));
  await sleep(1500);
  const incidentAt = Date.now();
  const curl = (from: string, url: string) => inNs(nsFor(from), 'curl', '-sS', '--max-time', '5', url);
  curl(loadgenPod.name, `http://productpage.bookinfo.svc.cluster.local:9080${demoIncident.attack.path}`);
  const details = byRuns('details')[0] as DemoPod;
  curl(details.name, `http://ratings.bookinfo.svc.cluster.local:9080${demoIncident.offGraph.path}`);
  await stopTcpdump(tcpdump, 1500);
  const out = join(root, 'demo');
  mkdirSync(out, { recursive: true });
  copyFileSync(pcap, join(out, 'capture.pcap'));
  const manifest = {
    generatedBy: 'scripts/demo-capture/capture.ts (npm run demo:capture)',
    generatedAt: new Date().toISOString(),
    capture: 'capture.pcap',
    incidentAt,
    incident: demoIncident,
    pods: demoPods.map(({ runs: _runs, env: _env, ...pod }) => pod),
    externals: demoExternals.map(({ runs: _runs, ...ext }) => ext),
    callGraph: demoCallGraph,
  };
  writeFileSync(join(out, 'pods.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote demo/capture.pcap (${statSync(pcap).size} bytes) and demo/pods.json`);
};

cleanUpOnSignals();

try {
  await main();
} finally {
  await cleanup();
}
