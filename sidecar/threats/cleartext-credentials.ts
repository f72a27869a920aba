/**
 * Credentials crossing the network unencrypted: HTTP Basic credentials (and bearer tokens, when asked), passwords in
 * request fields (login forms, JSON bodies, query parameters), SMTP AUTH PLAIN, LOGIN and XOAUTH2 before STARTTLS,
 * Redis AUTH and HELLO AUTH, LDAP simple binds, PostgreSQL's cleartext password method, a ClickHouse Hello's password,
 * FTP and POP3 passwords (PASS), IMAP LOGIN, a password typed at a Telnet login prompt, POP3 AUTH or IMAP
 * AUTHENTICATE with a mechanism that carries the secret, SNMP version 1 and 2c community strings (a password in all
 * but name; a well-known default one is named, as it is no secret), and a STOMP CONNECT's passcode (told with the
 * broker's answer). Anyone on the path (a compromised node, a mirrored port) reads them.
 * Flows between loopback addresses are left alone by default: that is where an app talks plaintext to its own mesh
 * proxy (Istio's inbound proxy connects from 127.0.0.6), which encrypts on the wire. The evidence names the scheme and
 * the user, never the secret.
 */

import { z } from 'zod';
import { readsRequests } from '../engine/event-read.ts';
import type { DbAuthEvent, HttpRequestEvent, OperationEvent, RedisCommandEvent } from '../events.ts';
import { anonymousUsers } from '../protocols/ftp.ts';
import { headerNamed } from '../protocols/http-head.ts';
import { isLoopback } from './loopback.ts';
import { passwordField } from './text/password-fields.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {
  /** Also report credentials between loopback addresses (127.0.0.0/8, ::1): off, since a mesh proxy sits there. */
  loopback: z.boolean().default(false),
  /**
   * Report bearer tokens too (a stolen token is as good as a password until it expires). Off by default: services
   * inside a cluster routinely pass JWTs over plain HTTP, so this is for teams that require TLS everywhere.
   */
  bearerTokens: z.boolean().default(false),
  /**
   * Report passwords sent as request fields: a login form, a JSON or multipart body, a query parameter (by the
   * field's name: password, passwd, pwd, passphrase, ...).
   */
  passwordFields: z.boolean().default(true),
});
type Config = z.infer<typeof config>;

/** A credential found: its kind (one finding per kind per flow) and how the evidence names it. */
type Found = [kind: string, what: string];

/** The kinds already reported on this flow: one finding per kind per flow. */
type State = Set<string>;

/** SASL mechanisms that carry the secret itself (RFC 4616 PLAIN, LOGIN, RFC 7628 XOAUTH2/OAUTHBEARER). */
const cleartextMechanisms = new Set(['PLAIN', 'LOGIN', 'XOAUTH2', 'OAUTHBEARER']);

