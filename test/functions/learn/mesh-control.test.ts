/** Mesh control plane recognition: istiod and linkerd are control plane, gateways and apps are not. */
import { describe, expect, it } from 'vitest';
import { isMeshControlEdge, isMeshControlGroup } from '#functions/learn/mesh-control.ts';

describe('mesh control', () => {
  it('recognises the control planes by namespace and name', () => {
    expect(isMeshControlGroup('istio-system', 'istiod')).toBe(true);
    expect(isMeshControlGroup('istio-system', 'istio-ingressgateway')).toBe(false);
    expect(isMeshControlGroup('linkerd', 'linkerd-destination')).toBe(true);
    expect(isMeshControlGroup('linkerd-viz', 'tap')).toBe(true);
    expect(isMeshControlGroup('shop', 'istiod-proxy-cache')).toBe(true);
    expect(isMeshControlGroup('shop', 'frontend')).toBe(false);
  });

  it('marks edges to the control plane or on a mesh port', () => {
    const app = { type: 'group' as const, namespace: 'shop', name: 'frontend' };
    const istiod = { type: 'group' as const, namespace: 'istio-system', name: 'istiod' };
    const node = { type: 'cidr' as const, cidr: '10.128.0.1/32' };
    expect(isMeshControlEdge({ from: app, to: istiod, port: 443 })).toBe(true);
    expect(isMeshControlEdge({ from: node, to: app, port: 15021 })).toBe(true);
    expect(isMeshControlEdge({ from: app, to: app, port: 8080 })).toBe(false);
  });
});
