import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ProtocolEvent, TlsClientHelloEvent } from '#sidecar/events.ts';
import { stratum } from '#sidecar/protocols/stratum.ts';
import { cryptomining } from '#sidecar/threats/cryptomining.ts';
import {
  domainUnder as poolDomainOf,
  domainSuffixes as poolDomains,
} from '#sidecar/threats/domain-suffixes.ts';
import { defaultPolicyDir } from '#sidecar/threats/load-threat-configs.ts';
import { defaultPoolDomains } from '#sidecar/threats/mining-pools.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { ascii, feed, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import {
  bitcoinAuthorize,
  bitcoinNotify,
  bitcoinSubscribe,
  bitcoinSubscribeAnswer,
  moneroJob,
  moneroLoginAnswer,
  moneroSubmit,
  moneroWallet,
  xmrigLogin,
} from '#test/fixtures/protocols/stratum-lines.ts';
import { dnsQuery, flow, runThreat } from './threat-factories.ts';

const pool = flow({ protocol: 'stratum', server: { ip: '10.0.0.9', port: 443 } });

/** Every finding of one flow's events through the runner, as [evidence, severity, count]. */
const findings = (events: readonly ProtocolEvent[], observed = pool) => {
  const runner = createThreatRunner({ policyDir: false, threats: [cryptomining] });
  for (const event of events) runner.onEvent(observed, event);
  runner.onFlowEnd(observed);
  return runner.drain(1_000_000).map((f) => [f.evidence, f.severity, f.count]);
};

/** The parser's events, each at its own capture time (the harness leaves times out). */
const session = (segments: readonly Segment[]) =>
  (feed(stratum, segments) as ProtocolEvent[]).map((event, i) => ({ ...event, ts: 1_000 + i }));

const hello = (sni: string): TlsClientHelloEvent => ({
  kind: 'tls-client-hello',
  ts: 1_000,
  direction: 'to-server',
  version: 'TLS1.3',
  recordVersion: 'TLS1.0',
  sni,
  alpn: [],
  ja3: '',
  ja3Hash: '',
  ja4: '',
});

