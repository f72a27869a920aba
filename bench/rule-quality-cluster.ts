/** An emulated cluster for the rule-quality figure: pods with IPs and owners, their taps' batches, the learner. */
import type { Finding, FlowFinding } from '#core/finding.ts';
import type { PodRef } from '#core/workload.ts';
import type { LearnConfig } from '#functions/learn/learn-config.ts';
import { type LearnOutcome, learnBatch } from '#functions/learn/run.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import type { AppGraph, AppWorkload } from './rule-quality-apps.ts';
import type { Call } from './rule-quality-traffic.ts';

type Pod = { ref: PodRef; ip: string; workload: AppWorkload };

/** The node's address: kubelet probes come from it, over the host network. */
export const nodeIp = '10.128.0.1';
const hash = '7d9c5b6f4d';
const epoch = Date.UTC(2026, 10, 26);

export const timeAt = (second: number): string => new Date(epoch + second * 1000).toISOString();

const l7Of = (workload: AppWorkload, call: Pick<Call, 'method' | 'path'>): FlowFinding['l7'] => {
  if (workload.protocol === 'grpc') return { grpc: { methods: [call.path.slice(1)] } };
  if (workload.protocol === 'redis') return { redis: { commands: [call.method] } };
  return { http: { methods: [call.method], paths: [call.path], statuses: ['200'] } };
};

export class EmulatedCluster {
  readonly store = openSqliteStore(':memory:');
  readonly pods = new Map<string, Pod>();
  readonly #pending = new Map<string, Finding[]>();
  readonly #config: LearnConfig;
  #port = 32768;
  #batch = 0;
  #nextIp = 10;

  constructor(
    readonly graph: AppGraph,
    config: LearnConfig,
    readonly subnet: string,
  ) {
    this.#config = config;
    for (const workload of graph.workloads) this.startPod(workload.name);
  }

  /** Starts (or restarts) a workload's pod, optionally on a given (reused) IP. */
  startPod(name: string, ip = `${this.subnet}.${this.#nextIp++}`): Pod {
    const workload = this.graph.workloads.find((w) => w.name === name);
    if (workload === undefined) throw new Error(`no workload ${name}`);
    const suffix = `p${this.#nextIp}`;
    const ref = {
      namespace: this.graph.namespace,
      name: `${name}-${hash}-${suffix}`,
      uid: `${name}-${suffix}-${ip}`,
    };
    const pod = { ref, ip, workload };
    this.pods.set(name, pod);
    return pod;
  }

  #report(pod: Pod, finding: Finding) {
    this.#pending.set(pod.ref.uid, [...(this.#pending.get(pod.ref.uid) ?? []), finding]);
  }

  /** One call, as both taps see it; returns the client port, which identifies the flow. */
  call(call: Call, second: number, port?: number): number {
    const client = this.pods.get(call.from);
    const server = this.pods.get(call.to);
    if (client === undefined || server === undefined) throw new Error(`no pod for ${call.from} → ${call.to}`);
    this.#port = this.#port >= 60999 ? 32768 : this.#port + 1;
    const flow = this.#flow(client.ip, server, port ?? server.workload.port, call, second);
    this.#report(client, flow);
    this.#report(server, flow);
    return flow.client.port;
  }

  #flow(
    clientIp: string,
    server: Pod,
    port: number,
    call: Pick<Call, 'method' | 'path'>,
    second: number,
  ): FlowFinding {
    const l7 = l7Of(server.workload, call);
    const finding: FlowFinding = {
      type: 'flow',
      transport: 'tcp',
      client: { ip: clientIp, port: this.#port },
      server: { ip: server.ip, port },
      protocol: server.workload.protocol,
      confidence: 'dpi',
      encrypted: false,
      bytes: { toServer: 200, toClient: 800 },
      packets: { toServer: 3, toClient: 3 },
      firstSeen: timeAt(second),
      lastSeen: timeAt(second + 0.05),
    };
    if (l7 !== undefined) finding.l7 = l7;
    return finding;
  }

  /** Kubelet's probes of every serving pod, from the node (host network: never attributed to a workload). */
  probe(second: number) {
    for (const pod of this.pods.values()) {
      if (pod.workload.port === 0) continue;
      this.#port += 1;
      const path = pod.workload.protocol === 'grpc' ? '/grpc.health.v1.Health/Check' : '/_healthz';
      const flow = this.#flow(nodeIp, pod, pod.workload.port, { method: 'GET', path }, second);
      if (pod.workload.protocol === 'redis')
        Object.assign(flow, { protocol: 'unknown', confidence: 'partial', l7: undefined });
      this.#report(pod, flow);
    }
  }

  /** Every tap sends its batch (heartbeat first) and the learner takes it in. */
  async flush(second: number): Promise<LearnOutcome[]> {
    const outcomes: LearnOutcome[] = [];
    for (const pod of this.pods.values()) {
      const heartbeat: Finding = {
        type: 'heartbeat',
        ips: [pod.ip],
        owner: { kind: 'ReplicaSet', name: `${pod.workload.name}-${hash}` },
        labels: { ...pod.workload.labels, 'pod-template-hash': hash },
        at: timeAt(second),
      };
      const findings = [heartbeat, ...(this.#pending.get(pod.ref.uid) ?? [])];
      this.#pending.delete(pod.ref.uid);
      const input = { batchId: `b${this.#batch++}`, pod: pod.ref, receivedAt: timeAt(second), findings };
      outcomes.push(await learnBatch(input, { store: this.store, config: this.#config }));
    }
    return outcomes;
  }
}
