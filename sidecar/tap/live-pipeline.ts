/** One capture stream through the tap: every record into the ring buffer and the engine, ended flows to the reporter. */
import type { Readable } from 'node:stream';
import type { Finding } from '#core/finding.ts';
import type { PacketRecord } from '../capture/packet-record.ts';
import { streamCapture } from '../capture/stream-capture.ts';
import type { TapMetrics } from '../health/tap-metrics.ts';

export type PacketSink = { push(record: PacketRecord): void; flush(now?: number): Finding[] };

export type LivePipeline = {
  /** Reads one pcap stream (one tcpdump run) to its end. */
  consume(stdout: Readable): Promise<void>;
  /** Reports flows that ended by `now` (called on a timer too, so idle flows are reported without new packets). */
  drain(now: number): void;
};

export const createLivePipeline = (deps: {
  engine: PacketSink;
  observe: (record: PacketRecord) => void;
  report: (findings: Finding[]) => void;
  metrics: TapMetrics;
  drainEveryMs?: number;
}): LivePipeline => {
  const every = deps.drainEveryMs ?? 1_000;
  let lastDrain = 0;
  const drain = (now: number) => {
    lastDrain = now;
    const findings = deps.engine.flush(now);
    if (findings.length === 0) return;
    deps.metrics.add(
      'meshward_tap_flows_total',
      findings.filter((finding) => finding.type === 'flow').length,
    );
    deps.report(findings);
  };
  const consume = async (stdout: Readable) => {
    for await (const batch of streamCapture(stdout)) {
      let last = 0;
      for (const record of batch.records) {
        deps.metrics.add('meshward_tap_packets_total');
        deps.metrics.add('meshward_tap_capture_bytes_total', record.data.length);
        deps.observe(record);
        deps.engine.push(record);
        last = record.ts;
      }
      if (last - lastDrain >= every) drain(last);
    }
  };
  return { consume, drain };
};
