/** Allowed registries: host, host:port and host/path prefixes, with docker.io implied for short names. */
import { describe, expect, it } from 'vitest';
import { allowedRegistries } from '#functions/admission/checks/allowed-registries.ts';
import { podViewOf } from '#functions/admission/checks/pod-view.ts';

const images = (...list: string[]) => {
  const view = podViewOf({
    kind: 'Pod',
    spec: { containers: list.map((image, i) => ({ name: `c${i}`, image })) },
  });
  if (view === undefined) throw new Error('no view');
  return view;
};
const params = { registries: ['ghcr.io/acme', 'registry.internal:5000', 'docker.io/library'] };

describe('allowedRegistries', () => {
  it('allows prefixes at path boundaries only', () => {
    expect(
      allowedRegistries.evaluate(
        images('ghcr.io/acme/web:1', 'nginx:1.27', 'registry.internal:5000/x:1'),
        params,
        {},
      ),
    ).toEqual([]);
    const issues = allowedRegistries.evaluate(
      images('ghcr.io/acme-evil/web:1', 'registry.internal/x:1', 'bitnami/redis:7'),
      params,
      {},
    );
    expect(issues.map((issue) => issue.path)).toEqual([
      'spec.containers[0].image',
      'spec.containers[1].image',
      'spec.containers[2].image',
    ]);
    expect(issues[1]?.message).toBe(
      'container "c1" uses image "registry.internal/x:1" from registry registry.internal, which is not allowed',
    );
    expect(issues[0]?.allowed).toBe('ghcr.io/acme, registry.internal:5000, docker.io/library');
  });
});
