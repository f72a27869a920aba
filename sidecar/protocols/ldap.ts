/** LDAP v3 (RFC 4511) over TCP: BER-encoded LDAPMessages, operations and their results. */
import { detectLdap } from './ldap-detect.ts';
import { createLdapParser } from './ldap-parser.ts';
import type { Protocol } from './protocol.ts';

export const ldap: Protocol = {
  id: 'ldap',
  transport: 'tcp',
  ports: [389],
  encrypted: false,
  detect: detectLdap,
  createParser: createLdapParser,
};