describe('cryptomining', () => {
  it("reports XMRig's session as one critical finding naming the account, the miner and its algorithms", () => {
    const events = session([
      ['to-server', ascii(xmrigLogin)],
      ['to-client', ascii(moneroLoginAnswer + moneroJob)],
      ['to-server', ascii(moneroSubmit)],
    ]);
    expect(findings(events)).toEqual([
      [
        `logged in to a mining pool (Stratum login) as ${moneroWallet}.ryzen with XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0 (algorithms cn/1, cn/2, cn/r, cn/fast, cn/half, cn-lite/1, cn-heavy/0, cn-pico, rx/0, rx/wow)`,
        'critical',
        4,
      ],
    ]);
  });

  it("tells a Bitcoin session by the worker it authorizes, surer than the subscription's software", () => {
    const events = session([
      ['to-server', ascii(bitcoinSubscribe + bitcoinAuthorize)],
      ['to-client', ascii(bitcoinSubscribeAnswer + bitcoinNotify)],
    ]);
    expect(findings(events)).toEqual([
      ['logged in to a mining pool (Stratum mining.authorize) as slush.miner1', 'critical', 4],
    ]);
    expect(findings(events.slice(0, 2))).toEqual([
      ["subscribed to a mining pool's work (Stratum mining.subscribe) with cgminer/4.10.0", 'critical', 1],
    ]);
  });

  it('reports a session picked up after its login from the work the pool hands out', () => {
    expect(findings(session([['to-client', ascii(bitcoinNotify)]]))).toEqual([
      ['a mining pool handed out work (Stratum mining.notify)', 'critical', 1],
    ]);
  });

  it("reports a DNS query or a TLS server name under a pool's domain, on label boundaries only", () => {
    const names = (name: string) =>
      runThreat(cryptomining, [dnsQuery(name), hello(name)]).map((h) => [
        h.evidence,
        h.severity,
        h.confidence,
      ]);
    expect(names('Pool.SupportXMR.com.')).toEqual([
      ['DNS query (A) for Pool.SupportXMR.com., under the mining pool domain supportxmr.com', 'high', 0.8],
      ['TLS to server name Pool.SupportXMR.com., under the mining pool domain supportxmr.com', 'high', 0.8],
    ]);
    expect(names('gulf.moneroocean.stream')).toHaveLength(2);
    expect(names('notsupportxmr.com')).toEqual([]);
    expect(names('supportxmr.com.attacker.example')).toEqual([]);
    expect(names('api.shop.example')).toEqual([]);
    expect(runThreat(cryptomining, [dnsQuery('pool.supportxmr.com', 'A', { isResponse: true })])).toEqual([]);
  });

  it('follows its policy: names off, its own pool list, its own severities', () => {
    const query = [dnsQuery('xmr.pool.internal.example')];
    expect(runThreat(cryptomining, query)).toEqual([]);
    expect(
      runThreat(cryptomining, query, {
        config: { poolDomains: ['Pool.Internal.Example'], nameSeverity: 'medium' },
      }),
    ).toMatchObject([{ severity: 'medium' }]);
    expect(
      runThreat(cryptomining, query, { config: { extraPoolDomains: ['internal.example'] } }),
    ).toHaveLength(1);
    expect(
      runThreat(cryptomining, [dnsQuery('pool.supportxmr.com')], {
        config: { poolDomains: ['other.example'] },
      }),
    ).toEqual([]);
    expect(runThreat(cryptomining, [dnsQuery('pool.supportxmr.com')], { config: { names: false } })).toEqual(
      [],
    );
    const login = session([['to-server', ascii(xmrigLogin)]]);
    expect(runThreat(cryptomining, login, { config: { names: false, severity: 'high' } })).toMatchObject([
      { severity: 'high', confidence: 1 },
    ]);
    expect(() => cryptomining.config.parse({ poolDomains: [''] })).toThrow();
  });

  it('ships a policy file that says what the code defaults to', () => {
    const yaml = parse(readFileSync(`${defaultPolicyDir}/cryptomining.yaml`, 'utf8')) as Record<
      string,
      unknown
    >;
    expect(cryptomining.config.parse(yaml)).toEqual(cryptomining.config.parse({}));
    expect(cryptomining.config.parse(yaml).poolDomains).toEqual(defaultPoolDomains);
    expect(Object.keys(yaml).sort()).toEqual([
      'enabled',
      'extraPoolDomains',
      'nameSeverity',
      'names',
      'severity',
    ]);
  });
});

describe('pool domain lookup', () => {
  const domains = poolDomains(['SupportXMR.com', 'pool.internal.example.', 'x.y.z.w']);

  it('finds a listed domain or a parent of the name, any case, a final dot or not', () => {
    const cases: [string, string | undefined][] = [
      ['supportxmr.com', 'supportxmr.com'],
      ['POOL.supportxmr.COM.', 'supportxmr.com'],
      ['a.b.pool.internal.example', 'pool.internal.example'],
      ['pool.internal.example.', 'pool.internal.example'],
      ['x.y.z.w', 'x.y.z.w'],
      ['internal.example', undefined],
      ['evilsupportxmr.com', undefined],
      ['supportxmr.com.evil', undefined],
      ['com', undefined],
      ['', undefined],
      ['.', undefined],
      ['..supportxmr.com', 'supportxmr.com'],
    ];
    for (const [name, expected] of cases) expect(poolDomainOf(name, domains), name).toBe(expected);
  });

  it('agrees with a plain walk over every parent on generated names', () => {
    const labels = ['supportxmr', 'com', 'pool', 'internal', 'example', 'x', 'y', 'z', 'w', 'a', ''];
    const walk = (name: string): string | undefined => {
      let rest = name.toLowerCase().replace(/\.$/, '');
      for (;;) {
        if (domains.names.has(rest)) return rest;
        const dot = rest.indexOf('.');
        if (dot < 0) return undefined;
        rest = rest.slice(dot + 1);
      }
    };
    let seed = 7;
    for (let i = 0; i < 5000; i++) {
      const parts = Array.from({ length: 1 + (i % 6) }, () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return labels[seed % labels.length] as string;
      });
      const name = parts.join('.') + (i % 3 === 0 ? '.' : '');
      expect(poolDomainOf(name, domains), name).toBe(walk(name));
    }
  });
});
