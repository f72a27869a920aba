/** Renders findings as an aligned text table: one line per flow (client → server, protocol, bytes, short L7) and per threat. */
import type { Endpoint, Finding, FlowFinding, L7Summary, ThreatFinding } from '#core/finding.ts';

const maxBrief = 72;

const few = (values: readonly string[] | undefined, max = 3): string | undefined =>
  values === undefined || values.length === 0
    ? undefined
    : `${values.slice(0, max).join(',')}${values.length > max ? `,+${values.length - max}` : ''}`;

const join = (...parts: (string | undefined)[]): string =>
  parts.filter((part) => part !== undefined).join(' ');

const httpBrief = (http: NonNullable<L7Summary['http']>): string =>
  join(few(http.methods), few(http.paths, 2), few(http.statuses), http.hosts?.[0] && `host=${http.hosts[0]}`);

/** The most telling part of an L7 summary, shortened to one column. */
export const l7Brief = (l7: L7Summary | undefined): string => {
  if (l7 === undefined) return '';
  const parts = [
    l7.http && httpBrief(l7.http),
    l7.grpc && join(few(l7.grpc.methods, 2), few(l7.grpc.statuses, 2)),
    l7.tls &&
      join(l7.tls.sni && `sni=${l7.tls.sni}`, few(l7.tls.alpn) && `alpn=${few(l7.tls.alpn)}`, l7.tls.version),
    l7.dns &&
      join(
        few(
          l7.dns.queries?.map((query) => `${query.type}:${query.name}`),
          2,
        ),
        few(l7.dns.rcodes),
      ),
    l7.sql && few(l7.sql.verbs, 4),
    l7.redis && few(l7.redis.commands, 4),
    l7.kafka && join(few(l7.kafka.apis), few(l7.kafka.topics)),
    l7.mqtt && join(few(l7.mqtt.packets), few(l7.mqtt.topics)),
    l7.ssh && join(l7.ssh.client, l7.ssh.server && `/ ${l7.ssh.server}`),
    l7.operations && few(l7.operations, 4),
  ];
  const text = parts.filter((part) => part).join('; ');
  return text.length > maxBrief ? `${text.slice(0, maxBrief - 1)}…` : text;
};

const endpoint = (value: Endpoint): string =>
  value.ip.includes(':') ? `[${value.ip}]:${value.port}` : `${value.ip}:${value.port}`;

/** Behind a proxy, the client it named, then the proxy the connection came from. */
const clientOf = (client: Endpoint, origin: Endpoint | undefined): string => {
  if (origin === undefined) return endpoint(client);
  // A forwarding header's client names no port (0).
  return `${origin.port === 0 ? origin.ip : endpoint(origin)} via ${endpoint(client)}`;
};

/**
 * A flow's client: behind a PROXY header, the client it named via the balancer; from a trusted forwarding proxy, the
 * first clients its requests named before that (ADR 31), `…` when requests named more than the finding lists.
 */
const flowClient = (f: FlowFinding): string => {
  const peer = clientOf(f.client, f.proxy?.client);
  const forwarded = f.l7?.forwarded;
  if (forwarded === undefined) return peer;
  const ips = forwarded.clients.map((client) => client.ip);
  const named = [few(ips, 2), forwarded.otherRequests && '…'].filter((part) => part).join(',');
  return `${named} via ${peer}`;
};

const flowRow = (f: FlowFinding): string[] => [
  `${flowClient(f)} → ${endpoint(f.server)}`,
  f.transport,
  f.protocol,
  f.confidence,
  f.mesh ?? (f.encrypted ? 'yes' : 'no'),
  `${f.bytes.toServer}/${f.bytes.toClient}`,
  l7Brief(f.l7),
];

const threatRow = (f: ThreatFinding): string[] => [
  `${clientOf(f.client, f.origin)} → ${endpoint(f.server)}`,
  f.threat,
  f.severity,
  String(f.count),
  f.evidence.slice(0, maxBrief),
];

const table = (header: string[], rows: string[][]): string[] => {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
};

export const formatFindings = (findings: readonly Finding[]): string[] => {
  const flows = findings.filter((f): f is FlowFinding => f.type === 'flow');
  const threats = findings.filter((f): f is ThreatFinding => f.type === 'threat');
  const lines = table(
    ['CLIENT → SERVER', 'TRANSPORT', 'PROTOCOL', 'CONFIDENCE', 'ENCRYPTED', 'BYTES →/←', 'L7'],
    flows.map(flowRow),
  );
  if (threats.length > 0) {
    lines.push(
      '',
      ...table(['CLIENT → SERVER', 'THREAT', 'SEVERITY', 'COUNT', 'EVIDENCE'], threats.map(threatRow)),
    );
  }
  return lines;
};
