/** Holds detector state: one per flow for flow-scoped detectors (bounded, dropped at flow end), one global otherwise. */
import type { Threat } from '../threat.ts';
import { boundedMap } from './bounded-map.ts';

export type DetectorStates = {
  // biome-ignore lint/suspicious/noExplicitAny: any detector.
  of(threat: Threat<any, any>, flowKey: string | undefined): unknown;
  endFlow(flowKey: string): void;
};

const newStates = () => new Map<string, unknown>();

export const detectorStates = (maxFlows: number): DetectorStates => {
  const perFlow = boundedMap<Map<string, unknown>>(maxFlows);
  const global = new Map<string, unknown>();
  /** Detectors whose initial state is undefined keep none: no per-flow bookkeeping for them. */
  const stateless = new Set<string>();
  return {
    of(threat, flowKey) {
      if (stateless.has(threat.id)) return undefined;
      const states =
        threat.scope === 'global' || flowKey === undefined ? global : perFlow.upsert(flowKey, newStates);
      if (states.has(threat.id)) return states.get(threat.id);
      const initial = threat.initialState();
      if (initial === undefined) stateless.add(threat.id);
      else states.set(threat.id, initial);
      return initial;
    },
    endFlow: (flowKey) => perFlow.delete(flowKey),
  };
};
