/**
 * A flow's peers for the service panel, and behind a trusted forwarding proxy the clients its requests named (ADR 31).
 * The tap lists them only when the flow's peer is a proxy it was told to trust, each the rightmost address of a
 * request's X-Forwarded-For, Forwarded or X-Real-IP that is not a trusted proxy: the proxies' word, shown as theirs
 * ("forwarded for … via proxy"), never as the flow's client. Text only: the view sets it as text, never as HTML.
 */
import { endpoint } from './finding-summary.ts';
import { field, forwardedText } from './forwarded-text.ts';

/**
 * `10.0.0.5:41000 → 10.0.0.6:9080`; behind a trusted proxy `forwarded for 203.0.113.7 via proxy 10.0.0.5:41000 → …`,
 * the proxy being the client a PROXY header named (ADR 25) via the balancer when there was one. Undefined when the
 * endpoints cannot be read.
 */
export const flowParties = (finding: Record<string, unknown>): string | undefined => {
  const client = endpoint(finding.client);
  const server = endpoint(finding.server);
  if (client === undefined || server === undefined) return undefined;
  const balanced = endpoint(field(finding.proxy, 'client'));
  const peer = balanced === undefined ? client : `${balanced} via ${client}`;
  const forwarded = forwardedText(field(finding.l7, 'forwarded'));
  return forwarded === undefined ? `${peer} → ${server}` : `${forwarded} via proxy ${peer} → ${server}`;
};
