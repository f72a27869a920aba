/** `meshward learn`: the engine and the learner in-process on real captures (nDPI's test pcaps). */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { learnCommand } from '#bin/commands/learn.ts';
import { main } from '#bin/main.ts';
import { corpusDir } from '#test/helpers/corpus.ts';
import { captureIo } from './control-plane-server.ts';

const corpus = corpusDir('ndpi');
const present = existsSync(`${corpus}/pgsql.pcap`);

const run = async (...args: string[]) => {
  const { io, out, err } = captureIo();
  const code = await main(['learn', ...args], io, [learnCommand]);
  return { code, out: out.join('\n'), err: err.join('\n') };
};

describe('meshward learn', () => {
  it.skipIf(!present)(
    'learns one PostgreSQL rule from four flows and a DNS rule with the names asked',
    async () => {
      const { code, out } = await run(`${corpus}/pgsql.pcap`, `${corpus}/dns.pcap`, '--json');
      expect(code).toBe(0);
      const learned = JSON.parse(out);
      const rules = learned.rules.map(
        (r: { to: { name?: string }; port: number; protocol: string; hits: number }) => [
          r.to.name,
          r.port,
          r.protocol,
          r.hits,
        ],
      );
      expect(rules).toEqual(
        expect.arrayContaining([
          ['172-16-20-75', 5432, 'postgresql', 4],
          ['192-168-170-20', 53, 'dns', 1],
        ]),
      );
      const dns = learned.rules.find((r: { protocol: string }) => r.protocol === 'dns');
      expect(dns.dnsNames).toContain('www.example.com');
    },
  );

  it.skipIf(!present)('names an IP as asked and prints a table', async () => {
    const { code, out } = await run(`${corpus}/pgsql.pcap`, '--name', '172.16.20.75=db/postgres');
    expect(code).toBe(0);
    expect(out).toMatch(/capture\/172-16-20-244\s+db\/postgres\s+tcp\/5432\s+postgresql\s+4/);
    expect(out).toContain('1 rule(s) from 6 flow(s)');
  });

  it('explains a missing capture and bad arguments', async () => {
    expect(await run()).toMatchObject({ code: 2 });
    expect((await run('/nonexistent.pcap')).err).toContain('cannot read /nonexistent.pcap');
    expect((await run('x.pcap', '--name', 'nonsense')).err).toContain('--name expects IP=NAMESPACE/NAME');
  });
});
