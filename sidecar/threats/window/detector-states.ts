/** Holds detector state: one per flow for flow-scoped detectors (bounded, dropped at flow end), one global otherwise. */
import type { Threat } from '../threat.ts';
import { boundedMap } from './bounded-map.ts';

export type DetectorStates = {
  // biome-ignore lint/suspicious/noExplicitAny: any detector.
  of(threat: Threat<any, any>, flowKey: string | undefined): unknown;
  endFlow(flowKey: string): void;
};

/** A flow's (or the global) states, by each detector's slot; `absent` where a detector has none yet. */
type States = unknown[];
const absent = Symbol('absent');
const newStates = (): States => [];

export const detectorStates = (maxFlows: number): DetectorStates => {
  const perFlow = boundedMap<States>(maxFlows);
  const global: States = [];
  /** Slots by detector id (two detector objects with one id share their state, as keyed by id before). */
  const slots = new Map<string, number>();
  /** Detectors whose initial state is undefined keep none: no per-flow bookkeeping for them. */
  const stateless = new Set<string>();
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
  return {
    of(threat, flowKey) {
      if (stateless.has(threat.id)) return undefined;
      const states = threat.scope === 'global' || flowKey === undefined ? global : flowStates(flowKey);
      const slot = slotOf(threat.id);
      const known = slot < states.length ? states[slot] : absent;
      if (known !== absent) return known;
      const initial = threat.initialState();
      if (initial === undefined) stateless.add(threat.id);
      else {
        while (states.length < slot) states.push(absent);
        states[slot] = initial;
      }
      return initial;
    },
    endFlow(flowKey) {
      perFlow.delete(flowKey);
      if (flowKey === lastKey) lastKey = undefined;
    },
  };
};
