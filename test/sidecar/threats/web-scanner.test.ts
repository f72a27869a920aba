import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Header, HttpResponseEvent } from '#sidecar/events.ts';
import type { PacketEvent, ThreatHit } from '#sidecar/threats/threat.ts';
import { webScanner } from '#sidecar/threats/web-scanner.ts';
import { dnsQuery, flow, httpRequest, runThreat } from './threat-factories.ts';

const answer = (
  target: string,
  status: number,
  ts: number,
  options: { body?: string; type?: string } = {},
): HttpResponseEvent => ({
  kind: 'http-response',
  ts,
  direction: 'to-client',
  version: '1.1',
  status,
  headers: [['Content-Type', options.type ?? 'text/html']],
  body: new TextEncoder().encode(options.body ?? ''),
  bodyTruncated: false,
  request: { method: 'GET', target, forwarding: [] },
});

const ua = (value: string): Header[] => [['User-Agent', value]];
const request = (target: string, ts: number, headers: Header[] = []) => httpRequest(target, { ts, headers });
/** A request and its answer, as a connection brings them. */
const exchange = (target: string, status: number, ts: number, headers: Header[] = []) => [
  request(target, ts, headers),
  answer(target, status, ts + 5),
];
const stories = (hits: readonly ThreatHit[]) => hits.map((h) => [h.severity, h.evidence]);

describe('web-scanner: tool fingerprints', () => {
  const samples: [string, Header[], string][] = [
    ['sqlmap', ua('sqlmap/1.7.2#stable (https://sqlmap.org)'), 'sqlmap'],
    ['Nikto', ua('Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000001)'), 'Nikto'],
    ['Nuclei', ua('Nuclei - Open-source project (github.com/projectdiscovery/nuclei)'), 'Nuclei'],
    [
      'Acunetix header',
      [['Acunetix-Product', 'WVS/5.0 (Acunetix Web Vulnerability Scanner - NORMAL)']],
      'Acunetix',
    ],
    ['Nessus', ua('Nessus SOAP'), 'Nessus'],
    ['OpenVAS', ua('Mozilla/5.0 [en] (X11, U; OpenVAS-VT 21.4.3)'), 'OpenVAS/Greenbone'],
    ['WPScan', ua('WPScan v3.8.22 (https://wpscan.com/wordpress-security-scanner)'), 'WPScan'],
    ['gobuster', ua('gobuster/3.6'), 'gobuster'],
    ['ffuf', ua('Fuzz Faster U Fool v2.1.0-dev'), 'ffuf'],
    ['feroxbuster', ua('feroxbuster/2.10.1'), 'feroxbuster'],
    [
      'Nmap',
      ua('Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)'),
      'Nmap NSE',
    ],
    ['zgrab', ua('Mozilla/5.0 zgrab/0.x'), 'zgrab'],
    ['Hydra', ua('Mozilla/4.0 (Hydra)'), 'Hydra'],
    ['ZAP', [['X-ZAP-Scan-ID', '40018']], 'OWASP ZAP'],
    ['commix', ua('commix/v3.8 (https://commixproject.com)'), 'commix'],
  ];

  it.each(samples)('names %s', (_name, headers, tool) => {
    const hits = runThreat(webScanner, [request('/', 1_000, headers)]);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ threat: 'web-scanner', severity: 'medium' });
    expect(hits[0]?.evidence).toMatch(new RegExp(`^${tool.replace(/[/]/g, '\\/')} scanning: `));
  });

  it('names a probe path of its own (Acunetix, Nessus)', () => {
    const hits = runThreat(webScanner, [
      request('/acunetix-wvs-test-for-some-inexistent-file', 1_000),
      request('/nessus_is_probing_you_', 1_100),
    ]);
    expect(hits.map((h) => h.evidence)).toEqual([
      'Acunetix scanning: path /acunetix-wvs-test-for-some-inexistent-file',
      'Nessus scanning: path /nessus_is_probing_you_',
    ]);
  });

  it('reports a tool once per client and window, not per request', () => {
    const nikto = ua('Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000001)');
    const scan = Array.from({ length: 500 }, (_, i) => request(`/cgi-bin/t${i}`, 1_000 + i * 100, nikto));
    expect(runThreat(webScanner, scan)).toHaveLength(1);
    const longer = Array.from({ length: 30 }, (_, i) => request(`/x${i}`, 1_000 + i * 10_000, nikto));
    expect(runThreat(webScanner, longer).map((h) => h.ts)).toEqual([
      1_000, 61_000, 121_000, 181_000, 241_000,
    ]);
    const other = flow({ client: { ip: '10.0.0.77', port: 50000 } });
    expect(runThreat(webScanner, scan.slice(0, 3), { flow: other })).toHaveLength(1);
  });

  it('leaves browsers, curl, crawlers, probes and scrapers alone, and tools in ignoreTools', () => {
    const agents = [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'curl/7.88.1',
      'kube-probe/1.29',
      'Prometheus/2.48.0',
      'Go-http-client/1.1',
      'python-requests/2.31.0',
    ];
    expect(
      runThreat(
        webScanner,
        agents.map((a, i) => request('/', 1_000 + i, ua(a))),
      ),
    ).toEqual([]);
    const nmap = ua('Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)');
    expect(
      runThreat(webScanner, [request('/', 1_000, nmap)], { config: { ignoreTools: ['Nmap NSE'] } }),
    ).toEqual([]);
    expect(runThreat(webScanner, [request('/', 1_000, nmap)], { config: { fingerprints: false } })).toEqual(
      [],
    );
  });
});

