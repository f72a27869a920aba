/**
 * The tap's cost at a given packet rate, on this machine: the real `meshward tap` (with its tcpdump) in a network
 * namespace, mixed DNS and HTTP traffic at a fixed rate on the namespace's lo, CPU from /proc and RSS; run once
 * through tsx and once from the esbuild bundle. Root only.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTlsMaterial } from '#functions/local/tls-material.ts';
import { buildTapBundle } from '#infra/image/build-tap-bundle.ts';

export type TapRuntime = 'tsx' | 'bundle';

export type TapBenchRow = {
  /** How the tap ran: TypeScript through tsx (the CLI in development) or the esbuild bundle (the image). */
  runtime: TapRuntime;
  targetPps: number;
  /** What the generator managed to send (it shares the CPUs with the tap). */
  generatedPps: number;
  capturedPps: number;
  /** Packets on lo during the run (the kernel's counter), and the share of them the tap never counted. */
  wirePackets: number;
  lossPercent: number;
  /** CPU time over wall time, in % of one core. */
  tapCpuPercent: number;
  /** Tap CPU time per captured packet: what the load on this shared machine does not distort. */
  tapCpuMicrosPerPacket: number;
  tcpdumpCpuPercent: number;
  /** RSS when the tap had started, before this rate's traffic. */
  tapIdleRssMiB: number;
  tapPeakRssMiB: number;
  findingsSent: number;
};
export type TapBenchResult = {
  rows: TapBenchRow[];
  seconds: number;
  traffic: string;
  cpus: number;
  /** 1-minute load average at the end: on a shared machine, a starved tap captures less than was sent. */
  loadAverage: number;
  /** Size of the esbuild bundle the `bundle` rows ran. */
  bundleKiB: number;
  /** Packets the kernel dropped before tcpdump read them, over each run, as tcpdump reports at exit. */
  tcpdumpKernelDrops: Partial<Record<TapRuntime, number>>;
};

const root = join(import.meta.dirname, '..');
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sh = (...argv: string[]) => execFileSync(argv[0] ?? 'false', argv.slice(1), { encoding: 'utf8' });
const ticksPerSecond = Number(sh('getconf', 'CLK_TCK').trim()) || 100;

/** utime + stime of a process, in seconds (proc(5), fields 14 and 15). */
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
};
const rssMiB = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const childPids = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);

/**
 * Mixed traffic on the namespace's lo, about half the packets each way: DNS A queries over UDP (one packet each,
 * RFC 1035 4.1) and HTTP/1.1 over TCP (keep-alive requests of ~4 packets, every 20th on a fresh connection, so
 * flows start and end). `pps` is the target for all packets together; the kernel's lo counter says what was sent.
 */
const generatorScript = (pps: number, seconds: number) => `
const dgram = require('dgram'); const http = require('http');
const sink = dgram.createSocket('udp4'); sink.bind(5353, '127.0.0.1');
const sockets = Array.from({ length: 64 }, () => dgram.createSocket('udp4'));
const name = 'catalog.shop.svc.cluster.local'.split('.').map((l) => String.fromCharCode(l.length) + l).join('') + '\\0';
const query = Buffer.concat([Buffer.from([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from(name, 'latin1'), Buffer.from([0, 1, 0, 1])]);
const server = http.createServer((q, s) => s.end('{"items":[1,2,3]}')).listen(9080, '127.0.0.1');
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
let dns = 0, requests = 0, inflight = 0; const t0 = performance.now();
const get = () => { requests++; inflight++; const fresh = requests % 20 === 0;
  const req = http.get({ host: '127.0.0.1', port: 9080, path: '/api/v1/items/' + (requests % 100), agent: fresh ? false : agent, headers: fresh ? { connection: 'close' } : {} }, (res) => { res.resume(); res.on('end', () => inflight--); });
  req.on('error', () => inflight--); };
const timer = setInterval(() => {
  const due = ((performance.now() - t0) / 1000) * ${pps} / 2;
  while (dns < due) { query.writeUInt16BE(dns & 0xffff, 0); sockets[dns % 64].send(query, 5353, '127.0.0.1'); dns++; }
  while (requests * 4 < due && inflight < 256) get();
}, 5);
setTimeout(() => { clearInterval(timer); console.log('sent ' + (dns + requests * 4)); setTimeout(() => process.exit(0), 200); }, ${seconds * 1000});
`;

const metric = async (base: string, name: string): Promise<number> => {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
};

type Pod = { ns: string; hostIp: string; podIp: string; remove: () => void };

