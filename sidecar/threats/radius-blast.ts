/**
 * A RADIUS server open to Blast-RADIUS (CVE-2024-3596; Goldberg, Haller, Heninger, Milano, Shumow, Stevens and Suhl,
 * "RADIUS/UDP Considered Harmful", USENIX Security 2024, blastradius.fail): an Access-Request without a
 * Message-Authenticator (RFC 2869 section 5.14: an HMAC-MD5 over the whole packet) answered by an Access-Accept,
 * Access-Reject or Access-Challenge without one either. The answer is then signed only by RFC 2865's Response
 * Authenticator, an MD5 over the request's authenticator, the answer and the shared secret: a man in the middle who
 * adds Proxy-State attributes to the request (which the server copies into its answer) can make a Reject and a forged
 * Accept collide under MD5 (a chosen-prefix collision computed while the client waits) and hand the client the Accept,
 * for any password, without the secret. A server that requires a Message-Authenticator in Access-Requests refuses the
 * altered request; the fix FreeRADIUS shipped on 2024-07-09 (3.2.5 and 3.0.27) is `require_message_authenticator` and
 * `limit_proxy_state` in its `security` section and per client. Judged on the `radiusAnswer` the parser pairs by
 * identifier: PAP, CHAP and MS-CHAP requests, which need no Message-Authenticator; EAP requires one (RFC 3579 section
 * 3.2), so an EAP exchange without it on either side is told too. A request that carried one, or an answer that does,
 * is left alone: the server checks the request's, the client the answer's. Once per client and server address; clients
 * in `allowClients` are not told (a NAS that cannot send one, accepted knowingly).
 */
import { readsEvery } from '../engine/event-read.ts';
import type { RadiusAnswer } from '../events.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';
import { type BoundedMap, boundedMap } from './window/bounded-map.ts';

const config = detectorConfig('high', {
  /** NAS addresses whose exchanges are not told: an address, address:port, CIDR or CIDR:port. */
  allowClients: allowList(),
});

/** The client and server addresses already told. */
type State = BoundedMap<true>;

const methods: Readonly<Record<string, string>> = {
  pap: 'PAP',
  chap: 'CHAP',
  mschap: 'MS-CHAP',
  mschapv2: 'MS-CHAPv2',
  none: 'no method named',
};

const methodName = (method: string): string =>
  methods[method] ?? (method.startsWith('eap') ? `EAP, ${method.slice(4) || 'no type'}` : method);

const evidenceOf = (a: RadiusAnswer, client: string, server: string): string =>
  `the RADIUS server ${server} answered an Access-Request from ${client} (${methodName(a.method)}) with an ` +
  `${a.answer}, neither carrying a Message-Authenticator: it does not require one, so a man in the middle can ` +
  'forge its answers with an MD5 chosen-prefix collision (Blast-RADIUS, CVE-2024-3596); require it ' +
  '(FreeRADIUS 3.2.5, 3.0.27: require_message_authenticator, limit_proxy_state)';

const endpointText = ({ ip, port }: { ip: string; port: number }): string =>
  ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;

export const radiusBlast: Threat<typeof config, State> = {
  id: 'radius-blast',
  on: ['operation'],
  // The server's answers carry what the request had (radius-parser.ts pairs them).
  reads: [{ ...readsEvery('operation', ['to-client']), protocols: ['radius'] }],
  config,
  scope: 'global',
  initialState: () => boundedMap(4096),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'operation' || event.radiusAnswer === undefined || flow === undefined) return noHits;
    const answer = event.radiusAnswer;
    if (answer.requestAuthenticator || answer.responseAuthenticator) return noHits;
    const key = `${flow.client.ip}>${flow.server.ip}`;
    if (state.get(key) !== undefined || isAllowedServer(flow.client, c.allowClients)) return noHits;
    state.upsert(key, () => true);
    return [
      {
        threat: 'radius-blast',
        severity: c.severity,
        confidence: 0.9,
        evidence: evidenceOf(answer, flow.client.ip, endpointText(flow.server)),
        ts: event.ts,
        client: flow.client,
        server: flow.server,
        origin: null,
      },
    ];
  },
};