describe('web-scanner: forced browsing', () => {
  const words = Array.from({ length: 80 }, (_, i) => `/w${i}`);

  it('reports 50 distinct missing paths in a minute that are most of the answers, once, with the counts', () => {
    const scan = words.flatMap((w, i) => exchange(w, 404, 1_000 + i * 200));
    const hits = runThreat(webScanner, scan);
    expect(hits).toHaveLength(1);
    expect(hits[0]?.evidence).toMatch(
      /^forced browsing: 50 distinct paths refused or missing \(50 of 50 answers within 60000 ms\), e\.g\. \/w0, \/w1/,
    );
    expect(hits[0]?.count).toBe(50);
  });

  it('counts 403 too, and not paths spread thinner than the window, nor a client mostly answered 200', () => {
    expect(
      runThreat(
        webScanner,
        words.flatMap((w, i) => exchange(w, 403, 1_000 + i * 200)),
      ),
    ).toHaveLength(1);
    expect(
      runThreat(
        webScanner,
        words.flatMap((w, i) => exchange(w, 404, 1_000 + i * 2_000)),
      ),
    ).toEqual([]);
    const busy = words.flatMap((w, i) => [
      ...exchange(w, 404, 1_000 + i * 300),
      ...exchange(`/api/items/${i}`, 200, 1_100 + i * 300),
      ...exchange(`/api/users/${i}`, 200, 1_200 + i * 300),
    ]);
    expect(runThreat(webScanner, busy)).toEqual([]);
    expect(
      runThreat(
        webScanner,
        words.flatMap((w, i) => exchange(w, 404, 1_000 + i * 200)),
        { config: { minMissedPaths: 100 } },
      ),
    ).toEqual([]);
  });

  it('counts one missing path asked for again and again once (a broken link, a retrying client)', () => {
    const retries = Array.from({ length: 300 }, (_, i) =>
      exchange('/favicon.ico', 404, 1_000 + i * 100),
    ).flat();
    expect(runThreat(webScanner, retries)).toEqual([]);
  });
});

