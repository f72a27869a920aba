/** Test helper: a configuration for Debian's ngircd (an IRC server) listening on loopback, no PAM, ident or DNS. */
import { join } from 'node:path';

export const ngircdConfig = (port: number, dir: string): string => `[Global]
Name = irc.shop.test
Info = meshward test server
Listen = 127.0.0.1
Ports = ${port}
MotdPhrase = "hello"
PidFile = ${join(dir, 'ngircd.pid')}
[Options]
PAM = no
Ident = no
DNS = no
`;
