/**
 * A pod driving a Docker Engine API over the network (a node's dockerd on tcp://…:2375, a Docker-in-Docker sidecar,
 * Podman's compatible API): a container created with the host's file system, namespaces or privileges is an escape
 * from the pod that no Kubernetes admission controller sees (Kyverno and Gatekeeper judge only what goes through the
 * Kubernetes API; MITRE ATT&CK T1610, T1611); any other container or exec started there runs outside Kubernetes too.
 */
import { z } from 'zod';
import { readsRequests } from '../engine/event-read.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { type DockerAction, dockerAction } from './docker-api-request.ts';
import { isLoopback } from './loopback.ts';
import { detectorConfig, noHits, severityOrOff, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('critical', {
  /** Containers created or commands run there without host access, images pulled, anything else that changes it. */
  control: severityOrOff.default('high'),
  /** Looking around: listing containers and images, the engine's version and info. */
  reads: severityOrOff.default('medium'),
  /** Also between loopback addresses: off, since a CI pod's Docker-in-Docker sidecar is reached there. */
  loopback: z.boolean().default(false),
  /** Docker API servers a pod may drive (a build service): an address, address:port, CIDR (10.42.0.0/16) or CIDR:port. */
  allowServers: allowList(),
});

const confidence: Record<DockerAction['kind'], number> = { escape: 1, control: 0.8, read: 0.6 };

export const dockerApi: Threat<typeof config, undefined> = {
  id: 'docker-api',
  on: ['http-request'],
  reads: [{ ...readsRequests('http-request'), protocols: ['http'] }],
  config,
  scope: 'global',
  episodes: 'service',
  initialState: () => undefined,
  inspect(event, _state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'http-request' || flow === undefined) return noHits;
    const action = dockerAction(event);
    if (action === undefined || isAllowedServer(flow.server, c.allowServers)) return noHits;
    if (!c.loopback && (isLoopback(flow.client) || isLoopback(flow.server))) return noHits;
    const severity = action.kind === 'escape' ? c.severity : action.kind === 'control' ? c.control : c.reads;
    if (severity === 'off') return noHits;
    const advice =
      action.kind === 'escape' ? ': an escape from the pod, outside Kubernetes admission control' : '';
    return [
      {
        threat: 'docker-api',
        severity,
        confidence: confidence[action.kind],
        evidence: `${action.what} through the Docker API at ${flow.server.ip}:${flow.server.port}${advice}`,
        ts: event.ts,
      },
    ];
  },
};
