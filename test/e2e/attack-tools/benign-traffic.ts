/**
 * Ordinary traffic from real clients in the benign namespace: a browser-like HTTP session (keep-alive, cookies,
 * assets, a JSON API, a login form, text with quotes), Redis commands, Kubernetes/CDN/cloud DNS lookups with
 * search-path expansion, ssh where it belongs (22) and a normal ping. None of it may be flagged.
 */
import { join } from 'node:path';
import type { Netns } from '#test/helpers/netns.ts';
import { addresses } from './attack-lab.ts';
import { ports } from './victim-servers.ts';

export type BenignClient = { name: string; requests: number; run(ns: Netns, dir: string): unknown };

const server = addresses.victimForBenign;
const browser = [
  '-H',
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  '-H',
  'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  '-H',
  'Accept-Language: en-GB,en;q=0.9',
];
const pages = [
  '/',
  '/static/site.css',
  '/static/app.js',
  '/item?id=2',
  `/search?q=${encodeURIComponent("O'Reilly books")}`,
  `/search?q=${encodeURIComponent('how to drop a table tennis ball')}`,
  `/search?q=${encodeURIComponent('select the best <b>bold</b> font & colours')}`,
  '/account/orders?page=2&sort=-date',
];

/** Search-path expansion of a pod with ndots:5 (namespace default), then the names themselves. */
const expand = (name: string): string[] =>
  ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local']
    .map((suffix) => `${name}.${suffix}`)
    .concat(name);
const lookups: [name: string, type: string][] = [
  ...['api', 'redis.cache', 'kafka-0.kafka-headless.data'].flatMap((n) =>
    expand(n).map((e) => [e, 'A'] as [string, string]),
  ),
  ['_http._tcp.api.default.svc.cluster.local', 'SRV'],
  ...expand('sts.us-east-1.amazonaws.com').map((e) => [e, 'AAAA'] as [string, string]),
  ['d111111abcdef8.cloudfront.net', 'A'],
  ['e12345.dscb.akamaiedge.net', 'A'],
  ['storage.googleapis.com', 'A'],
  ['login.microsoftonline.com', 'A'],
  ['www.wikipedia.org', 'A'],
];

export const benignClients: readonly BenignClient[] = [
  {
    name: 'curl: browser-like session (one keep-alive connection, cookies, assets, search with quotes)',
    requests: pages.length,
    run: (ns, dir) =>
      ns.exec('curl', [
        '-s',
        '-o',
        '/dev/null',
        '-c',
        join(dir, 'cookies.txt'),
        '-b',
        'session=7f3a9c; theme=dark',
        ...browser,
        ...pages.map((page) => `http://${server}:${ports.sqlmapTarget}${page}`),
      ]),
  },
  {
    name: 'curl: JSON API and login form',
    requests: 2,
    run: (ns) => {
      ns.exec('curl', [
        '-s',
        '-o',
        '/dev/null',
        '-H',
        'Content-Type: application/json',
        '-H',
        'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl',
        '--data',
        JSON.stringify({
          note: "Leave it at the door; it's fine -- thanks!",
          items: [1, 2],
          coupon: 'SPRING-25%',
        }),
        `http://${server}:${ports.sqlmapTarget}/api/orders`,
      ]);
      ns.exec('curl', [
        '-s',
        '-o',
        '/dev/null',
        '--data',
        'user=alice&password=S3cr3t!%27%3B&remember=on',
        `http://${server}:${ports.sqlmapTarget}/login`,
      ]);
    },
  },
  {
    name: 'curl: HTTPS (TLS 1.3) to the same shop',
    requests: 1,
    run: (ns) => ns.exec('curl', ['-sk', '-o', '/dev/null', ...browser, `https://${server}/`]),
  },
  {
    name: 'redis-cli: cache and session commands',
    requests: 6,
    run: (ns) =>
      ns.exec('redis-cli', ['-h', server], {
        input: [
          'SET cart:42 socks',
          'GET cart:42',
          'HSET session:7f3a9c user alice theme dark',
          'INCR visits',
          'EXPIRE session:7f3a9c 3600',
          `SET note "O'Reilly: select * from the shelf"`,
        ].join('\n'),
      }),
  },
  {
    name: 'psql: a table, quoted names and a LIKE',
    requests: 5,
    run: (ns) =>
      ns.exec('psql', [
        '-h',
        server,
        '-U',
        'postgres',
        '-c',
        'SELECT count(*) FROM pg_class',
        '-c',
        'CREATE TABLE books (title text, note text)',
        '-c',
        "INSERT INTO books VALUES ('O''Reilly Media', 'how to drop a table tennis ball -- or not')",
        '-c',
        "SELECT title FROM books WHERE title LIKE 'O''%' OR note = 'n/a'",
        '-c',
        'DROP TABLE books',
      ]),
  },
  {
    name: 'dig: Kubernetes service names with search-path expansion, SRV, CDN and cloud SDK names',
    requests: lookups.length,
    run: (ns) => ns.exec('dig', [`@${server}`, '+tries=1', '+time=2', ...lookups.flat()]),
  },
  {
    name: 'ssh to port 22 (refused key, as a health probe would be)',
    requests: 1,
    run: (ns) => {
      try {
        ns.exec('ssh', [
          '-o',
          'BatchMode=yes',
          '-o',
          'StrictHostKeyChecking=no',
          '-o',
          'UserKnownHostsFile=/dev/null',
          `nobody@${server}`,
          'true',
        ]);
      } catch {
        // refused authentication: the exchange happened, which is what the capture needs
      }
    },
  },
  {
    name: 'hping3: a normal ping (3 echo requests)',
    requests: 3,
    run: (ns) => {
      try {
        ns.exec('hping3', ['--icmp', '-c', '3', '-i', 'u200000', server]);
      } catch {
        // hping3 exits non-zero when a reply is missing; the requests were sent
      }
    },
  },
];