describe('web-scanner: sensitive probes and exposures', () => {
  it('reports three distinct secret paths asked for within the window, whatever the answers', () => {
    const hits = runThreat(webScanner, [
      ...exchange('/.git/config', 404, 1_000),
      ...exchange('/.env', 404, 2_000),
      ...exchange('/index.html', 200, 2_500),
      ...exchange('/actuator/env', 404, 3_000),
      ...exchange('/.aws/credentials', 404, 4_000),
    ]);
    expect(stories(hits)).toEqual([
      ['medium', 'probes of 3 or more sensitive paths within 60000 ms: /.git/config, /.env, /actuator/env'],
    ]);
  });

  it('counts an application path (wp-login.php) as a probe only when the server refuses or lacks it', () => {
    const wordpressUser = [
      ...exchange('/wp-login.php', 200, 1_000),
      ...exchange('/wp-admin/', 200, 2_000),
      ...exchange('/xmlrpc.php', 200, 3_000),
    ];
    expect(runThreat(webScanner, wordpressUser)).toEqual([]);
    const prober = [
      ...exchange('/wp-login.php', 404, 1_000),
      ...exchange('/phpmyadmin/', 404, 2_000),
      ...exchange('/xmlrpc.php', 403, 3_000),
    ];
    expect(runThreat(webScanner, prober)).toHaveLength(1);
  });

  it('counts a probe path refused with 401 by a client never refused before', () => {
    const prober = [
      answer('/manager/html', 401, 1_000),
      answer('/jmx-console/', 401, 2_000),
      answer('/solr/admin/', 401, 3_000),
    ];
    expect(runThreat(webScanner, prober).map((h) => h.evidence)).toEqual([
      'probes of 3 or more sensitive paths within 60000 ms: /manager/html, /jmx-console/, /solr/admin/',
    ]);
  });

  it('reads a compressed answer before judging it (Content-Encoding gzip)', () => {
    const zipped = gzipSync('[core]\n\tbare = false\n');
    const event = { ...answer('/.git/config', 200, 1_000), body: new Uint8Array(zipped) };
    event.headers = [
      ['Content-Type', 'text/plain'],
      ['Content-Encoding', 'gzip'],
    ];
    expect(runThreat(webScanner, [event]).map((h) => h.severity)).toEqual(['high']);
  });

  it('reports a secret file served (high), and not an HTML page served for every path (a SPA)', () => {
    const git = answer('/.git/config', 200, 1_000, {
      body: '[core]\n\trepositoryformatversion = 0\n',
      type: 'text/plain',
    });
    const env = answer('/.env', 200, 2_000, {
      body: 'DB_PASSWORD=hunter2\n',
      type: 'application/octet-stream',
    });
    expect(stories(runThreat(webScanner, [git, env]))).toEqual([
      ['high', 'GET /.git/config answered 200 with the file (holds "[core]"): an exposed secret'],
      ['high', 'GET /.env answered 200 with the file (not an HTML page): an exposed secret'],
    ]);
    const spa = '<!doctype html><html><body><div id="root"></div></body></html>';
    const fallbacks = ['/.git/config', '/.env', '/actuator/env'].map((p, i) =>
      answer(p, 200, 1_000 + i, { body: spa }),
    );
    expect(runThreat(webScanner, fallbacks)).toEqual([]);
    const heap = answer('/actuator/heapdump', 200, 1_000, {
      body: 'JAVA PROFILE 1.0.2\0',
      type: 'application/octet-stream',
    });
    expect(runThreat(webScanner, [heap])[0]?.severity).toBe('high');
    expect(runThreat(webScanner, [git], { config: { exposureSeverity: 'off' } })).toEqual([]);
  });
});

describe('web-scanner: out-of-band callback domains', () => {
  it('reports an interactsh or Collaborator host in any request value (high), once per domain and window', () => {
    const hits = runThreat(webScanner, [
      httpRequest('/fetch?url=http%3A%2F%2Fcu8n2v3q.oast.pro%2Fx', { ts: 1_000 }),
      httpRequest('/fetch?url=http://other.oast.pro/', { ts: 2_000 }),
      httpRequest('/', { ts: 3_000, headers: [['Referer', 'http://abc123.burpcollaborator.net/']] }),
    ]);
    expect(stories(hits)).toEqual([
      ['high', 'an out-of-band callback domain (oast.pro) in query url: http://cu8n2v3q.oast.pro/x'],
      [
        'high',
        'an out-of-band callback domain (burpcollaborator.net) in header referer: http://abc123.burpcollaborator.net/',
      ],
    ]);
  });

  it('reports request catchers (webhook.site, ngrok) low, and can switch them off', () => {
    const hook = httpRequest('/', {
      body: JSON.stringify({ callback: 'https://webhook.site/1f0e' }),
      ts: 1_000,
    });
    expect(runThreat(webScanner, [hook]).map((h) => h.severity)).toEqual(['low']);
    expect(runThreat(webScanner, [hook], { config: { sharedCallbackSeverity: 'off' } })).toEqual([]);
  });

  it('reports the pod looking up a callback domain as critical: the payload ran', () => {
    const lookup = dnsQuery('cu8n2v3q3lm0000g4m8gg8y8tse.oast.fun');
    const dnsFlow = flow({ protocol: 'dns', transport: 'udp', server: { ip: '10.96.0.10', port: 53 } });
    expect(stories(runThreat(webScanner, [lookup], { flow: dnsFlow }))).toEqual([
      [
        'critical',
        '10.0.0.5 looked up cu8n2v3q3lm0000g4m8gg8y8tse.oast.fun (A), an out-of-band callback domain (oast.fun): a blind SSRF, RCE or XXE payload ran',
      ],
    ]);
    expect(runThreat(webScanner, [dnsQuery('abc.ngrok-free.app')], { flow: dnsFlow })[0]?.severity).toBe(
      'medium',
    );
    const answerToo = dnsQuery('x.oast.fun', 'A', { isResponse: true, direction: 'to-client' });
    expect(runThreat(webScanner, [answerToo], { flow: dnsFlow })).toEqual([]);
  });

  it('takes the policy list, and leaves look-alike names alone', () => {
    expect(
      runThreat(webScanner, [dnsQuery('x.callbacks.example')], {
        config: { callbackDomains: ['callbacks.example'] },
      }),
    ).toHaveLength(1);
    const alike = ['boast.pro', 'oast.pro.example.com', 'mywebhook.site', 'interact.shop'].map((n) =>
      dnsQuery(n),
    );
    expect(runThreat(webScanner, alike)).toEqual([]);
  });
});

