/** Runs capture commands: packets from before the trigger (the ring) and for the requested time after, as one pcap. */
import type { CaptureFinding } from '#core/finding.ts';
import { type FlowSelector, flowFilter } from './flow-filter.ts';
import type { PacketRing } from './packet-ring.ts';
import { type StoredPacket, writePcap } from './pcap-writer.ts';
import { type CaptureUploader, captureLocation } from './upload-capture.ts';

export type CaptureRequest = {
  commandId: string;
  beforeSeconds: number;
  afterSeconds: number;
  flow?: FlowSelector;
  uploadUrl: string;
};

export type CaptureOutcome =
  | { ok: true; finding: CaptureFinding; bytes: Buffer }
  | { ok: false; commandId: string; reason: string };

export type CaptureRecorderOptions = {
  ring: PacketRing;
  upload: CaptureUploader;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Most bytes one capture may collect after its trigger; later packets are left out. */
  maxBytesAfter?: number;
};

type Live = { keep: (packet: StoredPacket) => boolean; packets: StoredPacket[]; bytes: number };

export const createCaptureRecorder = (options: CaptureRecorderOptions) => {
  const now = options.now ?? Date.now;
  /** Wakes every capture still in its after-window (`finish`). */
  const waking = new Set<() => void>();
  const timed = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        waking.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      waking.add(wake);
    });
  const sleep = options.sleep ?? timed;
  const maxBytesAfter = options.maxBytesAfter ?? 32 * 1024 * 1024;
  const live = new Set<Live>();
  let captures = 0;
  /** The tap is stopping: a capture asked for now (the last exchange's commands) does not wait for its after-window. */
  let finished = false;

  /** Every live packet: into the ring, and into each capture that is recording. */
  const observe = (packet: StoredPacket) => {
    options.ring.push(packet);
    for (const session of live) {
      if (session.bytes + packet.data.length > maxBytesAfter || !session.keep(packet)) continue;
      session.packets.push({ ...packet, data: Uint8Array.prototype.slice.call(packet.data) });
      session.bytes += packet.data.length;
    }
  };

  const record = async (request: CaptureRequest): Promise<CaptureOutcome> => {
    const trigger = now();
    const keep = request.flow === undefined ? () => true : flowFilter(request.flow);
    const before = options.ring.since(trigger - request.beforeSeconds * 1000).filter(keep);
    const session: Live = { keep, packets: [], bytes: 0 };
    live.add(session);
    try {
      if (request.afterSeconds > 0 && !finished) await sleep(request.afterSeconds * 1000);
    } finally {
      live.delete(session);
    }
    const packets = [...before, ...session.packets];
    const pcap = writePcap(packets);
    const uploaded = await options.upload(request.uploadUrl, pcap.bytes);
    if (!uploaded.ok) return { ok: false, commandId: request.commandId, reason: uploaded.reason };
    captures += 1;
    const finding: CaptureFinding = {
      type: 'capture',
      commandId: request.commandId,
      location: captureLocation(request.uploadUrl),
      packets: pcap.packets,
      bytes: pcap.bytes.length,
      from: new Date(trigger - request.beforeSeconds * 1000).toISOString(),
      to: new Date(now()).toISOString(),
    };
    return { ok: true, finding, bytes: pcap.bytes };
  };

  /**
   * The tap is stopping: every capture still recording ends its after-window now and uploads what it has, and one
   * asked for later (commands in the reporter's last exchange) does not wait at all, rather than keep the process
   * alive for the rest of it (up to minutes) after it was told to stop.
   */
  const finish = (): void => {
    finished = true;
    for (const wake of [...waking]) wake();
  };

  return { observe, record, finish, stats: () => ({ captures, recording: live.size }) };
};
