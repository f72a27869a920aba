/**
 * Cloud instance metadata services, as a pod reaches them: the link-local addresses and names they answer on, and
 * what a request's path asks of each (AWS, GCP, Azure, Alibaba Cloud, OpenStack, DigitalOcean; AWS's per-workload
 * credential endpoints for ECS tasks and EKS Pod Identity). Read from each provider's documentation of its service.
 */
import type { HttpRequestEvent } from '../events.ts';
import { headerNamed } from '../protocols/http-head.ts';

/**
 * What a request asks for, most sensitive first. `node-credentials`: the node's own cloud identity (its instance role),
 * which no pod should hold; `secrets`: data that often carries secrets (user data, GKE's kube-env, the whole tree);
 * `identity-token`: a token for the identity the server gives the caller (on GKE with Workload Identity, the pod's
 * own); `workload-credentials`: an endpoint made to hand a pod its own role (ECS task roles, EKS Pod Identity);
 * `other`: any other metadata (region, instance id, an IMDSv2 session).
 */
export type MetadataKind =
  | 'node-credentials'
  | 'secrets'
  | 'identity-token'
  | 'workload-credentials'
  | 'other';

export type MetadataRead = {
  service: string;
  kind: MetadataKind;
  /** What was asked for, as a phrase: "the instance role's credentials". */
  what: string;
  /** Why the server refuses this request (a required header missing): what a forged request (SSRF) looks like. */
  refused?: string;
  /** AWS only: a request without an IMDSv2 session token (IMDSv1), which SSRF can make. */
  v1?: boolean;
  /** A step before the read itself (listing the role's name): less sure alone, and the read tells the story. */
  step?: boolean;
};

/** Addresses that only a metadata service answers on; the path tells which provider's. */
const sharedAddresses = new Set(['169.254.169.254', 'fd00:ec2::254']);
const alibabaAddress = '100.100.100.200';
const ecsAddress = '169.254.170.2';
const podIdentityAddresses = new Set(['169.254.170.23', 'fd00:ec2::23']);

/**
 * Every address above by what answers there, as a phrase for evidence (turn-relay-abuse names a TURN peer so). Kept
 * beside the sets it lists: an address added there belongs here too.
 */
export const metadataAddresses: ReadonlyMap<string, string> = new Map([
  ['169.254.169.254', 'cloud instance metadata (169.254.169.254)'],
  [ecsAddress, `the ECS credentials endpoint (${ecsAddress})`],
  ['169.254.170.23', 'the EKS Pod Identity agent (169.254.170.23)'],
  [alibabaAddress, `Alibaba Cloud metadata (${alibabaAddress})`],
  ['fd00:ec2::254', 'AWS instance metadata over IPv6 (fd00:ec2::254)'],
  ['fd00:ec2::23', 'the EKS Pod Identity agent over IPv6 (fd00:ec2::23)'],
]);
/** Host names that resolve to a metadata service (GCP's and AWS's), for requests sent through a proxy. */
const metadataNames = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  '169.254.169.254',
  '[fd00:ec2::254]',
  alibabaAddress,
]);

const aws = 'AWS instance metadata (IMDS)';

