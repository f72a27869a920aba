/** The rule-quality figure on a short run: perfect scores here are measured, and the graphs come from the corpus. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRuleQuality, runRuleQuality } from '#bench/rule-quality.ts';
import { bookinfo, corpusApps, onlineBoutique } from '#bench/rule-quality-apps.ts';

const present = existsSync(`${corpusApps}/online-boutique/kubernetes-manifests.yaml`);

describe('rule quality', () => {
  it.skipIf(!present)('derives the call graphs from the manifests', () => {
    const ob = onlineBoutique();
    expect(ob.edges).toHaveLength(16);
    expect(ob.edges).toContainEqual({
      from: 'checkoutservice',
      to: 'emailservice',
      port: 8080,
      protocol: 'grpc',
    });
    expect(ob.edges).toContainEqual({ from: 'cartservice', to: 'redis-cart', port: 6379, protocol: 'redis' });
    expect(ob.edges.some((e) => e.to.startsWith('shoppingassistant'))).toBe(false);
    expect(bookinfo().edges.map((e) => `${e.from}>${e.to}`)).toEqual([
      'productpage-v1>details-v1',
      'productpage-v1>reviews-v1',
      'productpage-v1>reviews-v2',
      'productpage-v1>reviews-v3',
      'reviews-v2>ratings-v1',
      'reviews-v3>ratings-v1',
    ]);
  });

  it.skipIf(!present)('learns every true edge and nothing else, and flags injected calls', async () => {
    const apps = await runRuleQuality({ learnMinutes: 5, monitorMinutes: 1, requestsPerSecond: 1 });
    for (const app of apps) {
      const last = app.checkpoints.at(-1);
      expect(last?.precision, app.app).toBe(1);
      expect(last?.protocolsRight, app.app).toBe(last?.truePositives);
      for (const injection of app.injections)
        expect(injection.detected, injection.kind).toBe(injection.calls);
    }
    const boutique = apps[0];
    expect(boutique?.checkpoints[0]?.recall).toBeLessThan(1);
    expect(apps.find((a) => a.grouping === 'label app')?.trueEdges).toBe(3);
    expect(renderRuleQuality(apps)).toContain('| minute | calls |');
  });
});
