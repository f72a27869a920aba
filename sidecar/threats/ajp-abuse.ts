/**
 * AJP13 used against its servlet container (MITRE ATT&CK T1190). Ghostcat (CVE-2020-1938, CNVD-2020-10487; Tomcat
 * before 9.0.31, 8.5.51 and 7.0.100): Tomcat trusts the request attributes an AJP client sets, so one that sets the
 * include attributes (`javax.servlet.include.request_uri`, `path_info`, `servlet_path`; `jakarta.` since Tomcat 10)
 * has the default servlet serve any file of the application (WEB-INF/web.xml, its credentials), or the JSP servlet
 * run one as code when the request names a `.jsp`. No proxy sets them: mod_proxy_ajp, mod_jk and nginx forward the
 * client's request, never a dispatcher's. Also, at their own severities: a forwarded request whose path reaches
 * WEB-INF or META-INF, which a container never serves; and a SHUTDOWN, which no proxy sends.
 */
import type { z } from 'zod';
import { readsRequests } from '../engine/event-read.ts';
import type { Header, HttpRequestEvent } from '../events.ts';
import { detectorConfig, noHits, severityOrOff, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('critical', {
  /** A forwarded request whose path reaches WEB-INF or META-INF (not through the include attributes). */
  protectedPaths: severityOrOff.default('high'),
  /** A SHUTDOWN packet from the proxy's side. */
  shutdown: severityOrOff.default('medium'),
});

/** What a flow already told, one finding each: Ghostcat, a protected path, a SHUTDOWN. */
type State = { ghostcat: boolean; protectedPath: boolean; shutdown: boolean };

const include = /^(?:javax|jakarta)\.servlet\.include\./;
/** A path segment WEB-INF or META-INF, its hyphen or the slash after it percent-encoded too. */
const protectedSegment = /(?:^|[/\\;])(?:web|meta)(?:-|%2d)inf(?:[/\\;]|%2f|%5c|$)/i;

const includes = (attributes: readonly Header[]): Header[] | undefined => {
  let found: Header[] | undefined;
  for (const attribute of attributes) {
    if (attribute[0].charCodeAt(0) !== 0x6a || !include.test(attribute[0])) continue;
    found ??= [];
    found.push(attribute);
  }
  return found;
};

const includeValue = (found: readonly Header[], suffix: string): string | undefined =>
  found.find(([name]) => name.endsWith(suffix))?.[1];

/** The file the included dispatch would read: the servlet path and path info, as the default servlet joins them. */
const fileOf = (found: readonly Header[]): string => {
  const joined = `${includeValue(found, '.servlet_path') ?? ''}${includeValue(found, '.path_info') ?? ''}`;
  return (joined === '' ? (includeValue(found, '.request_uri') ?? '') : joined).replace(/\/{2,}/g, '/');
};

const ghostcatEvidence = (
  event: HttpRequestEvent,
  found: readonly Header[],
  attributes: readonly Header[],
): string => {
  const file = fileOf(found).slice(0, 256);
  const named = found.map(([name, value]) => `${name}=${value.slice(0, 256)}`).join(', ');
  const how = /\.jspx?$/i.test(event.path)
    ? `to run the file ${file} as a JSP (its request ${event.path.slice(0, 256)}: code execution when the file was uploaded)`
    : `to serve the file ${file}`;
  const where = protectedSegment.test(file)
    ? ', inside WEB-INF or META-INF'
    : file.includes('..')
      ? ', climbing out of the application with ..'
      : '';
  const secret = attributes.some(([name]) => name === 'secret')
    ? '; it carries the connector secret (not kept)'
    : '';
  return `AJP request sets the include attributes ${named} (Ghostcat, CVE-2020-1938): it asks the container ${how}${where}${secret}`;
};

const judgeRequest = (event: HttpRequestEvent, state: State, c: z.infer<typeof config>): ThreatHit[] => {
  const attributes = event.attributes;
  if (attributes === undefined) return noHits;
  const found = state.ghostcat ? undefined : includes(attributes);
  if (found !== undefined) {
    state.ghostcat = true;
    const evidence = ghostcatEvidence(event, found, attributes);
    return [{ threat: 'ajp-abuse', severity: c.severity, confidence: 0.95, evidence, ts: event.ts }];
  }
  const path = event.path;
  if (
    state.protectedPath ||
    c.protectedPaths === 'off' ||
    // A hyphen (or an escape) first: most paths have none.
    !(path.includes('-') || path.includes('%')) ||
    !protectedSegment.test(path)
  )
    return noHits;
  state.protectedPath = true;
  const evidence = `AJP request for ${path.slice(0, 256)}: a path inside WEB-INF or META-INF, which a container never serves (a probe for its configuration)`;
  return [{ threat: 'ajp-abuse', severity: c.protectedPaths, confidence: 0.7, evidence, ts: event.ts }];
};

export const ajpAbuse: Threat<typeof config, State> = {
  id: 'ajp-abuse',
  on: ['http-request', 'operation'],
  // Only AJP flows: an HTTP request has no attributes, and an HTTP flow's events never reach it.
  reads: [
    { ...readsRequests('http-request'), protocols: ['ajp'] },
    { ...readsRequests('operation'), protocols: ['ajp'] },
  ],
  config,
  scope: 'flow',
  initialState: () => ({ ghostcat: false, protectedPath: false, shutdown: false }),
  inspect(event, state, { config: c }): ThreatHit[] {
    if (event.kind === 'http-request') return judgeRequest(event, state, c);
    if (event.kind !== 'operation' || event.protocol !== 'ajp' || event.operation !== 'shutdown')
      return noHits;
    if (state.shutdown || c.shutdown === 'off') return noHits;
    state.shutdown = true;
    const evidence =
      'AJP SHUTDOWN from the client: a request to stop the servlet container, which no proxy sends';
    return [{ threat: 'ajp-abuse', severity: c.shutdown, confidence: 0.8, evidence, ts: event.ts }];
  },
};
