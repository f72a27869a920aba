/**
 * What vulnerability scanners and forced-browsing tools write into their requests by default: a User-Agent, a header
 * of their own, a probe path. Each entry names where its marker comes from. A tool told to pass for a browser is not
 * named here; its behaviour is judged elsewhere (forced browsing, sensitive probes, callback domains).
 */
import type { Header } from '../../events.ts';

export type ScannerFingerprint = {
  tool: string;
  /** Lowercase substrings of the User-Agent the tool sends unless told otherwise. */
  userAgent?: readonly string[];
  /** Lowercase names of headers only the tool sends. */
  headers?: readonly string[];
  /** Lowercase substrings of request paths only the tool asks for. */
  paths?: readonly string[];
  /** Where the marker comes from. */
  source: string;
};

export const scannerFingerprints: readonly ScannerFingerprint[] = [
  {
    tool: 'sqlmap',
    userAgent: ['sqlmap/'],
    source:
      'sqlmap lib/core/settings.py: `sqlmap/<version> (https://sqlmap.org)`; seen in sqlmap 1.7.2 (Debian) by web-scanner-real.test.ts',
  },
  {
    tool: 'Nikto',
    userAgent: ['(nikto/'],
    source:
      'nikto.conf.default USERAGENT: `Mozilla/5.00 (Nikto/@VERSION) (Evasions:@EVASIONS) (Test:@TESTID)`',
  },
  {
    tool: 'Nuclei',
    userAgent: ['nuclei - open-source project', 'projectdiscovery/nuclei'],
    source:
      'Nuclei before v2.5 (later ones pick a browser UA): `Nuclei - Open-source project (github.com/projectdiscovery/nuclei)`; CRS scanners-user-agents.data `nuclei`',
  },
  {
    tool: 'Acunetix',
    userAgent: ['acunetix'],
    headers: ['acunetix-product', 'acunetix-scanning-agreement', 'acunetix-user-agreement'],
    paths: ['acunetix-wvs-test-for-some-inexistent-file'],
    source:
      'Acunetix WVS requests: Acunetix-Product / Acunetix-Scanning-agreement headers and its 404 probe path (ET WEB_SCANNER Acunetix rules, OpenRASP 002-detect-scanner.js)',
  },
  {
    tool: 'Netsparker/Invicti',
    userAgent: ['netsparker', 'invicti'],
    paths: ['netsparker'],
    source: 'ET SCAN Netsparker rules; CRS scanners-user-agents.data `netsparker`',
  },
  {
    tool: 'HP WebInspect',
    headers: ['x-wipp'],
    source: 'WebInspect X-WIPP header (OpenRASP 002-detect-scanner.js)',
  },
  {
    tool: 'OWASP ZAP',
    headers: ['x-zap-scan-id'],
    source:
      'ZAP active scan option "Inject plugin ID in header for all active scan requests" (X-ZAP-Scan-ID); ZAP otherwise sends a browser user-agent',
  },
  {
    tool: 'Nessus',
    userAgent: ['nessus'],
    paths: ['/nessus_is_probing_you_', '/nessustest'],
    source:
      'Nessus NASL probes (`Nessus SOAP` user-agent, /nessus_is_probing_you_ and /NessusTest paths); CRS `nessus`, ModSecurity 990902 `^/nessustest`',
  },
  {
    tool: 'OpenVAS/Greenbone',
    userAgent: ['openvas', 'greenbone'],
    source:
      'OpenVAS http_func.inc user-agent `Mozilla/5.0 [en] (X11, U; OpenVAS-VT <version>)`; CRS `openvas`',
  },
  {
    tool: 'WPScan',
    userAgent: ['wpscan'],
    source:
      'WPScan default user-agent `WPScan v<version> (https://wpscan.com/wordpress-security-scanner)`; CRS `wpscan`',
  },
  {
    tool: 'Arachni',
    userAgent: ['arachni/'],
    source: 'Arachni default user-agent `Arachni/v<version>`; CRS `arachni`',
  },
  {
    tool: 'w3af',
    userAgent: ['w3af.org', 'w3af/'],
    source: 'w3af default user-agent (contains `w3af.org`); CRS `w3af.org`',
  },
  {
    tool: 'DirBuster',
    userAgent: ['dirbuster'],
    source: 'OWASP DirBuster user-agent `DirBuster-<version>`; CRS `dirbuster`',
  },
  {
    tool: 'gobuster',
    userAgent: ['gobuster/'],
    source: 'gobuster libgobuster: `gobuster/<version>`; CRS `gobuster`',
  },
  {
    tool: 'feroxbuster',
    userAgent: ['feroxbuster/'],
    source: 'feroxbuster default user-agent `feroxbuster/<version>`; CRS `feroxbuster`',
  },
  {
    tool: 'ffuf',
    userAgent: ['fuzz faster u fool'],
    source: 'ffuf default user-agent `Fuzz Faster U Fool v<version>`; CRS `fuzz faster`',
  },
  { tool: 'wfuzz', userAgent: ['wfuzz/'], source: 'wfuzz default user-agent `Wfuzz/<version>`; CRS `wfuzz`' },
  {
    tool: 'masscan',
    userAgent: ['masscan/'],
    source:
      'masscan banner probe `masscan/<version> (https://github.com/robertdavidgraham/masscan)`; CRS `masscan`',
  },
  { tool: 'zgrab', userAgent: ['zgrab/'], source: 'ZGrab http module `Mozilla/5.0 zgrab/0.x`; CRS `zgrab`' },
  {
    tool: 'Nmap NSE',
    userAgent: ['nmap scripting engine', 'nmap nse'],
    source:
      'nmap nselib/http.lua USER_AGENT `Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)`; seen in nmap 7.93 by web-scanner-real.test.ts',
  },
  {
    tool: 'Hydra',
    userAgent: ['(hydra)'],
    source:
      'THC Hydra http modules `Mozilla/4.0 (Hydra)` (later `Mozilla/5.0 (Hydra)`); CRS `Mozilla/4.0 (Hydra)`',
  },
  {
    tool: 'commix',
    userAgent: ['commix/'],
    source:
      'commix settings.py default user-agent `commix/v<version> (https://commixproject.com)`; CRS `commix`',
  },
  {
    tool: 'XSStrike',
    userAgent: ['xsstrike'],
    source: 'CRS scanners-user-agents.data `xsstrike` (XSStrike otherwise sends browser user-agents)',
  },
  {
    tool: 'Jaeles',
    userAgent: ['jaeles'],
    source: 'Jaeles names itself in its default user-agent (not verified against the tool here)',
  },
  {
    tool: 'Wapiti',
    userAgent: ['wapiti'],
    source: 'older Wapiti user-agent `Wapiti-<version> (wapiti.sourceforge.net)`; CRS `wapiti`',
  },
  { tool: 'sqlninja', userAgent: ['sqlninja'], source: 'CRS scanners-user-agents.data `sqlninja`' },
  {
    tool: 'WhatWeb',
    userAgent: ['whatweb/'],
    source: 'WhatWeb default user-agent `WhatWeb/<version>`; CRS `whatweb`',
  },
  {
    tool: 'skipfish',
    userAgent: ['skipfish'],
    source:
      'skipfish user-agent `Mozilla/5.0 SF/<version>` in -b modes, else contains `skipfish`; CRS `skipfish`',
  },
  {
    tool: 'Tsunami',
    userAgent: ['tsunamisecurityscanner'],
    source: 'Google Tsunami `TsunamiSecurityScanner`; CRS',
  },
];

