/** Every bound the inspection engine keeps, so hostile or huge traffic costs bounded memory. */
import { defaultFragmentLimits, type FragmentLimits } from '../decode/ip-fragments.ts';
import { defaultFlowLimits, type FlowLimits } from '../flow/flow-limits.ts';
import { defaultReassemblyLimits, type ReassemblyLimits } from '../reassembly/stream-reassembler.ts';

export type EngineLimits = {
  flows: FlowLimits;
  reassembly: ReassemblyLimits;
  fragments: FragmentLimits;
  /** Bytes of each direction kept for protocol detection. */
  prefixBytes: number;
  /**
   * Detection attempts after which a flow the detectors still want more of is `unknown` (for UDP: datagrams). The
   * first half run on every data packet, later ones only as the kept bytes grow (detection-pacing.ts).
   */
  detectionAttempts: number;
  /** Data packets (both directions) after which detection ends whatever the detectors say. */
  maxDetectionPackets: number;
  /**
   * Bytes of each direction a parser reads when nobody but the flow's L7 summary wants its events (no observer
   * with `onEvent`): past it the direction is only counted, not reassembled or parsed, as nDPI stops inspecting
   * a flow once it is classified. Infinity = parse every byte.
   */
  summaryBytes: number;
  /** Bytes of each direction kept as hex evidence for an unknown flow (hex is twice as long). */
  evidenceBytes: number;
  /** Out-of-order bytes held across all flows; past it, the flow being fed gives up its holes. */
  maxHeldBytes: number;
  /** Capture-time interval between idle-flow sweeps. */
  expireEveryMs: number;
  /** Findings held between two `flush` calls; more are counted as dropped. */
  maxPendingFindings: number;
};

export const defaultEngineLimits: EngineLimits = {
  flows: defaultFlowLimits,
  reassembly: defaultReassemblyLimits,
  fragments: defaultFragmentLimits,
  prefixBytes: 4096,
  detectionAttempts: 24,
  maxDetectionPackets: 1024,
  summaryBytes: 32 * 1024,
  evidenceBytes: 64,
  maxHeldBytes: 64 * 1024 * 1024,
  expireEveryMs: 1000,
  maxPendingFindings: 100_000,
};

export type EngineLimitsInput = Partial<Omit<EngineLimits, 'flows' | 'reassembly' | 'fragments'>> & {
  flows?: Partial<FlowLimits>;
  reassembly?: Partial<ReassemblyLimits>;
  fragments?: Partial<FragmentLimits>;
};

export const resolveLimits = (input: EngineLimitsInput = {}): EngineLimits => ({
  ...defaultEngineLimits,
  ...input,
  flows: { ...defaultFlowLimits, ...input.flows },
  reassembly: { ...defaultReassemblyLimits, ...input.reassembly },
  fragments: { ...defaultFragmentLimits, ...input.fragments },
});