describe('web-scanner: ordinary traffic', () => {
  it('leaves a browser session alone: pages, a SPA API, a favicon and a source map missing', () => {
    const chrome = ua(
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36',
    );
    const session = [
      ...exchange('/', 200, 1_000, chrome),
      ...exchange('/favicon.ico', 404, 1_100, chrome),
      ...exchange('/static/app.js.map', 404, 1_200, chrome),
      ...exchange('/config.json', 200, 1_250, chrome),
      ...Array.from({ length: 120 }, (_, i) =>
        exchange(`/api/orders/${i}`, i % 10 === 0 ? 404 : 200, 1_300 + i * 50, chrome),
      ).flat(),
    ];
    expect(runThreat(webScanner, session)).toEqual([]);
  });

  it('leaves health checks, Prometheus scrapes and a crawler with a few dead links alone', () => {
    const probe = Array.from({ length: 600 }, (_, i) =>
      exchange(i % 2 ? '/healthz' : '/readyz', i % 7 ? 200 : 503, 1_000 + i * 100, ua('kube-probe/1.29')),
    ).flat();
    const scrape = Array.from({ length: 100 }, (_, i) =>
      exchange('/metrics', 200, 1_000 + i * 15_000, ua('Prometheus/2.48.0')),
    ).flat();
    const googlebot = ua('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
    const crawl = Array.from({ length: 200 }, (_, i) =>
      exchange(`/products/${i}`, i % 25 === 0 ? 404 : 200, 1_000 + i * 250, googlebot),
    ).flat();
    const robots = exchange('/robots.txt', 404, 900, googlebot);
    expect(runThreat(webScanner, [...probe, ...scrape, ...robots, ...crawl])).toEqual([]);
  });

  it('judges no packet or other event, and keeps no state for clients that were never refused', () => {
    const packet = {
      kind: 'packet',
      ts: 1,
      transport: 'tcp',
      src: { ip: '1.1.1.1', port: 1 },
      dst: { ip: '2.2.2.2', port: 2 },
      payloadLength: 0,
      ipLength: 40,
    } as PacketEvent;
    expect(runThreat(webScanner, [packet])).toEqual([]);
    const state = webScanner.initialState();
    const config = webScanner.config.parse({});
    for (let i = 0; i < 100; i++)
      webScanner.inspect(answer(`/page/${i}`, 200, i), state, {
        flow: flow({ client: { ip: `10.1.0.${i}`, port: 1 } }),
        config,
      });
    expect(state.size).toBe(0);
  });

  it('forgets the oldest clients past its bound', () => {
    const state = webScanner.initialState();
    const config = webScanner.config.parse({});
    for (let i = 0; i < 5_000; i++)
      webScanner.inspect(answer('/missing', 404, i), state, {
        flow: flow({ client: { ip: `10.${i >> 8}.${i & 255}.1`, port: 1 } }),
        config,
      });
    expect(state.size).toBe(4096);
  });
});
