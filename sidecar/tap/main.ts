/** Composition root of `meshward tap`: wires identity, capture, engine, reporting, commands, captures, enforcement, health. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Finding } from '#core/finding.ts';
import type { Mode } from '#core/mode.ts';
import { annotationCommands } from '../commands/annotation-commands.ts';
import { createReplayCache } from '../commands/replay-cache.ts';
import { createCommandVerifier } from '../commands/verify-command.ts';
import { type CommandRunner, runCommand } from '../enforce/command-runner.ts';
import { loadEnforcementState, saveEnforcementState } from '../enforce/enforcement-state.ts';
import { createEnforcer, type Enforcer } from '../enforce/enforcer.ts';
import { createEngine } from '../engine/create-engine.ts';
import { defaultObservers } from '../engine/default-observers.ts';
import { createHealthServer } from '../health/health-server.ts';
import { createTapMetrics, type TapMetrics } from '../health/tap-metrics.ts';
import type { PodIdentity } from '../identity/pod-identity.ts';
import { readPodIdentity } from '../identity/pod-identity.ts';
import { watchPodInfo } from '../identity/watch-pod-info.ts';
import { createCaptureRecorder } from '../pcap/capture-recorder.ts';
import { createPacketRing } from '../pcap/packet-ring.ts';
import { createCaptureUploader } from '../pcap/upload-capture.ts';
import { createFindingQueue } from '../report/finding-queue.ts';
import { heartbeatFinding } from '../report/heartbeat.ts';
import { createHttpsSender } from '../report/https-sender.ts';
import { createReporter, type Reporter } from '../report/reporter.ts';
import { captureFilter } from './capture-filter.ts';
import { type CommandOutcome, createCommandDispatch } from './command-dispatch.ts';
import { commandKeys } from './command-keys.ts';
import { type ControlPlaneAddress, controlPlaneAddress } from './control-plane-address.ts';
import { createLivePipeline } from './live-pipeline.ts';
import { type CaptureProcess, superviseCapture } from './supervise-capture.ts';
import { type TapConfig, tapConfigFromEnv } from './tap-config.ts';
import { type TapLog, tapLog } from './tap-log.ts';
import { tcpdumpArgs } from './tcpdump-args.ts';

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

type Shared = {
  config: TapConfig;
  log: TapLog;
  metrics: TapMetrics;
  cp: ControlPlaneAddress;
  ca: string | undefined;
};

const buildEnforcer = async (shared: Shared, run: CommandRunner): Promise<Enforcer | undefined> => {
  const { config, cp, log, metrics } = shared;
  if (!config.enforce) return undefined;
  const enforcer = createEnforcer({
    run,
    channel: {
      controlPlaneIps: cp.ips,
      controlPlanePort: cp.port,
      metricsPort: config.metricsPort,
      ...(config.hostIp === undefined ? {} : { hostIps: [config.hostIp] }),
    },
    persist: async (state) => {
      metrics.set('meshward_tap_quarantined', state.quarantined ? 1 : 0);
      await saveEnforcementState(config.statePath, state);
    },
  });
  const previous = await loadEnforcementState(config.statePath);
  try {
    await enforcer.apply(previous);
    if (previous.quarantined) log('warn', 're-applied quarantine after restart', { reason: previous.reason });
  } catch (error) {
    log('error', 'cannot apply enforcement state', { error: String(error) });
  }
  return enforcer;
};

const buildReporter = (
  shared: Shared,
  identity: () => PodIdentity,
  onCommands: (tokens: string[]) => void,
): Reporter => {
  const { config, metrics, log } = shared;
  const queue = createFindingQueue(config.queueMaxFindings);
  return createReporter({
    queue,
    send: createHttpsSender({
      url: config.controlPlaneUrl,
      tokenPath: config.tokenPath,
      ...(shared.ca === undefined ? {} : { ca: shared.ca }),
    }),
    pod: () => {
      const { namespace, name, uid } = identity();
      return { namespace, name, uid };
    },
    maxBatch: config.batchMaxFindings,
    maxDelayMs: config.batchMaxDelayMs,
    onCommands,
    onResult: (result, batch) => {
      metrics.set('meshward_tap_queue_findings', queue.size());
      if (result.ok) {
        metrics.add('meshward_tap_findings_sent_total', batch.findings.length);
        return;
      }
      metrics.add('meshward_tap_batches_failed_total');
      log('warn', 'batch not delivered', {
        batchId: batch.batchId,
        reason: result.reason,
        retry: result.retry,
      });
    },
  });
};

const buildCommands = (
  shared: Shared,
  state: { identity: PodIdentity; mode: Mode },
  targets: {
    enforcer: Enforcer | undefined;
    recorder: ReturnType<typeof createCaptureRecorder>;
    report: (f: Finding[]) => void;
  },
) => {
  const { log, metrics } = shared;
  const keys = commandKeys(shared.config);
  if (keys === undefined)
    log('warn', 'no command keys configured (MESHWARD_COMMAND_JWKS*): every command will be rejected');
  const verify =
    keys === undefined
      ? async () => ({ ok: false as const, reason: 'no command keys configured' })
      : createCommandVerifier({ keys, podUid: () => state.identity.uid, replay: createReplayCache() });
  const unavailable = async () => {
    throw new Error('enforcement is disabled (MESHWARD_ENFORCE=false)');
  };
  const dispatch = createCommandDispatch(verify, {
    quarantine: (reason) => targets.enforcer?.quarantine(reason) ?? unavailable(),
    release: () => targets.enforcer?.release() ?? unavailable(),
    setMode: (mode) => {
      state.mode = mode;
    },
    capture: async (request) => {
      const outcome = await targets.recorder.record(request);
      if (outcome.ok) metrics.add('meshward_tap_captures_total');
      else log('warn', 'capture failed', { commandId: outcome.commandId, reason: outcome.reason });
      return outcome;
    },
    report: targets.report,
  });
  return async (tokens: readonly string[]) => {
    const outcomes = await dispatch(tokens);
    for (const outcome of outcomes) {
      metrics.add(
        outcome.ok ? 'meshward_tap_commands_accepted_total' : 'meshward_tap_commands_rejected_total',
      );
      log(outcome.ok ? 'info' : 'warn', outcome.ok ? 'command executed' : 'command rejected', outcome);
    }
    return outcomes;
  };
};

const buildCapture = (
  shared: Shared,
  deps: TapDeps,
  consume: (stdout: NodeJS.ReadableStream) => Promise<void>,
) => {
  const { config, cp, log, metrics } = shared;
  const filter = captureFilter({
    controlPlaneIps: cp.ips,
    controlPlanePort: cp.port,
    metricsPort: config.metricsPort,
  });
  const args = tcpdumpArgs({ iface: config.captureInterface, snaplen: config.snaplen, filter });
  const start =
    deps.spawnCapture ?? ((program, argv) => spawn(program, argv, { stdio: ['ignore', 'pipe', 'pipe'] }));
  return superviseCapture({
    start: () => start(config.tcpdumpPath, args),
    consume: (stdout) => consume(stdout),
    onStart: (pid) => log('info', 'capture started', { pid, args }),
    onExit: (event) => {
      metrics.add('meshward_tap_capture_restarts_total');
      log('warn', 'capture exited', { ...event, stderr: event.stderr.trim().slice(-500) });
    },
  });
};

/** The annotation fallback: each token is handled once (the annotation is re-read on every pod update). */
const annotationInbox = (handle: (tokens: readonly string[]) => Promise<CommandOutcome[]>) => {
  const seen = new Set<string>();
  return (annotations: Record<string, string>) => {
    const fresh = annotationCommands(annotations).filter((token) => !seen.has(token));
    if (fresh.length === 0) return;
    if (seen.size > 4096) seen.clear();
    for (const token of fresh) seen.add(token);
    void handle(fresh);
  };
};