/** The user of a Basic credential (`user:password` in base64), bounded; the password is never kept. */
const basicUser = (token: string): string => {
  const decoded = Buffer.from(token, 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? '' : decoded.slice(0, Math.min(colon, 64));
  return /^[\x20-\x7e]*$/.test(user) && user !== '' ? `user ${user}` : 'a user';
};

const fromHttp = (event: HttpRequestEvent, c: Config): Found | undefined => {
  for (const name of ['authorization', 'proxy-authorization']) {
    const value = headerNamed(event.headers, name)?.trim();
    if (value === undefined) continue;
    const space = value.indexOf(' ');
    const scheme = (space < 0 ? value : value.slice(0, space)).toLowerCase();
    const header = name === 'authorization' ? 'Authorization' : 'Proxy-Authorization';
    // Worded so the evidence redaction (text/redact-evidence.ts) leaves it readable: no long word after "Basic".
    if (scheme === 'basic') {
      const user = basicUser(value.slice(space + 1).trim());
      return ['http-basic', `HTTP Basic (${header} header): the password of ${user}`];
    }
    if (scheme === 'bearer' && c.bearerTokens)
      return ['http-bearer', `an HTTP Bearer token (${header} header)`];
  }
  return undefined;
};

/** A password field of a form, JSON or multipart body, or the query (text/password-fields.ts). */
const fromHttpFields = (event: HttpRequestEvent, c: Config): Found | undefined => {
  const field = c.passwordFields ? passwordField(event) : undefined;
  if (field === undefined) return undefined;
  // Worded so the redaction leaves it readable: no "password=" or "password:" in it.
  return [
    'http-password-field',
    `a password in an HTTP request field (${field.where}) of user ${field.user ?? '(none named)'}`,
  ];
};

const fromSmtp = (event: OperationEvent): Found | undefined => {
  if (event.operation !== 'AUTH') return undefined;
  const mechanism = (event.detail ?? '').toUpperCase();
  return cleartextMechanisms.has(mechanism)
    ? ['smtp-auth', `SMTP AUTH ${mechanism} before STARTTLS`]
    : undefined;
};

/** The bind's detail is `dn=... auth=simple` or `auth=sasl:MECH` (ldap-parser.ts). */
const fromLdap = (event: OperationEvent): Found | undefined => {
  if (event.operation !== 'bindRequest') return undefined;
  const detail = event.detail ?? '';
  const at = detail.lastIndexOf(' auth=');
  if (at < 0) return undefined;
  const auth = detail.slice(at + 6);
  const dn = detail.slice(0, at).replace(/^dn=/, '') || 'an empty DN';
  if (auth === 'simple') return ['ldap-simple', `an LDAP simple bind (password) for ${dn}`];
  const mechanism = auth.replace(/^sasl:/, '').toUpperCase();
  return cleartextMechanisms.has(mechanism)
    ? ['ldap-sasl', `an LDAP SASL ${mechanism} bind for ${dn}`]
    : undefined;
};

/** The user a PASS or LOGIN event names (`user=...`, as ftp.ts, pop3.ts and imap.ts write it), bounded. */
const namedUser = (event: OperationEvent): string => (event.detail ?? '').replace(/^user=/, '').slice(0, 64);

/** The protocol's name in evidence, and the login command that carries a password as it is. */
const passwordCommands: Record<string, { name: string; command: string }> = {
  ftp: { name: 'FTP', command: 'PASS' },
  pop3: { name: 'POP3', command: 'PASS' },
  imap: { name: 'IMAP', command: 'LOGIN' },
  // telnet.ts's event for the line typed after a `Password:` prompt.
  telnet: { name: 'Telnet', command: 'password' },
};

/**
 * FTP's and POP3's PASS, IMAP's LOGIN, and a SASL mechanism carrying the secret (POP3 AUTH, IMAP AUTHENTICATE).
 * FTP's anonymous logins are left out: their "password" is an e-mail address by custom (RFC 1635).
 */
const fromMailOrFtp = (event: OperationEvent): Found | undefined => {
  const known = passwordCommands[event.protocol];
  if (known === undefined) return undefined;
  if (event.operation === known.command) {
    const user = namedUser(event);
    if (event.protocol === 'ftp' && anonymousUsers.has(user.toLowerCase())) return undefined;
    return [
      `${event.protocol}-password`,
      // No "PASS:" in the wording: the evidence redaction (text/redact-evidence.ts) would mask what follows.
      `the ${known.name} password${event.protocol === 'telnet' ? '' : ` (${event.operation})`} of user ${user || '(none)'}`,
    ];
  }
  const mechanism = (event.detail ?? '').toUpperCase();
  return (event.operation === 'AUTH' || event.operation === 'AUTHENTICATE') &&
    cleartextMechanisms.has(mechanism)
    ? [`${event.protocol}-sasl`, `${known.name} ${event.operation} ${mechanism}`]
    : undefined;
};

/** The detail of an SNMP request is `version=2c community=public ...` or `community=(set)` (snmp.ts). */
const fromSnmp = (event: OperationEvent): Found | undefined => {
  const detail = event.detail ?? '';
  const version = /^version=(1|2c) community=(\S+)/.exec(detail);
  if (version === null) return undefined;
  const community = version[2] === '(set)' ? '' : `, the well-known default "${version[2]}"`;
  return ['snmp-community', `an SNMPv${version[1]} community string (${event.operation})${community}`];
};

const fromOperation = (event: OperationEvent): Found | undefined => {
  if (event.direction !== 'to-server') return undefined;
  if (event.protocol === 'smtp') return fromSmtp(event);
  if (event.protocol === 'snmp') return fromSnmp(event);
  return event.protocol === 'ldap' ? fromLdap(event) : fromMailOrFtp(event);
};

/** Redis AUTH [user] password, or HELLO ... AUTH user password (RESP3). */
const fromRedis = (event: RedisCommandEvent): Found | undefined => {
  const command = event.command.toUpperCase();
  if (command === 'AUTH')
    return [
      'redis-auth',
      event.args.length > 1 ? `Redis AUTH for user ${event.args[0]?.slice(0, 64)}` : 'Redis AUTH',
    ];
  if (command === 'HELLO' && event.args.some((a) => a.toUpperCase() === 'AUTH'))
    return ['redis-auth', 'Redis HELLO AUTH'];
  return undefined;
};

/** A database login whose server asked for the password as it is (PostgreSQL's AuthenticationCleartextPassword). */
const fromDbAuth = (event: DbAuthEvent): Found | undefined =>
  event.method === 'cleartext'
    ? [
        'db-cleartext',
        `a ${event.dialect} password${event.user ? ` for user ${event.user.slice(0, 64)}` : ''} (cleartext method)`,
      ]
    : undefined;

export const cleartextCredentials: Threat<typeof config, State> = {
  id: 'cleartext-credentials',
  on: ['http-request', 'operation', 'redis-command', 'db-auth'],
  // Requests (which the injection detectors read anyway); logins come first on SMTP, LDAP, FTP, POP3, IMAP, SNMP and
  // Redis connections.
  reads: [
    readsRequests('http-request'),
    {
      kind: 'operation',
      directions: ['to-server'],
      depth: 'first',
      protocols: ['smtp', 'ldap', 'ftp', 'pop3', 'imap', 'telnet', 'snmp'],
    },
    { kind: 'redis-command', directions: ['to-server'], depth: 'first' },
    {
      kind: 'db-auth',
      directions: ['to-client'],
      depth: 'first',
      protocols: ['postgresql', 'socks', 'clickhouse', 'stomp'],
    },
  ],
  config,
  scope: 'flow',
  initialState: () => new Set(),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (flow === undefined || (!c.loopback && (isLoopback(flow.client) || isLoopback(flow.server))))
      return noHits;
    let found: Found | undefined;
    if (event.kind === 'http-request') found = fromHttp(event, c) ?? fromHttpFields(event, c);
    else if (event.kind === 'operation') found = fromOperation(event);
    else if (event.kind === 'redis-command' && event.direction === 'to-server') found = fromRedis(event);
    else if (event.kind === 'db-auth') found = fromDbAuth(event);
    if (found === undefined || state.has(found[0])) return noHits;
    state.add(found[0]);
    return [
      {
        threat: 'cleartext-credentials',
        severity: c.severity,
        confidence: 1,
        evidence: `${found[1]} sent unencrypted`,
        ts: event.ts,
      },
    ];
  },
};
