/** The tap's counters and gauges, rendered in the Prometheus text exposition format (version 0.0.4). */

export type MetricKind = 'counter' | 'gauge';
export type MetricDefinition = { name: string; kind: MetricKind; help: string };

export const tapMetricDefinitions = [
  { name: 'meshward_tap_packets_total', kind: 'counter', help: 'Packets read from the live capture.' },
  {
    name: 'meshward_tap_capture_bytes_total',
    kind: 'counter',
    help: 'Captured bytes read from the live capture.',
  },
  { name: 'meshward_tap_flows_total', kind: 'counter', help: 'Flows the engine ended and reported.' },
  {
    name: 'meshward_tap_findings_sent_total',
    kind: 'counter',
    help: 'Findings delivered to the control plane.',
  },
  {
    name: 'meshward_tap_findings_dropped_total',
    kind: 'counter',
    help: 'Findings dropped because the queue was full or refused.',
  },
  { name: 'meshward_tap_batches_failed_total', kind: 'counter', help: 'Batch send attempts that failed.' },
  { name: 'meshward_tap_captures_total', kind: 'counter', help: 'Packet captures written and uploaded.' },
  {
    name: 'meshward_tap_commands_accepted_total',
    kind: 'counter',
    help: 'Signed commands verified and executed.',
  },
  {
    name: 'meshward_tap_commands_rejected_total',
    kind: 'counter',
    help: 'Commands rejected (signature, expiry, audience, replay).',
  },
  {
    name: 'meshward_tap_capture_restarts_total',
    kind: 'counter',
    help: 'Times the capture process was restarted.',
  },
  {
    name: 'meshward_tap_connections_refused_total',
    kind: 'counter',
    help: 'New connections protect mode refused (not in the allow-list), from the iptables counters.',
  },
  { name: 'meshward_tap_allow_list', kind: 'gauge', help: '1 while a protect-mode allow-list is enforced.' },
  { name: 'meshward_tap_queue_findings', kind: 'gauge', help: 'Findings waiting to be sent.' },
  { name: 'meshward_tap_ring_bytes', kind: 'gauge', help: 'Bytes held in the packet ring buffer.' },
  { name: 'meshward_tap_quarantined', kind: 'gauge', help: '1 while the pod is quarantined.' },
  { name: 'meshward_tap_capture_up', kind: 'gauge', help: '1 while the capture process is running.' },
] as const satisfies readonly MetricDefinition[];

export type TapMetricName = (typeof tapMetricDefinitions)[number]['name'];

export type TapMetrics = {
  add(name: TapMetricName, by?: number): void;
  set(name: TapMetricName, value: number): void;
  get(name: TapMetricName): number;
  /** Counters and gauges keyed by a short name, for the heartbeat. */
  snapshot(): Record<string, number>;
  render(): string;
};

export const createTapMetrics = (): TapMetrics => {
  const values = new Map<string, number>(tapMetricDefinitions.map((metric) => [metric.name, 0]));
  return {
    add: (name, by = 1) => values.set(name, (values.get(name) ?? 0) + by),
    set: (name, value) => values.set(name, value),
    get: (name) => values.get(name) ?? 0,
    snapshot: () =>
      Object.fromEntries([...values].map(([name, value]) => [name.replace(/^meshward_tap_/, ''), value])),
    render: () =>
      tapMetricDefinitions
        .map(
          (metric) =>
            `# HELP ${metric.name} ${metric.help}\n# TYPE ${metric.name} ${metric.kind}\n${metric.name} ${values.get(metric.name) ?? 0}\n`,
        )
        .join(''),
  };
};
