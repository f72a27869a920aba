/** `meshward tap`: the sidecar. Captures the pod's traffic, inspects it, reports findings and obeys signed commands. */
import { parseArgs } from 'node:util';
import { startTap } from '#sidecar/tap/main.ts';
import type { CliCommand } from '../command.ts';

const usage = `Usage: meshward tap

Runs the meshward tap inside a pod (the injected sidecar). Configuration comes from the environment the
mutating webhook sets:
  MESHWARD_POD_NAME, MESHWARD_POD_NAMESPACE, MESHWARD_POD_UID, MESHWARD_POD_IP(S), MESHWARD_NODE_NAME,
  MESHWARD_SERVICE_ACCOUNT   the pod's identity (downward API)
  MESHWARD_PODINFO_DIR       downward-API labels and annotations files (watched)
  MESHWARD_CONTROL_PLANE_URL where findings go (POST /findings)
  MESHWARD_TOKEN_PATH        the projected service-account token (re-read before each send)
  MESHWARD_MODE              discover | monitor | protect
Optional: MESHWARD_CA_FILE or MESHWARD_CA_PEM (the control plane's CA; the injector sets MESHWARD_CA_PEM from
  inject.caBundle), MESHWARD_COMMAND_JWKS / _FILE / _URL (command-signing keys),
  MESHWARD_CAPTURE_INTERFACE (any), MESHWARD_SNAPLEN, MESHWARD_METRICS_PORT (15090), MESHWARD_STATE_PATH,
  MESHWARD_RING_MAX_BYTES, MESHWARD_RING_MAX_SECONDS, MESHWARD_QUEUE_MAX_FINDINGS, MESHWARD_BATCH_MAX_FINDINGS,
  MESHWARD_BATCH_MAX_DELAY_MS, MESHWARD_HEARTBEAT_SECONDS, MESHWARD_ENFORCE (true), MESHWARD_HOST_IP,
  MESHWARD_TRUSTED_PROXIES (comma-separated addresses and CIDRs of proxies in front of the pod, whose
  X-Forwarded-For / Forwarded headers are read a hop further; none by default), MESHWARD_FORWARDED_HEADER
  (x-forwarded-for | forwarded | x-real-ip: the one header those proxies write; unset, the first of them there).
In protect mode it enforces the allow-list the control plane signs and re-sends with every heartbeat answer
(new connections the learned rules do not allow are refused; see docs/adr/0005-protect-mode-allow-list.md).
MESHWARD_TAP_BUNDLE=PATH runs a prebuilt esbuild bundle instead of the sources (the image does this by default).
Stops on SIGTERM or SIGINT: sends what it can, removes its iptables rules, and exits.`;

const waitForSignal = () =>
  new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });

export const tapCommand: CliCommand = {
  name: 'tap',
  summary: 'run the sidecar tap: live capture, findings, signed commands, captures, quarantine',
  usage,
  async run(args) {
    parseArgs({ args, options: {}, strict: true });
    const tap = await startTap({ env: process.env });
    await waitForSignal();
    await tap.stop();
    return 0;
  },
};
