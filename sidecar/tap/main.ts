/** Composition root of `meshward tap`: wires identity, capture, engine, reporting, commands, captures, enforcement, health. */
import type { Finding } from '#core/finding.ts';
import type { Mode } from '#core/mode.ts';
import { type CommandRunner, runCommand } from '../enforce/command-runner.ts';
import type { Enforcer } from '../enforce/enforcer.ts';
import { protectBlocks } from '../enforce/protect-blocks.ts';
import { createEngine } from '../engine/create-engine.ts';
import { defaultObservers } from '../engine/default-observers.ts';
import { createHealthServer } from '../health/health-server.ts';
import type { TapMetrics } from '../health/tap-metrics.ts';
import { type PodIdentity, readPodIdentity } from '../identity/pod-identity.ts';
import { watchPodInfo } from '../identity/watch-pod-info.ts';
import { createCaptureRecorder } from '../pcap/capture-recorder.ts';
import { createPacketRing, type PacketRing } from '../pcap/packet-ring.ts';
import { createCaptureUploader } from '../pcap/upload-capture.ts';
import { withHeader } from '../protocols/trusted-proxies.ts';
import { heartbeatFinding } from '../report/heartbeat.ts';
import type { Reporter } from '../report/reporter.ts';
import { annotationInbox } from './annotation-inbox.ts';
import type { CommandOutcome } from './command-dispatch.ts';
import { createLivePipeline, type LivePipeline } from './live-pipeline.ts';
import type { CaptureProcess } from './supervise-capture.ts';
import { tapCapture } from './tap-capture.ts';
import { tapCommands } from './tap-commands.ts';
import { createTapContext, type TapContext } from './tap-context.ts';
import { tapEnforcer } from './tap-enforcer.ts';
import type { TapLog } from './tap-log.ts';
import { tapReporter } from './tap-reporter.ts';

export type TapDeps = {
  env: NodeJS.ProcessEnv;
  log?: TapLog;
  spawnCapture?: (program: string, args: string[]) => CaptureProcess;
  run?: CommandRunner;
  resolveHost?: (host: string) => Promise<string[]>;
};

export type RunningTap = {
  metricsPort: number;
  identity: () => PodIdentity;
  metrics: TapMetrics;
  enforcer: Enforcer | undefined;
  /** Handles signed commands as if they came from the control plane (the annotation fallback uses this too). */
  handleCommands: (tokens: readonly string[]) => Promise<CommandOutcome[]>;
  stop: () => Promise<void>;
};

type TapState = { identity: PodIdentity; mode: Mode };

type Parts = {
  ctx: TapContext;
  state: TapState;
  enforcer: Enforcer | undefined;
  ring: PacketRing;
  reporter: Reporter;
  report: (findings: Finding[]) => void;
  handleCommands: RunningTap['handleCommands'];
  engine: ReturnType<typeof createEngine>;
  pipeline: LivePipeline;
  supervisor: ReturnType<typeof tapCapture>;
  recorder: ReturnType<typeof createCaptureRecorder>;
};

/** In protect mode a high-severity attack cuts its peer off (for a while); the findings go to the reporter either way. */
const protect =
  (state: TapState, enforcer: Enforcer | undefined, ctx: TapContext) => (findings: Finding[]) => {
    if (state.mode !== 'protect' || enforcer === undefined) return;
    const blocks = protectBlocks(findings, { podIps: state.identity.ips, now: Date.now() });
    if (blocks.length === 0) return;
    enforcer
      .block(blocks)
      .catch((error: unknown) => ctx.log('error', 'cannot block', { error: String(error), blocks }));
    ctx.log('warn', 'protect mode: cut peers carrying attacks', { blocks });
  };

const buildParts = async (deps: TapDeps): Promise<Parts> => {
  const ctx = await createTapContext(deps.env, deps.log, deps.resolveHost);
  const { config, metrics } = ctx;
  const state: TapState = { identity: await readPodIdentity(deps.env), mode: config.mode };
  const enforcer = await tapEnforcer(ctx, deps.run ?? runCommand);
  // An allow-list only exists in protect mode: a restarted tap resumes it (its heartbeat tells the control plane).
  if (enforcer?.state().allowList !== undefined) state.mode = 'protect';
  const ring = createPacketRing({ maxBytes: config.ringMaxBytes, maxSeconds: config.ringMaxSeconds });
  const recorder = createCaptureRecorder({
    ring,
    upload: createCaptureUploader(ctx.ca === undefined ? {} : { ca: ctx.ca }),
  });
  const guard = protect(state, enforcer, ctx);
  let reporter: Reporter | undefined;
  const report = (findings: Finding[]) => {
    guard(findings);
    metrics.add('meshward_tap_findings_dropped_total', reporter?.add(findings) ?? findings.length);
  };
  const handleCommands = tapCommands(ctx, state, { enforcer, recorder, report });
  reporter = tapReporter(
    ctx,
    () => state.identity,
    (tokens) => void handleCommands(tokens),
  );
  const trustedProxies = withHeader(ctx.config.trustedProxies, ctx.config.forwardedHeader);
  // Live flows report sooner than a file's: a closed flow after 2 s, a long-lived one every 5 minutes.
  const engine = createEngine({
    observers: defaultObservers({ trustedProxies }),
    // Flow findings list the clients the trusted proxies named (ADR 31).
    trustedProxies,
    limits: { flows: { closedLingerMs: 2_000, maxLifetimeMs: 300_000 } },
    // Packets from outside that claim the pod's own address are dropped by its kernel, and by the engine.
    localAddresses: state.identity.ips,
  });
  const pipeline = createLivePipeline({ engine, observe: recorder.observe, report, metrics });
  const supervisor = tapCapture(ctx, deps.spawnCapture, (stdout) => pipeline.consume(stdout as never));
  return {
    ctx,
    state,
    enforcer,
    ring,
    reporter,
    report,
    handleCommands,
    engine,
    pipeline,
    supervisor,
    recorder,
  };
};

