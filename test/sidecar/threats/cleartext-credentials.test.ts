import { describe, expect, it } from 'vitest';
import type { DbAuthEvent, OperationEvent, RedisCommandEvent } from '#sidecar/events.ts';
import { cleartextCredentials } from '#sidecar/threats/cleartext-credentials.ts';
import { flow, httpRequest, runThreat } from './threat-factories.ts';

const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;
const operation = (protocol: OperationEvent['protocol'], name: string, detail?: string): OperationEvent => ({
  kind: 'operation',
  ts: 1,
  direction: 'to-server',
  protocol,
  operation: name,
  ...(detail === undefined ? {} : { detail }),
});
const redis = (command: string, ...args: string[]): RedisCommandEvent => ({
  kind: 'redis-command',
  ts: 1,
  direction: 'to-server',
  command,
  args,
  seq: 0,
});
const evidence = (events: Parameters<typeof runThreat>[1], options: Parameters<typeof runThreat>[2] = {}) =>
  runThreat(cleartextCredentials, events, options).map((h) => h.evidence);

describe('cleartext-credentials', () => {
  it('names the user of HTTP Basic credentials and never the password', () => {
    const hits = evidence([
      httpRequest('/admin', { headers: [['Authorization', basic('alice:Tr0ub4dor&3')]] }),
    ]);
    expect(hits).toEqual(['HTTP Basic (Authorization header): the password of user alice sent unencrypted']);
    expect(hits.join()).not.toContain('Tr0ub4dor');
  });

  it('reports bearer tokens when asked (off by default) and proxy credentials, once per kind per flow', () => {
    const token = httpRequest('/api', { headers: [['authorization', 'Bearer eyJhbGciOi.x.y']] });
    const proxy = httpRequest('/api', { headers: [['Proxy-Authorization', basic('svc:pw')]] });
    expect(evidence([token, token, proxy], { config: { bearerTokens: true } })).toEqual([
      'an HTTP Bearer token (Authorization header) sent unencrypted',
      'HTTP Basic (Proxy-Authorization header): the password of user svc sent unencrypted',
    ]);
    expect(evidence([token])).toEqual([]);
  });

  it('reads passwords sent as request fields: a login form, a JSON body, a query, naming the user field', () => {
    const form = (body: string) =>
      httpRequest('/login', {
        method: 'POST',
        body,
        headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      });
    const json = httpRequest('/api/session', {
      method: 'POST',
      body: '{"credentials":{"email":"ops@shop.local","pwd":"Tr0ub4dor&3"}}',
      headers: [['Content-Type', 'application/json']],
    });
    expect(evidence([form('username=alice&password=Tr0ub4dor%263')])).toEqual([
      'a password in an HTTP request field (form password) of user alice sent unencrypted',
    ]);
    expect(evidence([json])).toEqual([
      'a password in an HTTP request field (json $.credentials.pwd) of user ops@shop.local sent unencrypted',
    ]);
    expect(evidence([httpRequest('/legacy/login?user[login]=bob&user[password]=x')])).toEqual([
      'a password in an HTTP request field (query user[password]) of user bob sent unencrypted',
    ]);
    expect(evidence([form('password=hunter2')]).join(' ')).not.toMatch(/hunter2|Tr0ub4dor/);
  });

  it('leaves alone empty passwords, look-alike names, headers and cookies, and can be turned off', () => {
    const quiet = [
      httpRequest('/login', {
        method: 'POST',
        body: 'username=alice&password=',
        headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      }),
      httpRequest('/signup?password_hint=cat&passwordless=true'),
      httpRequest('/', {
        headers: [
          ['X-Password', 'x'],
          ['Cookie', 'password=x'],
        ],
      }),
    ];
    expect(evidence(quiet)).toEqual([]);
    expect(evidence([httpRequest('/login?pass=x')], { config: { passwordFields: false } })).toEqual([]);
  });

  it('leaves alone schemes that do not carry the secret, and requests without credentials', () => {
    const digest = httpRequest('/', { headers: [['Authorization', 'Digest username="a", response="0a4f"']] });
    const negotiate = httpRequest('/', { headers: [['Authorization', 'Negotiate YIIG']] });
    expect(evidence([digest, negotiate, httpRequest('/')])).toEqual([]);
  });

  it('reads FTP and POP3 PASS, IMAP LOGIN, Telnet passwords and SASL mechanisms carrying the secret, not anonymous FTP', () => {
    expect(
      evidence([
        operation('ftp', 'PASS', 'user=anonymous'),
        operation('ftp', 'PASS', 'user=FTP'),
        operation('ftp', 'PASS', 'user=deploy'),
        operation('pop3', 'APOP', 'mrose'),
        operation('pop3', 'AUTH', 'CRAM-MD5'),
        operation('pop3', 'PASS', 'user=mrose'),
        operation('imap', 'AUTHENTICATE', 'PLAIN'),
        operation('imap', 'LOGIN', 'user='),
        operation('imap', 'SELECT', 'INBOX'),
        operation('telnet', 'login', 'admin'),
        operation('telnet', 'password', 'user=admin'),
      ]),
    ).toEqual([
      'the FTP password (PASS) of user deploy sent unencrypted',
      'the POP3 password (PASS) of user mrose sent unencrypted',
      'IMAP AUTHENTICATE PLAIN sent unencrypted',
      'the IMAP password (LOGIN) of user (none) sent unencrypted',
      'the Telnet password of user admin sent unencrypted',
    ]);
  });

  it('reads SMTP AUTH mechanisms, LDAP binds and Redis AUTH', () => {
    expect(
      evidence([
        operation('smtp', 'AUTH', 'PLAIN'),
        operation('smtp', 'AUTH', 'CRAM-MD5'),
        operation('ldap', 'bindRequest', 'dn=cn=admin,dc=example,dc=org auth=simple'),
        operation('ldap', 'bindRequest', 'dn='),
        redis('AUTH', 'default', 's3cret'),
      ]),
    ).toEqual([
      'SMTP AUTH PLAIN before STARTTLS sent unencrypted',
      'an LDAP simple bind (password) for cn=admin,dc=example,dc=org sent unencrypted',
      'Redis AUTH for user default sent unencrypted',
    ]);
    expect(evidence([operation('ldap', 'bindRequest', 'dn= auth=sasl:GSSAPI')])).toEqual([]);
    expect(evidence([redis('hello', '3', 'auth', 'u', 'p')])).toEqual(['Redis HELLO AUTH sent unencrypted']);
  });

  it('reports a PostgreSQL login whose server asked for the cleartext password, not an MD5 or SCRAM one', () => {
    const login = (method: 'cleartext' | 'md5' | 'sasl'): DbAuthEvent => ({
      kind: 'db-auth',
      ts: 1,
      direction: 'to-client',
      dialect: 'postgresql',
      ok: true,
      user: 'app',
      method,
    });
    expect(evidence([login('cleartext')])).toEqual([
      'a postgresql password for user app (cleartext method) sent unencrypted',
    ]);
    expect(evidence([login('md5'), login('sasl')])).toEqual([]);
  });

  it('leaves loopback alone (an app and its mesh proxy) unless told otherwise', () => {
    const request = httpRequest('/admin', { headers: [['Authorization', basic('a:b')]] });
    const inbound = flow({
      client: { ip: '127.0.0.6', port: 40000 },
      server: { ip: '10.0.0.9', port: 8080 },
    });
    expect(evidence([request], { flow: inbound })).toEqual([]);
    expect(evidence([request], { flow: inbound, config: { loopback: true } })).toHaveLength(1);
    expect(evidence([request], { flow: flow({ server: { ip: '::1', port: 80 } }) })).toEqual([]);
  });
});
