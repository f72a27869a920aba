/**
 * One line for a finding in the timeline: a threat's id, severity, who (the client behind a proxy "via" the peer
 * the packets came from, ADRs 25 and 28) and evidence; a violation's group, peer and reason, and behind a trusted
 * proxy the clients it forwarded for (ADR 31).
 */
import type { FindingRecord } from './api-types.ts';
import { forwardedText } from './forwarded-text.ts';

type Endpoint = { ip?: unknown; port?: unknown };

/** `ip:port` (`[ip]:port` for IPv6), the address alone when the port is 0 or absent; undefined when unreadable. */
export const endpoint = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const { ip, port } = value as Endpoint;
  if (typeof ip !== 'string') return undefined;
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return typeof port === 'number' && port > 0 ? `${host}:${port}` : ip;
};

/** `203.0.113.9 via 10.0.0.1:40000 → 10.0.0.2:8080`, or without the origin when there was none. */
export const threatParties = (finding: Record<string, unknown>): string | undefined => {
  const client = endpoint(finding.client);
  const server = endpoint(finding.server);
  if (client === undefined || server === undefined) return undefined;
  const origin = endpoint(finding.origin);
  return `${origin === undefined ? client : `${origin} via ${client}`} → ${server}`;
};

export const findingSummary = (record: FindingRecord): string => {
  const f = record.finding;
  if (f.type === 'threat') {
    const parties = threatParties(f);
    return [String(f.threat), String(f.severity), parties, String(f.evidence ?? '')]
      .filter((part) => part !== undefined)
      .join(' · ');
  }
  const forwarded = forwardedText(f.forwarded);
  return `${String(f.group)} ↔ ${String(f.peer)} · ${String(f.reason)}${forwarded === undefined ? '' : ` · ${forwarded}`}`;
};