const heartbeatOf = (parts: Parts) => () =>
  heartbeatFinding(
    parts.state.identity,
    {
      mode: parts.state.mode,
      quarantined: parts.enforcer?.state().quarantined ?? false,
      counters: parts.ctx.metrics.snapshot(),
    },
    Date.now(),
  );

/**
 * Readiness does not wait for the capture: a tap that cannot capture must never hold the application's pod out of
 * its Service (a native sidecar's readiness counts for the pod). Capture health is the `capture_up` gauge instead.
 */
const healthOf = (parts: Parts) =>
  createHealthServer({
    live: () => ({ ok: true }),
    ready: () => ({ ok: true }),
    metrics: () => {
      parts.ctx.metrics.set('meshward_tap_ring_bytes', parts.ring.stats().bytes);
      parts.ctx.metrics.set('meshward_tap_capture_up', parts.supervisor.listening() ? 1 : 0);
      return parts.ctx.metrics.render();
    },
  });

/** Watches labels/annotations: identity follows relabels, new annotation commands are handled. */
const watchPod = (parts: Parts, dir: string | undefined) => {
  const fromAnnotations = annotationInbox(parts.handleCommands);
  const { labels, annotations } = parts.state.identity;
  fromAnnotations(annotations);
  if (dir === undefined || dir === '') return undefined;
  return watchPodInfo(dir, { labels, annotations }, (info) => {
    parts.state.identity = { ...parts.state.identity, ...info };
    fromAnnotations(info.annotations);
  });
};

/** The allow-list's refusals (iptables' counters) and whether one is enforced, as metrics; new refusals are logged. */
const refusedCounter = (parts: Parts) => {
  let logged = 0;
  return async () => {
    const enforcer = parts.enforcer;
    if (enforcer === undefined) return;
    parts.ctx.metrics.set('meshward_tap_allow_list', enforcer.state().allowList === undefined ? 0 : 1);
    const refused = await enforcer.refused().catch(() => undefined);
    if (refused === undefined) return;
    parts.ctx.metrics.set('meshward_tap_connections_refused_total', refused);
    if (refused > logged)
      parts.ctx.log('warn', 'protect mode refused new connections', {
        since: refused - logged,
        total: refused,
      });
    logged = refused;
  };
};

/** Waits for `work`, but no longer than `ms`; the timer never outlives the wait. */
const atMost = async (work: Promise<unknown>, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
};

export const startTap = async (deps: TapDeps): Promise<RunningTap> => {
  const parts = await buildParts(deps);
  const { ctx, enforcer, engine, pipeline, report } = parts;
  const heartbeat = heartbeatOf(parts);
  const countRefused = refusedCounter(parts);
  const health = healthOf(parts);
  const metricsPort = await health.listen(ctx.config.metricsPort);
  const [captureStop, reportStop] = [new AbortController(), new AbortController()];
  report([heartbeat()]);
  const timers = [
    setInterval(() => report([heartbeat()]), ctx.config.heartbeatSeconds * 1000),
    setInterval(() => pipeline.drain(Date.now()), 2_000),
    // Expired protect-mode blocks are taken out; the allow-list's refusals are counted.
    setInterval(() => void enforcer?.block([]).catch(() => {}), 30_000),
    setInterval(() => void countRefused(), 10_000),
  ];
  const capturing = parts.supervisor.run(captureStop.signal);
  const sending = parts.reporter.run(reportStop.signal);
  const watcher = watchPod(parts, deps.env.MESHWARD_PODINFO_DIR);
  ctx.log('info', 'tap started', {
    pod: `${parts.state.identity.namespace}/${parts.state.identity.name}`,
    controlPlane: ctx.cp,
    metricsPort,
  });
  // Bounded: Kubernetes kills the container after its grace period, so local clean-up (iptables)
  // comes first and the last batches get at most a few seconds.
  const stop = async () => {
    for (const timer of timers) clearInterval(timer);
    watcher?.close();
    captureStop.abort();
    // Captures still in their after-window upload what they have now, in the reporter's last seconds.
    parts.recorder.finish();
    await enforcer?.teardown();
    await atMost(capturing, 3_000);
    report([...engine.flush(), heartbeat()]);
    reportStop.abort();
    await atMost(sending, 5_000);
    await health.close();
    ctx.log('info', 'tap stopped', ctx.metrics.snapshot());
  };
  return {
    metricsPort,
    identity: () => parts.state.identity,
    metrics: ctx.metrics,
    enforcer,
    handleCommands: parts.handleCommands,
    stop,
  };
};