const createPod = (): Pod => {
  const id = Math.floor(Math.random() * 0xffff).toString(16);
  const ns = `mw-bench-${id}`;
  const subnet = `10.215.${1 + Math.floor(Math.random() * 250)}`;
  sh('ip', 'netns', 'add', ns);
  sh('ip', 'link', 'add', `mwbh${id}`, 'type', 'veth', 'peer', 'name', `mwbp${id}`);
  sh('ip', 'link', 'set', `mwbp${id}`, 'netns', ns);
  sh('ip', 'addr', 'add', `${subnet}.1/24`, 'dev', `mwbh${id}`);
  sh('ip', 'link', 'set', `mwbh${id}`, 'up');
  sh('ip', 'netns', 'exec', ns, 'ip', 'addr', 'add', `${subnet}.2/24`, 'dev', `mwbp${id}`);
  sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', `mwbp${id}`, 'up');
  sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
  mkdirSync(`/etc/netns/${ns}`, { recursive: true });
  writeFileSync(`/etc/netns/${ns}/hosts`, `127.0.0.1 localhost\n${subnet}.1 meshward.meshward.svc\n`);
  return {
    ns,
    hostIp: `${subnet}.1`,
    podIp: `${subnet}.2`,
    remove: () => {
      execFileSync('ip', ['netns', 'delete', ns]);
      rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
    },
  };
};

/** A control plane that accepts every batch, so the tap's reporting path runs as in production. */
const startSink = async (pod: Pod, dir: string) => {
  const tls = await ensureTlsMaterial(dir, 'meshward');
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"commands":[]}'));
  });
  await new Promise<void>((resolve) => server.listen(0, pod.hostIp, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    caFile: join(tls.dir, 'ca.crt'),
    close: () => server.close(),
  };
};

const startTapProcess = (
  pod: Pod,
  dir: string,
  sink: { port: number; caFile: string },
  bundle: string | undefined,
): Promise<{ child: ChildProcess; log: () => string }> =>
  new Promise((resolve, reject) => {
    writeFileSync(join(dir, 'token'), 'bench-token');
    const env = {
      ...process.env,
      MESHWARD_POD_NAME: 'bench-5d8f7b9c4-q7xkz',
      MESHWARD_POD_NAMESPACE: 'bench',
      MESHWARD_POD_UID: 'bench-uid',
      MESHWARD_POD_IP: pod.podIp,
      MESHWARD_CONTROL_PLANE_URL: `https://meshward.meshward.svc:${sink.port}`,
      MESHWARD_TOKEN_PATH: join(dir, 'token'),
      MESHWARD_CA_FILE: sink.caFile,
      MESHWARD_ENFORCE: 'false',
      MESHWARD_STATE_PATH: join(dir, 'state.json'),
      MESHWARD_TAP_BUNDLE: bundle ?? 'none',
    };
    const child = spawn(
      'ip',
      ['netns', 'exec', pod.ns, process.execPath, join(root, 'bin', 'meshward.js'), 'tap'],
      { env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let out = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"capture started"')) resolve({ child, log: () => out });
    });
    child.once('exit', (code) => reject(new Error(`tap exited ${code}: ${out}`)));
  });

/** Packets that crossed the namespace's lo (its own counter: what was really on the wire for tcpdump to see). */
const loPackets = (pod: Pod): number => {
  const [link] = JSON.parse(sh('ip', '-n', pod.ns, '-s', '-j', 'link', 'show', 'lo')) as {
    stats64: { rx: { packets: number } };
  }[];
  return link?.stats64.rx.packets ?? 0;
};

