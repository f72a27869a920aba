import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '#core/errors.ts';
import { threatFindingSchema } from '#core/finding.ts';
import type { DbAuthEvent, OperationEvent } from '#sidecar/events.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import type { Threat } from '#sidecar/threats/threat.ts';
import { detectorConfig } from '#sidecar/threats/threat.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';
import { flow, httpRequest, packet } from './threat-factories.ts';

const sqli = (ts: number) => httpRequest(`/items?id=${encodeURIComponent("1' OR '1'='1")}`, { ts });

describe('createThreatRunner', () => {
  it('turns repeated hits on one flow into one finding with first/last seen and count', () => {
    const runner = createThreatRunner({ policyDir: false });
    for (const ts of [1_000, 2_000, 3_000]) runner.onEvent(flow(), sqli(ts));
    const findings = runner.drain(3_000);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(threatFindingSchema.parse(finding)).toMatchObject({
      type: 'threat',
      threat: 'sql-injection',
      severity: 'high',
      protocol: 'http',
      client: { ip: '10.0.0.5', port: 40000 },
      server: { ip: '10.0.0.9', port: 8080 },
      firstSeen: '1970-01-01T00:00:01.000Z',
      lastSeen: '1970-01-01T00:00:03.000Z',
      count: 3,
    });
    expect(runner.drain(4_000)).toEqual([]);
  });

  it('starts a new finding after the episode gap and for another flow', () => {
    const runner = createThreatRunner({ policyDir: false, episodeGapMs: 10_000 });
    runner.onEvent(flow(), sqli(1_000));
    runner.onEvent(flow(), sqli(60_000));
    runner.onEvent(flow({ key: 'other', client: { ip: '10.0.0.6', port: 1 } }), sqli(60_000));
    expect(runner.drain(60_000).map((f) => f.count)).toEqual([1, 1, 1]);
  });

  it('reports a flood as one finding per episode, however many packets', () => {
    const runner = createThreatRunner({ policyDir: false });
    for (let i = 0; i < 5_000; i++)
      runner.onPacket(packet({ ts: 1_000 + i * 0.2, src: { ip: `203.0.113.${i % 200}`, port: 1_000 + i } }));
    const floods = threatsBy(runner.drain(2_000), 'syn-flood');
    expect(floods).toHaveLength(1);
    expect(floods[0]).toMatchObject({ transport: 'tcp', server: { ip: '10.0.0.9' } });
    expect(floods[0]?.count).toBeGreaterThan(4_500);
  });

  it('keeps password guessing against two services of one host apart, in one episode window', () => {
    const runner = createThreatRunner({ policyDir: false });
    const failedLogin = (ts: number, dialect: 'postgresql' | 'pop3'): DbAuthEvent => ({
      kind: 'db-auth',
      ts,
      direction: 'to-client',
      dialect,
      ok: false,
    });
    const service = (port: number, i: number) =>
      flow({
        key: `tcp ${port} ${i}`,
        protocol: port === 110 ? 'pop3' : 'postgresql',
        client: { ip: '10.0.0.5', port: 40_000 + i },
        server: { ip: '10.0.0.9', port },
      });
    for (let i = 0; i < 12; i++) runner.onEvent(service(110, i), failedLogin(1_000 + i * 100, 'pop3'));
    for (let i = 0; i < 12; i++)
      runner.onEvent(service(5432, i), failedLogin(20_000 + i * 100, 'postgresql'));
    const guessing = threatsBy(runner.drain(30_000), 'db-auth-brute-force').map(
      (f) => `${f.server.port} ${f.evidence}`,
    );
    expect(guessing).toEqual([
      '110 10 failed pop3 logins within 60000 ms for 0 user name(s)',
      '5432 10 failed postgresql logins within 60000 ms for 0 user name(s)',
    ]);
  });

  it('hands a detector only the events of the protocols its reads name (db-auth from an HTTP flow is not a login)', () => {
    const runner = createThreatRunner({ policyDir: false });
    const web = flow({ protocol: 'http', server: { ip: '10.0.0.9', port: 8080 } });
    for (let i = 0; i < 12; i++)
      runner.onEvent(web, {
        kind: 'db-auth',
        ts: 1_000 + i,
        direction: 'to-client',
        dialect: 'mysql',
        ok: false,
      });
    expect(threatsBy(runner.drain(2_000), 'db-auth-brute-force')).toEqual([]);
  });

  it('masks secrets in evidence', () => {
    const runner = createThreatRunner({ policyDir: false });
    runner.onEvent(
      flow(),
      httpRequest('/', {
        headers: [
          ['Authorization', "Bearer ' OR 1=1 --"],
          ['Cookie', 'session=abc; q=1 UNION SELECT 1'],
        ],
      }),
    );
    const evidence = runner.drain(2_000).map((f) => f.evidence);
    expect(evidence.length).toBeGreaterThan(0);
    for (const text of evidence) expect(text).not.toMatch(/abc|Bearer '/);
  });

  it('loads thresholds and on/off from YAML, and reports every invalid file at once', () => {
    const dir = tempDir('threats-');
    writeFileSync(join(dir, 'sql-injection.yaml'), 'enabled: false\n');
    writeFileSync(join(dir, 'syn-flood.yaml'), 'threshold: 5\nseverity: critical\n');
    const runner = createThreatRunner({ policyDir: dir });
    runner.onEvent(flow(), sqli(1_000));
    for (let i = 0; i < 10; i++) runner.onPacket(packet({ ts: 1_000 + i }));
    expect(runner.drain(2_000).map((f) => `${f.threat}:${f.severity}`)).toEqual(['syn-flood:critical']);

    writeFileSync(join(dir, 'xss.yaml'), 'severity: extreme\n');
    writeFileSync(join(dir, 'udp-flood.yaml'), 'threshold: -1\nbogus: 1\n');
    let caught: unknown;
    try {
      createThreatRunner({ policyDir: dir });
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught) && caught.code).toBe('config-invalid');
    expect(isAppError(caught) && caught.details.length).toBeGreaterThanOrEqual(3);
  });

  it('counts a failing detector and keeps running the others', () => {
    const broken: Threat<ReturnType<typeof detectorConfig>, undefined> = {
      id: 'broken',
      on: ['http-request'],
      config: detectorConfig('low', {}),
      scope: 'flow',
      initialState: () => undefined,
      inspect: () => {
        throw new Error('bug');
      },
    };
    const runner = createThreatRunner({ policyDir: false, threats: [broken] });
    runner.onEvent(flow(), sqli(1));
    expect(runner.stats()).toMatchObject({ events: 1, errors: 1, hits: 0 });
  });

  it("gives a finding the origin a PROXY header named only when the finding's client is the flow's client", () => {
    const behind = flow({ origin: { ip: '203.0.113.9', port: 51234 } });
    const aboutEach: Threat<ReturnType<typeof detectorConfig>, undefined> = {
      id: 'about-each',
      on: ['http-request'],
      config: detectorConfig('low', {}),
      scope: 'global',
      initialState: () => undefined,
      // One finding about the flow's client, one about its server (as p2p-file-sharing makes per participant).
      inspect: (event, _state, { flow: f }) =>
        f === undefined
          ? []
          : [f.client, f.server].map((who) => ({
              threat: 'about-each',
              severity: 'low' as const,
              confidence: 1,
              evidence: who.ip,
              ts: event.ts,
              client: who,
              server: who === f.client ? f.server : f.client,
            })),
    };
    const runner = createThreatRunner({ policyDir: false, threats: [aboutEach] });
    runner.onEvent(behind, httpRequest('/'));
    const findings = runner.drain(10_000).map((f) => [f.evidence, f.origin?.ip]);
    expect(findings).toEqual([
      [behind.client.ip, '203.0.113.9'],
      [behind.server.ip, undefined],
    ]);
  });

  it('runs flow-end detectors with the flow and forgets per-flow state afterwards', () => {
    const runner = createThreatRunner({ policyDir: false });
    const odd = flow({
      protocol: 'unknown',
      expectedProtocol: 'http',
      bytes: { toServer: 200, toClient: 0 },
    });
    runner.onPacket(packet({ ts: 5_000 }));
    runner.onFlowEnd(odd);
    const [finding] = runner.drain(6_000);
    expect(finding).toMatchObject({ threat: 'protocol-mismatch', lastSeen: '1970-01-01T00:00:05.000Z' });
  });

  it('asks expectProtocol (the learned rules) once per flow and judges the flow against its answer', () => {
    const asked: string[] = [];
    const runner = createThreatRunner({
      policyDir: false,
      expectProtocol: (f) => {
        asked.push(f.server.ip);
        return f.server.ip === '10.0.0.9' ? 'redis' : undefined;
      },
    });
    const ruled = flow({ protocol: 'http' });
    const unruled = flow({ key: 'other', protocol: 'http', server: { ip: '10.0.0.10', port: 8080 } });
    for (const f of [ruled, ruled, unruled, unruled]) runner.onEvent(f, httpRequest('/'));
    runner.onFlowEnd(ruled);
    expect(asked).toEqual(['10.0.0.9', '10.0.0.10']);
    const findings = runner.drain(2_000);
    expect(findings.map((f) => [f.threat, f.server.ip, f.evidence])).toEqual([
      ['protocol-mismatch', '10.0.0.9', 'expected redis on 10.0.0.9:8080, saw http'],
    ]);
  });

  it('gives a global detector one state for every kind it reads, and ticks it once', () => {
    const config = detectorConfig('low', {});
    let ticks = 0;
    const pairing: Threat<typeof config, { asked: number }> = {
      id: 'pairing',
      on: ['http-request', 'http-response'],
      config,
      scope: 'global',
      initialState: () => ({ asked: 0 }),
      inspect(event, state) {
        if (event.kind === 'http-request') state.asked += 1;
        if (event.kind !== 'http-response' || state.asked === 0) return [];
        return [
          {
            threat: 'pairing',
            severity: 'low',
            confidence: 1,
            evidence: `answered after ${state.asked}`,
            ts: event.ts,
          },
        ];
      },
      tick() {
        ticks += 1;
        return [];
      },
    };
    const runner = createThreatRunner({ policyDir: false, threats: [pairing] });
    runner.onEvent(flow(), httpRequest('/a'));
    runner.onEvent(flow(), {
      kind: 'http-response',
      ts: 1_001,
      direction: 'to-client',
      version: '1.1',
      status: 200,
      headers: [],
      body: new Uint8Array(0),
      bodyTruncated: false,
    });
    runner.onTick?.(5_000);
    expect(runner.drain(5_000).map((f) => f.evidence)).toEqual(['answered after 1']);
    expect(ticks).toBe(1);
  });

  it('gives a detector of one protocol the events of a flow whose tunnels carry it at any layer, not only the last', () => {
    const reply: OperationEvent = {
      kind: 'operation',
      ts: 1_000,
      direction: 'to-client',
      protocol: 'socks',
      operation: 'reply',
      detail: 'succeeded version=5 target=backend:80',
    };
    const judged = (tunnelled: OperationEvent['protocol'][]) => {
      const runner = createThreatRunner({ policyDir: false });
      runner.onEvent(flow({ tunnelled }), reply);
      return runner.drain(1_000).map((f) => f.threat);
    };
    // An HTTP flow to a forward proxy, whose CONNECT reaches a SOCKS proxy, whose tunnel carries HTTP.
    expect(judged(['socks', 'http'])).toEqual(['socks-proxy']);
    expect(judged(['tls'])).toEqual([]);
  });
});
