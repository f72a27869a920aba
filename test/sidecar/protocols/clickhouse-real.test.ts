/**
 * ClickHouse's native protocol for real, in a network namespace the test creates: Debian's clickhouse-server 18.16
 * (test/helpers/clickhouse-server.ts) listening on Redis's port (6379), Debian's clickhouse-client logging in as alice
 * to create a table, insert into it, select from it and read it whole, Debian's python3-clickhouse-driver selecting
 * with a setting, two queries on one connection, three tables dumped in ClickHouse's Native format on one connection
 * (`--multiquery`, as a script copying a database out would), then ten logins with wrong passwords. Captured by tcpdump,
 * read by the engine with the default detectors (cleartext-credentials told to look at loopback too).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import type { EngineObserver } from '#sidecar/engine-observer.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { startClickhouse } from '#test/helpers/clickhouse-server.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns, netnsUnavailable } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';

const pythonDriver = '/usr/lib/python3/dist-packages/clickhouse_driver';
const unavailable =
  netnsUnavailable(['tcpdump', 'ss', 'clickhouse-server', 'clickhouse-client']) ??
  (existsSync(pythonDriver) ? undefined : 'python3-clickhouse-driver is missing');
const port = 6379;
const alice = { name: 'alice', password: 'Blue-Heron-42' };
const queries = [
  'CREATE TABLE users (id UInt32, name String, email String) ENGINE = Memory',
  "INSERT INTO users VALUES (1, 'ann', 'ann@example.org'), (2, 'bob', 'bob@example.org')",
  'SELECT name FROM users WHERE id = 1',
  'SELECT * FROM users',
  // What an application whose filter was injected (`' OR '1'='1`) sends.
  "SELECT name FROM users WHERE name = '' OR '1'='1'",
];
const wrongLogins = 10;
/** Two queries on one connection (`--multiquery`): the second is read only if both directions stayed in frame. */
const twoQueries = ['SELECT count() FROM users', 'SELECT nosuchcol FROM users'];
/** Debian's python3-clickhouse-driver (0.2.5, revision 54453; 54412 with this server), uncompressed, with a setting. */
/** Tables created before the capture, so that the dump reads three: users (created under capture), orders, cards. */
const moreTables = ['orders', 'cards'];
const dump = ['users', ...moreTables].map((t) => `SELECT * FROM ${t} FORMAT Native`);
const driverQuery = "SELECT id, email FROM users WHERE name = 'bob'";
const driver = `from clickhouse_driver import Client
c = Client(host='127.0.0.1', port=${port}, user='${alice.name}', password='${alice.password}', client_name='orders-svc',
           settings={'max_threads': 2})
print(c.execute("${driverQuery}"))`;

type Run = { flows: FlowFinding[]; threats: ThreatFinding[]; events: string[]; said: string[]; pcap: string };

const recorder = (events: string[]): EngineObserver => ({
  onEvent(flow, event) {
    const at = `${flow.client.port}`;
    if (event.kind === 'sql-query') events.push(`${at} sql ${event.dialect} ${event.text}`);
    if (event.kind === 'db-auth') events.push(`${at} auth ${event.ok} ${event.user} ${event.method}`);
    if (event.kind === 'operation' && event.protocol === 'clickhouse')
      events.push(`${at} op ${event.operation} ${event.detail ?? ''}`);
  },
});

const client = (ns: Netns, password: string, query: string, more: string[] = []): string => {
  const args = ['--host', '127.0.0.1', '--port', `${port}`, '--user', alice.name, '--password', password];
  try {
    return ns.exec('clickhouse-client', [...args, ...more, '--query', query]).trim();
  } catch (error) {
    return `refused: ${String((error as { stderr?: string }).stderr ?? error).split('\n')[0]}`;
  }
};

const session = async (ns: Netns, dir: string): Promise<Run> => {
  await startClickhouse(ns, dir, port, alice);
  for (const t of moreTables)
    client(ns, alice.password, `CREATE TABLE ${t} (id UInt32, note String) ENGINE = Memory`);
  const pcap = join(dir, 'clickhouse.pcap');
  const tcpdump = await captureInNamespace(ns, pcap, `tcp port ${port}`);
  const said = queries.map((query) => client(ns, alice.password, query));
  said.push(ns.exec('/usr/bin/python3', ['-c', driver]).trim());
  said.push(client(ns, alice.password, twoQueries.join('; '), ['--multiquery']));
  said.push(client(ns, alice.password, dump.join('; '), ['--multiquery']));
  for (let i = 0; i < wrongLogins; i++) said.push(client(ns, `guess-${i}`, 'SELECT 1'));
  await stopTcpdump(tcpdump);
  const events: string[] = [];
  // The capture is on the namespace's loopback: ask cleartext-credentials to look there too.
  const runner = createThreatRunner({ configs: { 'cleartext-credentials': { loopback: true } } });
  const { findings } = await inspectFile(pcap, { observers: [runner, recorder(events)] });
  return {
    ...splitFindings(findings),
    events,
    said,
    pcap,
  };
};

