/** The `web-scanner` detector's policy: windows, thresholds, severities per finding, and its lists (all extensible). */
import { z } from 'zod';
import { allowList } from './allowed-servers.ts';
import { detectorConfig, severityOrOff } from './threat.ts';

const sensitivePath = z.strictObject({ path: z.string().min(1), marker: z.string().min(1).optional() });

/** Secret files, each with what its real answer holds (none: any answer that is not an HTML page). */
const secretPaths = [
  { path: '/.git/config', marker: '[core]' },
  { path: '/.git/HEAD', marker: 'ref: refs/' },
  { path: '/.git-credentials', marker: '@' },
  { path: '/.env' },
  { path: '/.aws/credentials', marker: 'aws_access_key_id' },
  { path: '/.docker/config.json', marker: 'auths' },
  { path: '/.kube/config', marker: 'apiVersion' },
  { path: '/.ssh/id_rsa', marker: 'PRIVATE KEY' },
  { path: '/id_rsa', marker: 'PRIVATE KEY' },
  { path: '/.npmrc', marker: '_auth' },
  { path: '/.htpasswd' },
  { path: '/.bash_history' },
  { path: '/.svn/entries' },
  { path: '/.svn/wc.db', marker: 'SQLite format' },
  { path: '/.DS_Store', marker: 'Bud1' },
  { path: '/WEB-INF/web.xml', marker: '<web-app' },
  { path: '/actuator/env', marker: 'propertySources' },
  { path: '/actuator/heapdump', marker: 'JAVA PROFILE' },
  { path: '/actuator/configprops', marker: 'beans' },
  { path: '/heapdump', marker: 'JAVA PROFILE' },
  { path: '/server-status', marker: 'Server Status' },
  { path: '/server-info', marker: 'Server Information' },
  { path: '/phpinfo.php', marker: 'phpinfo()' },
  { path: '/info.php', marker: 'phpinfo()' },
  { path: '/debug/pprof', marker: 'profiles' },
  { path: '/debug/vars', marker: 'memstats' },
  { path: '/backup.sql', marker: 'CREATE TABLE' },
  { path: '/dump.sql', marker: 'CREATE TABLE' },
  { path: '/database.sql', marker: 'CREATE TABLE' },
  { path: '/wp-config.php.bak', marker: 'DB_PASSWORD' },
  { path: '/config.php.bak' },
  { path: '/.vscode/sftp.json', marker: 'password' },
];

/** Paths of applications scanners look for: a probe only when the server refuses or lacks them, never an exposure. */
const probePaths = [
  '/wp-login.php',
  '/xmlrpc.php',
  '/wp-admin',
  '/phpmyadmin',
  '/pma',
  '/admin.php',
  '/config.json',
  '/console',
  '/manager/html',
  '/solr/admin',
  '/jmx-console',
  '/cgi-bin/test-cgi',
  '/_profiler',
  '/telescope/requests',
  '/elmah.axd',
  '/trace.axd',
];

/** Out-of-band interaction services no application calls on its own (their owners' published domains). */
const callbackDomains = [
  // ProjectDiscovery interactsh public servers (Nuclei's -iserver default list).
  'oast.pro',
  'oast.live',
  'oast.site',
  'oast.online',
  'oast.fun',
  'oast.me',
  'interact.sh',
  'interactsh.com',
  // Burp Collaborator's public server, old and new names.
  'burpcollaborator.net',
  'oastify.com',
  // Acunetix AcuMonitor and Invicti (Netsparker) out-of-band hosts.
  'bxss.me',
  'r87.me',
  // Chinese DNS-log services used by exploit kits.
  'dnslog.cn',
  'ceye.io',
  'dnslog.link',
  'requestrepo.com',
];

/** Request catchers and tunnels that honest developers use too: low in a request, medium when the pod calls out. */
const sharedCallbackDomains = [
  'webhook.site',
  'requestbin.net',
  'requestcatcher.com',
  'pipedream.net',
  'canarytokens.com',
  'ngrok.io',
  'ngrok-free.app',
  'ngrok.app',
];

export const webScannerConfig = detectorConfig('medium', {
  windowMs: z.number().int().positive().default(60_000),
  /** Callers never judged (addresses or CIDRs): a team's own scheduled scanner. */
  allowClients: allowList(),
  /** A request naming a scanner (user-agent, header, probe path); reported at `severity`, as the next two are. */
  fingerprints: z.boolean().default(true),
  /** Tools not reported by name (as spelled in the fingerprint list, e.g. `Nmap NSE`). */
  ignoreTools: z.array(z.string()).default([]),
  /** Forced browsing: distinct paths answered with `missStatuses` within the window, and their share of answers. */
  forcedBrowsing: z.boolean().default(true),
  minMissedPaths: z.number().int().positive().default(50),
  minMissShare: z.number().min(0).max(1).default(0.5),
  missStatuses: z.array(z.number().int()).default([404, 403]),
  /** Distinct sensitive paths probed within the window that make a scanner, whatever the answers. */
  probes: z.boolean().default(true),
  minProbes: z.number().int().positive().default(3),
  secretPaths: z.array(sensitivePath).default(secretPaths),
  probePaths: z.array(z.string().min(1)).default(probePaths),
  /** A secret path answered 200 with what the file holds. */
  exposureSeverity: severityOrOff.default('high'),
  /** Callback domains in a request value, and the pod looking one up (the payload ran). */
  callbackDomains: z.array(z.string().min(1)).default(callbackDomains),
  callbackSeverity: severityOrOff.default('high'),
  callbackLookupSeverity: severityOrOff.default('critical'),
  sharedCallbackDomains: z.array(z.string().min(1)).default(sharedCallbackDomains),
  sharedCallbackSeverity: severityOrOff.default('low'),
  sharedCallbackLookupSeverity: severityOrOff.default('medium'),
  /** Apache Shiro key guessing: different `shiroCookie` cookies refused (`deleteMe`) within the window. */
  shiroCookie: z
    .string()
    .regex(/^[!#-+\--:<-[\]-~]+$/, 'a cookie name (RFC 6265 token)')
    .default('rememberMe'),
  minShiroGuesses: z.number().int().min(2).default(10),
  shiroGuessingSeverity: severityOrOff.default('high'),
});
export type WebScannerConfig = z.infer<typeof webScannerConfig>;