/** Marker paths, in one expression (the path of every request is tested once against it). */
const pathMarkers = scannerFingerprints.flatMap((f) =>
  (f.paths ?? []).map((path) => ({ path, tool: f.tool })),
);
const pathTrigger = new RegExp(
  pathMarkers.map((m) => m.path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'),
  'i',
);

const headerTools = new Map(
  scannerFingerprints.flatMap((f) => (f.headers ?? []).map((h) => [h, f.tool] as const)),
);
const headerLengths = new Set([...headerTools.keys()].map((name) => name.length));

const uaMarkers = scannerFingerprints.flatMap((f) => (f.userAgent ?? []).map((ua) => ({ ua, tool: f.tool })));
/** User-agents repeat from request to request: a verdict per string, cleared when full. */
const uaVerdicts = new Map<string, string | null>();

const userAgentTool = (ua: string): string | undefined => {
  const known = uaVerdicts.get(ua);
  if (known !== undefined) return known ?? undefined;
  const lower = ua.length > 512 ? ua.slice(0, 512).toLowerCase() : ua.toLowerCase();
  const tool = uaMarkers.find((m) => lower.includes(m.ua))?.tool;
  if (uaVerdicts.size >= 1024) uaVerdicts.clear();
  uaVerdicts.set(ua, tool ?? null);
  return tool;
};

export type ScannerMark = { tool: string; marker: string };

/** The scanner a request names by its User-Agent, a header of its own or a probe path; undefined for others. */
export const scannerMark = (path: string, headers: readonly Header[]): ScannerMark | undefined => {
  for (const [name, value] of headers) {
    if (name.length === 10 && name.toLowerCase() === 'user-agent') {
      const tool = userAgentTool(value);
      if (tool !== undefined) return { tool, marker: `user-agent ${value.slice(0, 160)}` };
    } else if (headerLengths.has(name.length)) {
      const tool = headerTools.get(name.toLowerCase());
      if (tool !== undefined) return { tool, marker: `header ${name}: ${value.slice(0, 120)}` };
    }
  }
  if (!pathTrigger.test(path)) return undefined;
  const lower = path.toLowerCase();
  const found = pathMarkers.find((m) => lower.includes(m.path));
  return found === undefined ? undefined : { tool: found.tool, marker: `path ${path.slice(0, 160)}` };
};