describe.skipIf(unavailable !== undefined)(
  `ClickHouse against Debian's clickhouse-server${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/clickhouse.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let run: Run;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-clickhouse-real-'));

    beforeAll(async () => {
      ns = createNetns('mwch');
      run = await session(ns, dir);
    }, 120_000);

    afterAll(() => {
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('labels every connection clickhouse, on a port that says redis', () => {
      expect(run.said.slice(2, 6)).toEqual([
        'ann',
        '1\tann\tann@example.org\n2\tbob\tbob@example.org',
        'ann\nbob',
        "[(2, 'bob@example.org')]",
      ]);
      // Native blocks: the column names and the rows' bytes as they are.
      expect(run.said[7]).toContain('ann@example.org');
      expect(run.said.slice(8).every((s) => s.includes('Wrong password for user alice'))).toBe(true);
      expect(run.flows).toHaveLength(queries.length + 3 + wrongLogins);
      for (const flow of run.flows) expect(flow.protocol, `${flow.client.port}`).toBe('clickhouse');
    });

    it('tells each query, its verb in the summary, and the logins accepted and refused', () => {
      const sql = run.events.filter((e) => e.includes(' sql ')).map((e) => e.split(' sql ')[1]);
      // clickhouse-client sends an INSERT's rows as a Data block after the statement's head.
      const heads = queries.map((q) => (q.startsWith('INSERT') ? 'INSERT INTO users VALUES ' : q));
      // clickhouse-client sends each of several queries with the separator after it.
      expect(sql).toEqual(
        [
          ...heads,
          driverQuery,
          `${twoQueries[0]}; `,
          twoQueries[1],
          `${dump[0]}; `,
          `${dump[1]}; `,
          dump[2],
        ].map((q) => `clickhouse ${q}`),
      );
      const verbs = run.flows.flatMap((f) => f.l7?.sql?.verbs ?? []).sort();
      // One SELECT per connection that sent one (a flow's verbs are listed once each).
      expect(verbs).toEqual(['CREATE', 'INSERT', ...Array.from({ length: 6 }, () => 'SELECT')]);
      const auth = run.events.filter((e) => e.includes(' auth ')).map((e) => e.split(' auth ')[1]);
      expect(auth).toEqual([
        ...[...queries, driverQuery, twoQueries, dump].map(() => 'true alice cleartext'),
        ...Array.from({ length: wrongLogins }, () => 'false alice cleartext'),
      ]);
      const logins = run.flows.flatMap((f) => f.l7?.operations?.filter((o) => o.startsWith('login')) ?? []);
      expect(new Set(logins)).toEqual(
        new Set([
          'login user=alice client=ClickHouse client 18.16',
          'login user=alice client=ClickHouse orders-svc 20.10',
        ]),
      );
      expect(JSON.stringify([run.events, run.flows, run.threats])).not.toContain(alice.password);
    });

    it('follows a connection through a result (compressed blocks, progress, profile) to its next query and its error', () => {
      const port = run.events.find((e) => e.endsWith(` sql clickhouse ${twoQueries[1]}`))?.split(' ')[0];
      const sameFlow = run.events.filter((e) => e.startsWith(`${port} `) && !e.includes(' auth '));
      expect(sameFlow.map((e) => e.slice(e.indexOf(' ') + 1))).toEqual([
        'op login user=alice client=ClickHouse client 18.16 database=(default) revision 54412',
        'op server-hello ClickHouse 18.16 revision 54412',
        `sql clickhouse ${twoQueries[0]}; `,
        `sql clickhouse ${twoQueries[1]}`,
        'op exception 47 DB::Exception: DB::Exception: Unknown identifier: nosuchcol',
      ]);
    });

    it('reports the three tables dumped as one database-dump whose count is 3, and no other query as one', () => {
      const port = run.events.find((e) => e.endsWith(` sql clickhouse ${dump[2]}`))?.split(' ')[0];
      const dumps = run.threats.filter((t) => t.threat === 'database-dump');
      expect(dumps.map((t) => [`${t.client.port}`, t.severity, t.confidence, t.count, t.evidence])).toEqual([
        [port, 'medium', 0.9, 3, 'tables read whole with SELECT * … FORMAT Native, the first users'],
      ]);
    });

    it('reports the password sent in the clear, the guessing, the injected query and the dump, and nothing else', () => {
      const told = [...new Set(run.threats.map((t) => `${t.threat}: ${t.evidence}`))].sort();
      expect(told).toEqual([
        'cleartext-credentials: a clickhouse password for user alice (cleartext method) sent unencrypted',
        'database-dump: tables read whole with SELECT * … FORMAT Native, the first users',
        `db-auth-brute-force: ${wrongLogins} failed clickhouse logins within 60000 ms for 1 user name(s)`,
        "sql-injection: OR tautology in condition — clickhouse: SELECT name FROM users WHERE name = '' OR '1'='1'",
      ]);
    });

    it.skipIf(!ndpiAvailable())("prints nDPI's labels beside ours", () => {
      const ndpi = runNdpi(run.pcap).filter((f) => f.b.endsWith(`:${port}`));
      const labels = [...new Set(ndpi.map((f) => `${f.master}.${f.app} (${f.confidence})`))];
      console.log(`nDPI on the ${ndpi.length} ClickHouse flows: ${labels.join('; ')}; meshward: clickhouse`);
      expect(ndpi).toHaveLength(run.flows.length);
    });
  },
);
