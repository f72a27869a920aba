/** What the inspection engine tells observers (threat detection, ring buffer, metrics) as it runs. */
import type { Finding } from '#core/finding.ts';
import type { EngineView } from './engine/engine-view.ts';
import type { EventRead } from './engine/event-read.ts';
import type { ProtocolEvent } from './events.ts';
import type { FlowContext, PacketClass, PacketEvent } from './threats/threat.ts';

export type ObservedFlow = FlowContext & { key: string };

export type EngineObserver = {
  /**
   * Every decoded packet of the classes in `packets` (all when absent), before flow lookup. The engine refills one
   * event per packet: copy what you keep.
   */
  onPacket?(packet: PacketEvent): void;
  /**
   * The packets `onPacket` reads (ADR 0015): the engine builds no event for others (most packets are segments of
   * established connections). Absent: every decoded packet, of any class or none.
   */
  packets?: readonly PacketClass[];
  /** Called once, when the engine is created: what the observer may ask the engine later (between its calls too). */
  attach?(view: EngineView): void;
  /** Capture time moved on (ms): called about once a second of it, before idle flows are ended. */
  onTick?(now: number): void;
  /** Every layer-7 event, with the flow it belongs to. */
  onEvent?(flow: ObservedFlow, event: ProtocolEvent): void;
  /**
   * The events `onEvent` reads, so the engine parses a direction only as far as some observer reads it (ADR 0009).
   * Absent: every event of every kind, both directions (each direction of every flow is parsed to its end).
   */
  reads?: readonly EventRead[];
  /** A flow ended (FIN/RST, idle, evicted, or end of capture). */
  onFlowEnd?(flow: ObservedFlow): void;
  /** Findings accumulated since the last call (threats and the like); called at window ends and at the end. */
  drain?(now: number): Finding[];
};