/** The generator's run: its own count of packets sent, printed when it stops. */
const generate = (pod: Pod, pps: number, seconds: number) => {
  const child = spawn(
    'ip',
    ['netns', 'exec', pod.ns, process.execPath, '-e', generatorScript(pps, seconds)],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise<number>((resolve) =>
    child.once('exit', () => resolve(Number(/sent (\d+)/.exec(out)?.[1] ?? 0))),
  );
};

/** Runs one rate: a warm-up second, then `seconds` of measurement (CPU deltas, RSS sampled every 250 ms). */
const measure = async (
  pod: Pod,
  tapPid: number,
  pps: number,
  seconds: number,
  runtime: TapRuntime,
): Promise<TapBenchRow> => {
  const base = `http://${pod.podIp}:15090`;
  const idle = rssMiB(tapPid);
  const before = await metric(base, 'meshward_tap_packets_total');
  const wireBefore = loPackets(pod);
  const generated = generate(pod, pps, seconds + 1);
  // Warm-up: the generator's node starts, the rate settles.
  await wait(1_000);
  const tcpdumpPid =
    childPids(tapPid).find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'tcpdump') ?? tapPid;
  const start = {
    tap: cpuSeconds(tapPid),
    tcpdump: cpuSeconds(tcpdumpPid),
    packets: await metric(base, 'meshward_tap_packets_total'),
    at: performance.now(),
  };
  let peak = rssMiB(tapPid);
  for (let t = 0; t < seconds * 4; t++) {
    await wait(250);
    peak = Math.max(peak, rssMiB(tapPid));
  }
  const elapsed = (performance.now() - start.at) / 1000;
  const packets = (await metric(base, 'meshward_tap_packets_total')) - start.packets;
  const cpu = { tap: cpuSeconds(tapPid) - start.tap, tcpdump: cpuSeconds(tcpdumpPid) - start.tcpdump };
  await generated;
  await wait(1_000);
  const onWire = loPackets(pod) - wireBefore;
  const counted = (await metric(base, 'meshward_tap_packets_total')) - before;
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    runtime,
    targetPps: pps,
    generatedPps: Math.round(onWire / (seconds + 1)),
    capturedPps: Math.round(packets / elapsed),
    wirePackets: onWire,
    lossPercent: onWire === 0 ? 0 : round(Math.max(0, (100 * (onWire - counted)) / onWire)),
    tapCpuPercent: round((cpu.tap / elapsed) * 100),
    tapCpuMicrosPerPacket: packets === 0 ? 0 : round((cpu.tap * 1e6) / packets),
    tcpdumpCpuPercent: round((cpu.tcpdump / elapsed) * 100),
    tapIdleRssMiB: round(idle),
    tapPeakRssMiB: round(peak),
    findingsSent: await metric(base, 'meshward_tap_findings_sent_total'),
  };
};

/** tcpdump's own statistics, which it prints when the tap stops it (and the tap logs). */
const kernelDrops = (log: string): number | undefined => {
  const match = /(\d+) packets dropped by kernel/.exec(log);
  return match?.[1] === undefined ? undefined : Number(match[1]);
};

const stopTap = async (tap: { child: ChildProcess; log: () => string }) => {
  tap.child.kill('SIGTERM');
  await new Promise((resolve) =>
    tap.child.exitCode === null ? tap.child.once('exit', resolve) : resolve(undefined),
  );
  return kernelDrops(tap.log());
};

/** One tap process through every rate. */
const runRates = async (
  pod: Pod,
  dir: string,
  sink: { port: number; caFile: string },
  runtime: TapRuntime,
  bundle: string | undefined,
  rates: readonly number[],
  seconds: number,
) => {
  const tap = await startTapProcess(pod, dir, sink, runtime === 'bundle' ? bundle : undefined);
  try {
    // Settle after start (module loading, the first heartbeat) before the idle RSS is read.
    await wait(2_000);
    const rows: TapBenchRow[] = [];
    for (const pps of rates) rows.push(await measure(pod, tap.child.pid ?? 0, pps, seconds, runtime));
    return { rows, drops: await stopTap(tap) };
  } catch (error) {
    await stopTap(tap);
    throw error;
  }
};

export const runTapBench = async (
  options: { rates?: number[]; seconds?: number; runtimes?: TapRuntime[] } = {},
): Promise<TapBenchResult> => {
  if (process.getuid?.() !== 0) throw new Error('the tap benchmark needs root (network namespace, tcpdump)');
  const rates = options.rates ?? [1_000, 5_000, 20_000];
  const seconds = options.seconds ?? 4;
  const runtimes = options.runtimes ?? ['tsx', 'bundle'];
  const pod = createPod();
  const dir = mkdtempSync(join(tmpdir(), 'meshward-tap-bench-'));
  const sink = await startSink(pod, dir);
  const bundle = await buildTapBundle(join(root, 'bench', 'work', 'tap.mjs'));
  try {
    const rows: TapBenchRow[] = [];
    const tcpdumpKernelDrops: Partial<Record<TapRuntime, number>> = {};
    for (const runtime of runtimes) {
      const run = await runRates(pod, dir, sink, runtime, bundle, rates, seconds);
      rows.push(...run.rows);
      if (run.drops !== undefined) tcpdumpKernelDrops[runtime] = run.drops;
    }
    return {
      rows,
      seconds,
      cpus: Number(sh('nproc').trim()),
      loadAverage: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
      bundleKiB: Math.round(statSync(bundle).size / 1024),
      tcpdumpKernelDrops,
      traffic:
        'mixed on lo: half DNS A queries over UDP, half HTTP/1.1 GETs over TCP keep-alive (every 20th on a new connection)',
    };
  } finally {
    sink.close();
    pod.remove();
  }
};
