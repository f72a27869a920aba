import { describe, expect, it } from 'vitest';
import type { DbAuthEvent } from '#sidecar/events.ts';
import { dbAuthBruteForce } from '#sidecar/threats/db-auth-brute-force.ts';
import { episodeSummary, flow, runThreat } from './threat-factories.ts';

const login = (ts: number, ok: boolean, user = 'root'): DbAuthEvent =>
  ({
    kind: 'db-auth',
    ts,
    direction: 'to-client',
    dialect: 'mysql',
    ok,
    user,
    message: ok ? undefined : "Access denied for user 'root'",
  }) as DbAuthEvent;
const mysql = { flow: flow({ protocol: 'mysql', server: { ip: '10.0.0.9', port: 3306 } }) };

describe('db-auth-brute-force', () => {
  it('reports repeated access-denied answers as one episode', () => {
    const hits = runThreat(
      dbAuthBruteForce,
      Array.from({ length: 30 }, (_, i) => login(1_000 + i * 500, false, `user${i % 3}`)),
      mysql,
    );
    expect(hits[0]?.evidence).toMatch(/10 failed mysql logins within 60000 ms for 3 user name\(s\)/);
    expect(episodeSummary(hits).pairs).toBe(1);
  });

  it('ignores a few typos and successful logins', () => {
    const events = [
      ...Array.from({ length: 5 }, (_, i) => login(1_000 + i * 500, false)),
      ...Array.from({ length: 50 }, (_, i) => login(5_000 + i, true)),
    ];
    expect(runThreat(dbAuthBruteForce, events, mysql)).toEqual([]);
  });
});
