/** Splits a capture into what each pod's tap would see: the packets to or from that pod's IP, in capture order. */
import type { PacketRecord } from '#sidecar/capture/packet-record.ts';
import { addressText } from '#sidecar/decode/decoded-packet.ts';
import { createPacketDecoder } from '#sidecar/decode/packet-decoder.ts';

export type PhasedRecords = { baseline: PacketRecord[]; incident: PacketRecord[] };

/** Per pod IP, its packets before `incidentAt` (the baseline) and from it on (the incident). */
export const podRecords = (
  records: readonly PacketRecord[],
  ips: readonly string[],
  incidentAt: number,
): Map<string, PhasedRecords> => {
  const out = new Map<string, PhasedRecords>(ips.map((ip) => [ip, { baseline: [], incident: [] }]));
  const decoder = createPacketDecoder();
  for (const record of records) {
    const outcome = decoder.decode(record);
    if (outcome !== 'ok' && outcome !== 'fragment') continue;
    const phase = record.ts < incidentAt ? 'baseline' : 'incident';
    const { src, dst } = addressText(decoder.packet);
    out.get(src)?.[phase].push(record);
    if (dst !== src) out.get(dst)?.[phase].push(record);
  }
  return out;
};

/** The same packets, their capture times moved by `offsetMs` (so a replay happens now). */
export const shifted = (records: readonly PacketRecord[], offsetMs: number): PacketRecord[] =>
  records.map((record) => ({ ...record, ts: record.ts + offsetMs }));
