/** Runtime sockets: the socket itself or any directory above it, with path normalisation. */
import { describe, expect, it } from 'vitest';
import { podViewOf } from '#functions/admission/checks/pod-view.ts';
import { runtimeSocketMounts } from '#functions/admission/checks/runtime-socket-mounts.ts';

const params = runtimeSocketMounts.params.parse({});
const mounting = (path: string) => {
  const view = podViewOf({
    kind: 'Deployment',
    spec: { template: { spec: { volumes: [{ name: 'v', hostPath: { path } }] } } },
  });
  if (view === undefined) throw new Error('no view');
  return runtimeSocketMounts.evaluate(view, params, {});
};

describe('runtimeSocketMounts', () => {
  it.each(['/var/run/docker.sock', '/var/run', '/var/run/', '/run/containerd', '/', '/var/run/../run/crio'])(
    'flags %s',
    (path) => {
      const [issue] = mounting(path);
      expect(issue?.path).toBe('spec.template.spec.volumes[0].hostPath.path');
      expect(issue?.value).toBe(JSON.stringify(path));
    },
  );

  it.each(['/var/log', '/var/run-data', '/run/containerd-logs', '/var/lib/docker'])('allows %s', (path) => {
    expect(mounting(path)).toEqual([]);
  });
});
