/** No hostPath volume may expose a container runtime socket (or a directory holding one): that is root on the node. */
import { posix } from 'node:path';
import { z } from 'zod';
import { definePodCheck } from './check.ts';
import { asObject, asObjects, asString } from './fields.ts';

const params = z
  .object({
    sockets: z
      .array(z.string().startsWith('/'))
      .default([
        '/var/run/docker.sock',
        '/run/docker.sock',
        '/var/run/containerd/containerd.sock',
        '/run/containerd/containerd.sock',
        '/var/run/crio/crio.sock',
        '/run/crio/crio.sock',
        '/var/run/cri-dockerd.sock',
        '/run/cri-dockerd.sock',
        '/var/run/podman/podman.sock',
        '/run/podman/podman.sock',
      ]),
  })
  .strict();

/** The socket itself, or any directory above it (mounting `/var/run` exposes `/var/run/docker.sock`). */
const exposes = (hostPath: string, socket: string): boolean => {
  const mounted = posix.normalize(hostPath).replace(/\/+$/, '') || '/';
  return socket === mounted || socket.startsWith(mounted === '/' ? '/' : `${mounted}/`);
};

export const runtimeSocketMounts = definePodCheck({
  id: 'runtimeSocketMounts',
  summary: 'Container runtime sockets must not be mounted into pods',
  params,
  evaluate: (view, { sockets }) =>
    asObjects(view.spec.volumes).flatMap((volume, index) => {
      const hostPath = asString(asObject(volume.hostPath).path);
      if (hostPath === undefined) return [];
      const socket = sockets.find((candidate) => exposes(hostPath, candidate));
      if (socket === undefined) return [];
      return [
        {
          code: 'runtime-socket',
          path: `${view.specPath}.volumes[${index}].hostPath.path`,
          message: `volume ${JSON.stringify(asString(volume.name) ?? `#${index}`)} mounts the container runtime socket ${socket}`,
          value: JSON.stringify(hostPath),
          allowed: 'no runtime socket or a directory above one',
          fix: 'remove the volume; build images with a rootless builder (kaniko, buildkit) instead',
        },
      ];
    }),
});