/** The host a request names: an absolute-form target's, else the Host header's; lowercase, without a port. */
const namedHost = (event: HttpRequestEvent): string => {
  const absolute = /^https?:\/\/([^/?#]+)/i.exec(event.target);
  const host = absolute?.[1] ?? headerNamed(event.headers, 'host') ?? '';
  const name = host.toLowerCase().replace(/^[^@]*@/, '');
  return name.startsWith('[') ? name.replace(/\]:\d+$/, ']') : name.replace(/:\d+$/, '');
};

/** The path asked for: an absolute-form target's path, else the event's. */
const pathOf = (event: HttpRequestEvent): string => {
  const absolute = /^https?:\/\/[^/?#]+([^?#]*)/i.exec(event.target);
  return absolute === null ? event.path : absolute[1] || '/';
};

const awsRead = (event: HttpRequestEvent, path: string, service: string): MetadataRead => {
  const v1 =
    service === aws &&
    event.method !== 'PUT' &&
    headerNamed(event.headers, 'x-aws-ec2-metadata-token') === undefined;
  const read = (kind: MetadataKind, what: string): MetadataRead => ({
    service,
    kind,
    what,
    ...(v1 ? { v1 } : {}),
  });
  const role = /^\/latest\/meta-data\/(?:iam|ram)\/security-credentials\/([^/]*)/.exec(path);
  if (role !== null)
    return role[1] === ''
      ? {
          ...read('node-credentials', "the instance role's name (the step before its credentials)"),
          step: true,
        }
      : read('node-credentials', `the instance role's credentials (role ${role[1]})`);
  if (path.startsWith('/latest/meta-data/identity-credentials/'))
    return read('node-credentials', "the instance's identity credentials");
  if (/^\/(?:latest|openstack\/latest)\/user[-_]data/.test(path))
    return read('secrets', "the instance's user data");
  if (path === '/latest/api/token') return { service, kind: 'other', what: 'an IMDSv2 session token' };
  return read('other', `instance metadata (${path.slice(0, 80)})`);
};

const gcpRead = (event: HttpRequestEvent, path: string): MetadataRead => {
  const service = 'GCP metadata server';
  const flavored = headerNamed(event.headers, 'metadata-flavor')?.toLowerCase() === 'google';
  const legacy = /^\/computeMetadata\/v1beta1\//.test(path) || path.startsWith('/0.1/');
  const refused =
    flavored || legacy ? {} : { refused: 'no Metadata-Flavor: Google header, which the server requires' };
  const read = (kind: MetadataKind, what: string): MetadataRead => ({ service, kind, what, ...refused });
  const account = /\/instance\/service-accounts\/([^/]+)\/(token|identity)/.exec(path);
  if (account !== null)
    return read(
      'identity-token',
      `${account[2] === 'token' ? 'an access token' : 'an identity token'} for service account ${account[1]}`,
    );
  if (/\/attributes\/kube-env\b/.test(path))
    return read('secrets', "GKE's kube-env (the kubelet's bootstrap credentials)");
  if (/\/attributes\/(?:startup-script|user-data)\b/.test(path))
    return read('secrets', "the instance's startup script");
  if (
    /(?:^|&)recursive=true\b/i.test(event.query) &&
    /^\/computeMetadata\/v1(?:beta1)?\/(?:instance\/?)?$/.test(path)
  )
    return read('secrets', 'the whole metadata tree (recursive=true), attributes and kube-env included');
  const what = `instance metadata (${path.slice(0, 80)})${legacy ? ' through the legacy endpoint, which needs no header' : ''}`;
  return read(legacy ? 'secrets' : 'other', what);
};

const azureRead = (event: HttpRequestEvent, path: string): MetadataRead => {
  const service = 'Azure instance metadata (IMDS)';
  const asked = headerNamed(event.headers, 'metadata')?.toLowerCase() === 'true';
  const refused = asked ? {} : { refused: 'no Metadata: true header, which the service requires' };
  const read = (kind: MetadataKind, what: string): MetadataRead => ({ service, kind, what, ...refused });
  if (path.startsWith('/metadata/identity/oauth2/token')) {
    const resource = /(?:^|&)resource=([^&]*)/.exec(event.query)?.[1];
    return read(
      'identity-token',
      `a managed identity token${resource ? ` for ${decodeSafe(resource)}` : ''}`,
    );
  }
  if (/^\/metadata\/instance\/compute\/userData/i.test(path))
    return read('secrets', "the instance's user data");
  return read('other', `instance metadata (${path.slice(0, 80)})`);
};

const decodeSafe = (text: string): string => {
  try {
    return decodeURIComponent(text).slice(0, 80);
  } catch {
    return text.slice(0, 80);
  }
};

/** ECS's task metadata endpoint: the task role's credentials, or other task metadata. */
const ecsRead = (path: string): MetadataRead =>
  path.startsWith('/v2/credentials')
    ? {
        service: 'ECS credentials endpoint',
        kind: 'workload-credentials',
        what: "the task role's credentials",
      }
    : { service: 'ECS task metadata', kind: 'other', what: `task metadata (${path.slice(0, 80)})` };

/** Which provider answers on the shared address, from the path's first segment. */
const sharedRead = (event: HttpRequestEvent, path: string): MetadataRead | undefined => {
  if (path.startsWith('/computeMetadata/') || path.startsWith('/0.1/meta-data')) return gcpRead(event, path);
  if (path.startsWith('/metadata/v1')) {
    const secret = /^\/metadata\/v1\/user-data/.test(path);
    return {
      service: 'DigitalOcean metadata',
      kind: secret ? 'secrets' : 'other',
      what: secret ? "the droplet's user data" : `droplet metadata (${path.slice(0, 80)})`,
    };
  }
  if (path.startsWith('/metadata/')) return azureRead(event, path);
  if (path.startsWith('/openstack/')) return awsRead(event, path, 'OpenStack metadata');
  return awsRead(event, path, aws);
};

/**
 * What a request to a metadata service asks for, or undefined when `serverIp` and the names the request gives are no
 * metadata service's.
 */
export const metadataRead = (event: HttpRequestEvent, serverIp: string): MetadataRead | undefined => {
  // The path is read only once the server or the name is a metadata service's: this runs on every HTTP request.
  const ip = serverIp.toLowerCase();
  if (ip === ecsAddress) return ecsRead(pathOf(event));
  if (podIdentityAddresses.has(ip))
    return {
      service: 'EKS Pod Identity agent',
      kind: 'workload-credentials',
      what: "the pod's own role credentials",
    };
  if (ip === alibabaAddress) return awsRead(event, pathOf(event), 'Alibaba Cloud metadata');
  if (sharedAddresses.has(ip)) return sharedRead(event, pathOf(event));
  const host = namedHost(event);
  if (!metadataNames.has(host)) return undefined;
  const path = pathOf(event);
  if (host === alibabaAddress) return awsRead(event, path, 'Alibaba Cloud metadata');
  return host.startsWith('metadata') ? gcpRead(event, path) : sharedRead(event, path);
};
