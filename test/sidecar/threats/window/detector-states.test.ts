import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Threat } from '#sidecar/threats/threat.ts';
import { boundedMap } from '#sidecar/threats/window/bounded-map.ts';
import { detectorStates } from '#sidecar/threats/window/detector-states.ts';

type AnyThreat = Threat<any, any>;

/** The straightforward model: a map of states by detector id per flow key, first in first out at the bound. */
const reference = (maxFlows: number) => {
  const perFlow = boundedMap<Map<string, unknown>>(maxFlows);
  const global = new Map<string, unknown>();
  const stateless = new Set<string>();
  return {
    of(threat: AnyThreat, flowKey: string | undefined): unknown {
      if (stateless.has(threat.id)) return undefined;
      const states =
        threat.scope === 'global' || flowKey === undefined
          ? global
          : perFlow.upsert(flowKey, () => new Map());
      if (states.has(threat.id)) return states.get(threat.id);
      const initial = threat.initialState();
      if (initial === undefined) stateless.add(threat.id);
      else states.set(threat.id, initial);
      return initial;
    },
    endFlow: (flowKey: string) => perFlow.delete(flowKey),
  };
};

const detector = (id: string, scope: 'flow' | 'global', stateful: boolean): AnyThreat =>
  ({ id, scope, initialState: () => (stateful ? { id } : undefined) }) as unknown as AnyThreat;
const detectors = [
  detector('a', 'flow', true),
  detector('b', 'flow', true),
  detector('c', 'flow', false),
  detector('d', 'global', true),
  detector('a', 'flow', true),
];

const operation = fc.record({
  end: fc.boolean(),
  threat: fc.integer({ min: 0, max: detectors.length - 1 }),
  flow: fc.option(fc.constantFrom('f1', 'f2', 'f3', 'f4'), { nil: undefined }),
});

describe('detectorStates', () => {
  it('hands out the states the plain per-flow map does, through evictions, flow ends and runs of one flow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(operation, { maxLength: 300 }), (max, ops) => {
        const states = detectorStates(max);
        const model = reference(max);
        // States are fresh objects: compare which earlier answer each one is (or a new one).
        const seen = [new Map<unknown, number>(), new Map<unknown, number>()];
        const name = (side: 0 | 1, value: unknown) => {
          if (value === undefined) return -1;
          const map = seen[side] as Map<unknown, number>;
          if (!map.has(value)) map.set(value, map.size);
          return map.get(value);
        };
        for (const { end, threat, flow } of ops) {
          if (end && flow !== undefined) {
            states.endFlow(flow);
            model.endFlow(flow);
            continue;
          }
          const t = detectors[threat] as AnyThreat;
          // Half the calls through a kept slot, as the runner asks.
          const state = threat % 2 === 0 ? states.of(t, flow) : states.at(t, states.slotOf(t), flow);
          expect(name(0, state)).toBe(name(1, model.of(t, flow)));
        }
      }),
    );
  });
});
