/** Findings the tap reports and the control plane derives, in a versioned batch envelope. */
import { z } from 'zod';
import { modeSchema } from './mode.ts';
import { protocolIdSchema, transportSchema } from './protocol-id.ts';
import { podRefSchema } from './workload.ts';

export const findingsVersion = 1;
const list = (max = 64) => z.array(z.string().max(512)).max(max);
const time = z.string().datetime({ offset: true });

export const endpointSchema = z.object({
  ip: z.string().min(1).max(64),
  port: z.number().int().min(0).max(65535),
});
export type Endpoint = z.infer<typeof endpointSchema>;

export const severitySchema = z.enum(['info', 'low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof severitySchema>;

export const dnsAnswerSchema = z.object({
  name: z.string().max(255),
  type: z.string().max(16),
  ttl: z.number().int().min(0),
  data: z.string().max(255),
});
export type DnsAnswerSummary = z.infer<typeof dnsAnswerSchema>;

/** A certificate seen in a TLS handshake: its leaf's names, issuer, validity, key and signature, and the chain's length. */
export const certificateSummarySchema = z
  .object({
    subject: z.string().max(1100),
    issuer: z.string().max(1100),
    names: list(),
    notBefore: time,
    notAfter: time,
    sha1: z.string().max(64),
    keyType: z.string().max(32),
    keyBits: z.number().int().min(0),
    signature: z.string().max(64),
    selfSigned: z.boolean(),
    chain: z.number().int().min(0),
    /** Why the leaf could not be read (the other fields are then absent). */
    problem: z.string().max(512),
  })
  .partial();
export type CertificateSummary = z.infer<typeof certificateSummarySchema>;

/** The headers a forwarding proxy writes the client into (ADR 28): the one list the tap, configs and findings use. */
export const forwardingHeaderSchema = z.enum(['x-forwarded-for', 'forwarded', 'x-real-ip']);
export type ForwardingHeader = z.infer<typeof forwardingHeaderSchema>;
/**
 * Who named a request's client (ADR 28, 52): a forwarding header, or AJP's `remote_addr`, the address the proxy that
 * forwarded the request over AJP says connected to it.
 */
export const forwardedBySchema = z.enum([...forwardingHeaderSchema.options, 'ajp-remote-addr']);
export type ForwardedBy = z.infer<typeof forwardedBySchema>;
export const originBySchema = z.enum(['proxy-header', ...forwardedBySchema.options]);
export type OriginBy = z.infer<typeof originBySchema>;

/** The most clients a flow finding lists behind trusted forwarding proxies (ADR 31). */
export const maxForwardedClients = 8;

/**
 * The clients trusted forwarding proxies named in a flow's requests (ADR 31): up to `maxForwardedClients` distinct
 * addresses, in the order first named, each with the header that named it, and how many requests named another
 * client once the list was full (`otherRequests`, absent when none did).
 */
export const forwardedClientsSchema = z.object({
  clients: z.array(z.object({ ip: endpointSchema.shape.ip, by: forwardedBySchema })).max(maxForwardedClients),
  otherRequests: z.number().int().min(1).optional(),
});
export type ForwardedClients = z.infer<typeof forwardedClientsSchema>;

/** Layer-7 summary of one flow; every list is bounded so a hostile flow cannot grow it. */
export const l7SummarySchema = z.object({
  http: z
    .object({
      methods: list(),
      paths: list(),
      statuses: list(),
      hosts: list(),
      userAgents: list(16),
      /** GraphQL operations (`query GetUser`): every call of a GraphQL API is one path. */
      graphql: list(),
    })
    .partial()
    .optional(),
  /** gRPC methods called, and the status names of the answers (`OK`, `UNAUTHENTICATED`). */
  grpc: z
    .object({ methods: list(), statuses: list(17) })
    .partial()
    .optional(),
  dns: z
    .object({
      queries: z.array(z.object({ name: z.string(), type: z.string() })).max(64),
      rcodes: list(),
      /** A, AAAA and CNAME records of the answers: what a name resolved to, so the control plane can name an IP. */
      answers: z.array(dnsAnswerSchema).max(64),
    })
    .partial()
    .optional(),
  sql: z.object({ verbs: list() }).optional(),
  redis: z.object({ commands: list() }).optional(),
  kafka: z.object({ topics: list(), apis: list() }).partial().optional(),
  mqtt: z.object({ topics: list(), packets: list() }).partial().optional(),
  tls: z
    .object({
      sni: z.string(),
      alpn: list(16),
      version: z.string(),
      ja3: z.string(),
      ja3Hash: z.string(),
      ja4: z.string(),
      /** The cipher suite the server chose (`TLS_AES_128_GCM_SHA256`, or `0x1234` when unnamed). */
      cipher: z.string().max(64),
      /** JA3S of the server's hello. */
      ja3s: z.string(),
      ja3sHash: z.string(),
      /** The server's certificate (TLS 1.2 and older; TLS 1.3 encrypts it). */
      certificate: certificateSummarySchema,
      /** The client's certificate, in mutual TLS 1.2. */
      clientCertificate: certificateSummarySchema,
    })
    .partial()
    .optional(),
  /** Both sides' software, and the HASSH fingerprints of their KEXINIT (client and server). */
  ssh: z
    .object({ client: z.string(), server: z.string(), hassh: z.string(), hasshServer: z.string() })
    .partial()
    .optional(),
  /** SMB: the dialects chosen, commands used, shares (trees) and named pipes opened, and the accounts logged in. */
  smb: z
    .object({ dialects: list(4), commands: list(), shares: list(), pipes: list(), users: list(16) })
    .partial()
    .optional(),
  /** Verbs or operations of the other protocols (memcached commands, AMQP methods, SMTP verbs, ...). */
  operations: list().optional(),
  /**
   * Behind trusted forwarding proxies (ADR 31): the clients their requests named, where the flow's peer is one of them
   * (a pooled connection from an ingress carries many clients' requests; `client` is the ingress).
   */
  forwarded: forwardedClientsSchema.optional(),
});
export type L7Summary = z.infer<typeof l7SummarySchema>;

const proxyText = z.string().max(255);

export const proxyHeaderSchema = z.object({
  version: z.union([z.literal(1), z.literal(2)]),
  /** `local`: the balancer's own connection (a health check), naming no client. */
  command: z.enum(['proxy', 'local']),
  transport: z.enum(['tcp', 'udp', 'unix', 'unknown']),
  client: endpointSchema.optional(),
  server: endpointSchema.optional(),
  /** Version 2 TLVs: the ALPN and server name the client gave the balancer, the balancer's connection id. */
  alpn: proxyText.optional(),
  authority: proxyText.optional(),
  uniqueId: z.string().max(128).optional(),
  /** The client's TLS, when the balancer ended it. */
  tls: z
    .object({
      version: proxyText.optional(),
      cipher: proxyText.optional(),
      commonName: proxyText.optional(),
      clientCertificate: z.boolean(),
      verified: z.boolean(),
    })
    .optional(),
  /** AWS PrivateLink's VPC endpoint id. */
  awsVpcEndpoint: proxyText.optional(),
});

const flowBase = {
  transport: transportSchema,
  client: endpointSchema,
  server: endpointSchema,
  protocol: protocolIdSchema,
};

export const flowFindingSchema = z.object({
  type: z.literal('flow'),
  ...flowBase,
  /** dpi: identified from the bytes; partial: one direction only (of a protocol that answers) or a mid-stream pickup; unknown. */
  confidence: z.enum(['dpi', 'partial', 'unknown']),
  encrypted: z.boolean(),
  mesh: z.enum(['istio', 'linkerd']).optional(),
  tls: z.object({ sni: z.string().optional(), alpn: z.array(z.string()).max(16).optional() }).optional(),
  bytes: z.object({ toServer: z.number().int().min(0), toClient: z.number().int().min(0) }),
  packets: z.object({ toServer: z.number().int().min(0), toClient: z.number().int().min(0) }),
  firstSeen: time,
  lastSeen: time,
  l7: l7SummarySchema.optional(),
  /** Hex of the first bytes of each direction, kept as evidence when the protocol is unknown. */
  evidence: z
    .object({ toServer: z.string().max(256), toClient: z.string().max(256) })
    .partial()
    .optional(),
  /** Conditions seen while reassembling: gaps, mid-stream pickup, truncation. */
  notes: z.array(z.string().max(128)).max(16).optional(),
  /**
   * The PROXY header a load balancer put before the client's bytes (ADR 25): the client it names (behind a balancer,
   * `client` above is the balancer), the address that client connected to, and what a version 2 header adds.
   */
  proxy: proxyHeaderSchema.optional(),
});
export type FlowFinding = z.infer<typeof flowFindingSchema>;

export const threatFindingSchema = z.object({
  type: z.literal('threat'),
  threat: z.string().min(1).max(64),
  severity: severitySchema,
  confidence: z.number().min(0).max(1),
  transport: transportSchema,
  client: endpointSchema,
  server: endpointSchema,
  protocol: protocolIdSchema,
  /** Bounded, redacted snippet: never a secret. */
  evidence: z.string().max(1024),
  firstSeen: time,
  lastSeen: time,
  count: z.number().int().min(1),
  /**
   * The client behind a proxy: the one a load balancer's PROXY header named for the connection, or a forwarding
   * proxy's header for the request (`client` is then the balancer or proxy). Port 0 when the header gave none.
   */
  origin: endpointSchema.optional(),
  /**
   * Who named `origin`: the PROXY header, the request's `X-Forwarded-For`, `Forwarded` or `X-Real-IP`, or an AJP
   * request's `remote_addr`.
   */
  originBy: originBySchema.optional(),
});
export type ThreatFinding = z.infer<typeof threatFindingSchema>;

export const heartbeatFindingSchema = z.object({
  type: z.literal('heartbeat'),
  ips: z.array(z.string()).max(16),
  serviceAccount: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  owner: z.object({ kind: z.string(), name: z.string() }).optional(),
  hostNetwork: z.boolean().optional(),
  mode: modeSchema.optional(),
  quarantined: z.boolean().optional(),
  counters: z.record(z.string(), z.number()).optional(),
  at: time,
});
export type HeartbeatFinding = z.infer<typeof heartbeatFindingSchema>;

export const captureFindingSchema = z.object({
  type: z.literal('capture'),
  commandId: z.string().min(1),
  location: z.string().min(1),
  packets: z.number().int().min(0),
  bytes: z.number().int().min(0),
  from: time,
  to: time,
});
export type CaptureFinding = z.infer<typeof captureFindingSchema>;

export const violationFindingSchema = z.object({
  type: z.literal('violation'),
  ...flowBase,
  group: z.string(),
  peer: z.string(),
  mode: modeSchema,
  nearestRule: z.string().optional(),
  reason: z.string().max(512),
  firstSeen: time,
  lastSeen: time,
  /**
   * The flow's `l7.forwarded` (ADR 31), as evidence: the clients a trusted proxy named in the flow's requests, any of
   * which may have made the request that left the baseline. `client` is the proxy, as is the peer rules name for it.
   */
  forwarded: forwardedClientsSchema.optional(),
});
export type ViolationFinding = z.infer<typeof violationFindingSchema>;

export const admissionFindingSchema = z.object({
  type: z.literal('admission'),
  policy: z.string(),
  check: z.string(),
  action: z.enum(['enforce', 'warn', 'audit']),
  resource: z.object({ kind: z.string(), namespace: z.string().optional(), name: z.string() }),
  path: z.string(),
  message: z.string().max(1024),
  at: time,
});
export type AdmissionFinding = z.infer<typeof admissionFindingSchema>;

export const findingSchema = z.discriminatedUnion('type', [
  flowFindingSchema,
  threatFindingSchema,
  heartbeatFindingSchema,
  captureFindingSchema,
  violationFindingSchema,
  admissionFindingSchema,
]);
export type Finding = z.infer<typeof findingSchema>;

/** What a tap sends: one batch, with an id so a retried batch is stored once. */
export const findingBatchSchema = z.object({
  version: z.literal(findingsVersion),
  batchId: z.string().uuid(),
  pod: podRefSchema,
  sentAt: time,
  /** Findings the tap had to drop since its last batch (bounded queue overflow). */
  dropped: z.number().int().min(0).default(0),
  findings: z.array(findingSchema).max(5000),
});
export type FindingBatch = z.infer<typeof findingBatchSchema>;
