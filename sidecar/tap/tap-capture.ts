/** The tap's live capture: tcpdump with the filter that leaves out its own traffic, under the restarting supervisor. */
import { spawn } from 'node:child_process';
import { captureFilter } from './capture-filter.ts';
import { type CaptureProcess, superviseCapture } from './supervise-capture.ts';
import type { TapContext } from './tap-context.ts';
import { tcpdumpArgs } from './tcpdump-args.ts';

export const tapCapture = (
  shared: TapContext,
  spawnCapture: ((program: string, args: string[]) => CaptureProcess) | undefined,
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
    spawnCapture ?? ((program, argv) => spawn(program, argv, { stdio: ['ignore', 'pipe', 'pipe'] }));
  return superviseCapture({
    start: () => start(config.tcpdumpPath, args),
    consume: (stdout) => consume(stdout),
    onStart: (pid) => log('info', 'capture started', { pid, args }),
    onListening: (pid) => log('info', 'capture listening', { pid, iface: config.captureInterface }),
    onExit: (event) => {
      metrics.add('meshward_tap_capture_restarts_total');
      log('warn', 'capture exited', { ...event, stderr: event.stderr.trim().slice(-500) });
    },
  });
};
