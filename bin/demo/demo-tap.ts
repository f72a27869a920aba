/** One emulated tap: its pod's packets through a real engine, findings posted over HTTPS with a pod token, like `meshward tap`. */
import type { Finding } from '#core/finding.ts';
import type { PacketRecord } from '#sidecar/capture/packet-record.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import type { PodIdentity } from '#sidecar/identity/pod-identity.ts';
import { createFindingQueue } from '#sidecar/report/finding-queue.ts';
import { heartbeatFinding } from '#sidecar/report/heartbeat.ts';
import { createHttpsSender } from '#sidecar/report/https-sender.ts';
import { createReporter, type Reporter } from '#sidecar/report/reporter.ts';
import type { DemoManifestPod } from './demo-manifest.ts';

export type DemoTapOptions = {
  pod: DemoManifestPod;
  /** Base URL of the control plane this process serves. */
  url: string;
  ca: string;
  /** A pod token minted by the local issuer for this pod (what the kubelet would project). */
  token: () => Promise<string>;
  sleep?: (ms: number) => Promise<void>;
};

export type DemoTap = {
  pod: DemoManifestPod;
  /** Queues a heartbeat at `at` (epoch ms): the pod's IP, labels, owner and service account. */
  heartbeat(at: number): void;
  /** Runs packets through a fresh engine and queues every finding; returns how many. */
  replay(records: readonly PacketRecord[]): Finding[];
  /** Sends until the queue is empty; failures are retried a few times, then counted. */
  deliver(): Promise<{ sent: number; failed: number }>;
  reporter: Reporter;
};

const identityOf = (pod: DemoManifestPod): PodIdentity => ({
  namespace: pod.namespace,
  name: pod.name,
  uid: pod.uid,
  ips: [pod.ip],
  serviceAccount: pod.serviceAccount,
  labels: pod.labels,
  annotations: {},
  owner: pod.owner,
});

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const createDemoTap = (options: DemoTapOptions): DemoTap => {
  const identity = identityOf(options.pod);
  const reporter = createReporter({
    queue: createFindingQueue(100_000),
    send: createHttpsSender({
      url: options.url,
      tokenPath: 'minted by the local issuer',
      ca: options.ca,
      readToken: () => options.token(),
    }),
    pod: () => ({ namespace: identity.namespace, name: identity.name, uid: identity.uid }),
    maxBatch: 500,
  });
  const sleep = options.sleep ?? defaultSleep;
  return {
    pod: options.pod,
    reporter,
    heartbeat: (at) => {
      reporter.add([heartbeatFinding(identity, { mode: 'discover', quarantined: false, counters: {} }, at)]);
    },
    replay: (records) => {
      const engine = createEngine({ observers: defaultObservers() });
      for (const record of records) engine.push(record);
      const findings = engine.flush();
      reporter.add(findings);
      return findings;
    },
    deliver: async () => {
      let sent = 0;
      let failed = 0;
      for (;;) {
        const result = await reporter.sendOnce();
        if (result === 'empty') return { sent, failed };
        if (result === 'sent') sent += 1;
        else if (++failed > 5) return { sent, failed };
        else await sleep(200 * failed);
      }
    },
  };
};
