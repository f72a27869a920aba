/** Holds detector state: one per flow for flow-scoped detectors (bounded, dropped at flow end), one global otherwise. */
import type { Threat } from '../threat.ts';
import { boundedMap } from './bounded-map.ts';

// biome-ignore lint/suspicious/noExplicitAny: any detector.
type AnyThreat = Threat<any, any>;

export type DetectorStates = {
  of(threat: AnyThreat, flowKey: string | undefined): unknown;
  /** The detector's slot (shared by detectors with one id): a caller that keeps it skips a lookup per call. */
  slotOf(threat: AnyThreat): number;
  /** `of`, with the detector's slot from `slotOf`. */
  at(threat: AnyThreat, slot: number, flowKey: string | undefined): unknown;
  endFlow(flowKey: string): void;
};

/** A flow's (or the global) states, by each detector's slot; `absent` where a detector has none yet. */
type States = unknown[];
const absent = Symbol('absent');
const newStates = (): States => [];

/** Sets `list[slot]`, padding the slots before it (kept packed, never holey). */
const fill = <T>(list: T[], slot: number, padding: T, value: T): void => {
  while (list.length < slot) list.push(padding);
  list[slot] = value;
};

export const detectorStates = (maxFlows: number): DetectorStates => {
  const perFlow = boundedMap<States>(maxFlows);
  const global: States = [];
  /** Slots by detector id (two detector objects with one id share their state, as keyed by id before). */
  const slots = new Map<string, number>();
  /** Slots of detectors whose initial state is undefined: they keep none, no per-flow bookkeeping for them. */
  const stateless: boolean[] = [];
  /** The last flow asked about: events come in runs per flow, and each asks for every stateful detector. */
  let lastKey: string | undefined;
  let lastStates: States = global;
  const flowStates = (flowKey: string): States => {
    if (flowKey !== lastKey) {
      // A new key may evict the oldest flow's states, never this one's: the memory is exact.
      lastStates = perFlow.upsert(flowKey, newStates);
      lastKey = flowKey;
    }
    return lastStates;
  };
  const slotOf = (id: string): number => {
    let slot = slots.get(id);
    if (slot === undefined) {
      slot = slots.size;
      slots.set(id, slot);
    }
    return slot;
  };
  const at = (threat: AnyThreat, slot: number, flowKey: string | undefined): unknown => {
    if (stateless[slot] === true) return undefined;
    const states = threat.scope === 'global' || flowKey === undefined ? global : flowStates(flowKey);
    const known = slot < states.length ? states[slot] : absent;
    if (known !== absent) return known;
    const initial = threat.initialState();
    if (initial === undefined) fill(stateless, slot, false, true);
    else fill(states, slot, absent, initial);
    return initial;
  };
  return {
    of: (threat, flowKey) => at(threat, slotOf(threat.id), flowKey),
    slotOf: (threat) => slotOf(threat.id),
    at,
    endFlow(flowKey) {
      perFlow.delete(flowKey);
      if (flowKey === lastKey) lastKey = undefined;
    },
  };
};