const shareConfig = async (deps: TapDeps): Promise<Shared> => {
  const config = tapConfigFromEnv(deps.env);
  const cp = await controlPlaneAddress(config.controlPlaneUrl, deps.resolveHost);
  const ca = config.caFile === undefined ? undefined : readFileSync(config.caFile, 'utf8');
  return { config, log: deps.log ?? tapLog(), metrics: createTapMetrics(), cp, ca };
};

export const startTap = async (deps: TapDeps): Promise<RunningTap> => {
  const shared = await shareConfig(deps);
  const { config, log, metrics } = shared;
  const state = { identity: await readPodIdentity(deps.env), mode: config.mode };
  const enforcer = await buildEnforcer(shared, deps.run ?? runCommand);
  const ring = createPacketRing({ maxBytes: config.ringMaxBytes, maxSeconds: config.ringMaxSeconds });
  const recorder = createCaptureRecorder({
    ring,
    upload: createCaptureUploader(shared.ca === undefined ? {} : { ca: shared.ca }),
  });
  let reporter: Reporter | undefined;
  const report = (findings: Finding[]) => {
    metrics.add('meshward_tap_findings_dropped_total', reporter?.add(findings) ?? findings.length);
  };
  const handleCommands = buildCommands(shared, state, { enforcer, recorder, report });
  reporter = buildReporter(
    shared,
    () => state.identity,
    (tokens) => void handleCommands(tokens),
  );
  // Live flows report sooner than a file's: a closed flow after 2 s, a long-lived one every 5 minutes.
  const engine = createEngine({
    observers: defaultObservers(),
    limits: { flows: { closedLingerMs: 2_000, maxLifetimeMs: 300_000 } },
  });
  const pipeline = createLivePipeline({ engine, observe: recorder.observe, report, metrics });
  const supervisor = buildCapture(shared, deps, (stdout) => pipeline.consume(stdout as never));
  const heartbeat = () =>
    heartbeatFinding(
      state.identity,
      { mode: state.mode, quarantined: enforcer?.state().quarantined ?? false, counters: metrics.snapshot() },
      Date.now(),
    );
  const health = createHealthServer({
    live: () => ({ ok: true }),
    ready: () =>
      supervisor.current()?.exitCode === null
        ? { ok: true }
        : { ok: false, reason: 'capture is not running' },
    metrics: () => {
      metrics.set('meshward_tap_ring_bytes', ring.stats().bytes);
      return metrics.render();
    },
  });
  const metricsPort = await health.listen(config.metricsPort);
  const fromAnnotations = annotationInbox(handleCommands);
  const { labels, annotations } = state.identity;
  const watcher = deps.env.MESHWARD_PODINFO_DIR
    ? watchPodInfo(deps.env.MESHWARD_PODINFO_DIR, { labels, annotations }, (info) => {
        state.identity = { ...state.identity, ...info };
        fromAnnotations(info.annotations);
      })
    : undefined;
  const captureStop = new AbortController();
  const reportStop = new AbortController();
  report([heartbeat()]);
  const timers = [
    setInterval(() => report([heartbeat()]), config.heartbeatSeconds * 1000),
    setInterval(() => pipeline.drain(Date.now()), 2_000),
  ];
  const capturing = supervisor.run(captureStop.signal);
  const sending = reporter.run(reportStop.signal);
  fromAnnotations(annotations);
  log('info', 'tap started', {
    pod: `${state.identity.namespace}/${state.identity.name}`,
    controlPlane: shared.cp,
    metricsPort,
  });
  const stop = async () => {
    for (const timer of timers) clearInterval(timer);
    watcher?.close();
    captureStop.abort();
    await capturing;
    report([...engine.flush(), heartbeat()]);
    reportStop.abort();
    await sending;
    await enforcer?.teardown();
    await health.close();
    log('info', 'tap stopped', metrics.snapshot());
  };
  return { metricsPort, identity: () => state.identity, metrics, enforcer, handleCommands, stop };
};
