import { describe, expect, it } from 'vitest';
import type { MiningEvent, OperationEvent } from '#sidecar/events.ts';
import { stratum } from '#sidecar/protocols/stratum.ts';
import {
  ascii,
  contractCheck,
  detectFlow,
  engineLabel,
  everySplitAgrees,
  feed,
  feedByteByByte,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import {
  bitcoinAuthorize,
  bitcoinNotify,
  bitcoinSubscribe,
  bitcoinSubscribeAnswer,
  ethProxyLogin,
  ethStratumSubscribe,
  moneroJob,
  moneroLoginAnswer,
  moneroRefused,
  moneroSubmit,
  moneroWallet,
  notMining,
  xmrigAgent,
  xmrigLogin,
} from '#test/fixtures/protocols/stratum-lines.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

const lines = (events: unknown[]): string[] =>
  (events as (OperationEvent | MiningEvent)[]).map((e) => {
    const side = e.direction === 'to-server' ? 'C' : 'S';
    if (e.kind === 'operation') return `${side} ${e.operation} ${e.detail ?? ''}`.trim();
    return [side, 'mining', e.step, e.user, e.agent, e.algorithms?.join(',')].filter(Boolean).join(' ');
  });

const monero: Segment[] = [
  ['to-server', ascii(xmrigLogin)],
  ['to-client', ascii(moneroLoginAnswer + moneroJob)],
  ['to-server', ascii(moneroSubmit)],
  ['to-client', ascii(moneroRefused)],
];

const bitcoin: Segment[] = [
  ['to-server', ascii(bitcoinSubscribe + bitcoinAuthorize)],
  ['to-client', ascii(`${bitcoinSubscribeAnswer}{"id": 2, "result": true, "error": null}\n${bitcoinNotify}`)],
];

describe('stratum detect', () => {
  it("matches each dialect's first line from the miner", () => {
    for (const line of [
      xmrigLogin,
      moneroSubmit,
      bitcoinSubscribe,
      bitcoinAuthorize,
      ethProxyLogin,
      ethStratumSubscribe,
    ])
      expect(stratum.detect(ascii(line), 'to-server'), line).toBe('match');
  });

  it("matches a pool's job, its notify and the answers that carry work (a pickup after the login)", () => {
    for (const line of [moneroJob, moneroLoginAnswer, bitcoinNotify, bitcoinSubscribeAnswer])
      expect(stratum.detect(ascii(line), 'to-client'), line).toBe('match');
  });

  it('needs more until the first line ends, and gives up on a first line past 4 KiB', () => {
    expect(stratum.detect(ascii(xmrigLogin.slice(0, 40)), 'to-server')).toBe('need-more');
    expect(stratum.detect(ascii(`{"id":1,"method":"login","x":"${'a'.repeat(5000)}`), 'to-server')).toBe(
      'no-match',
    );
  });

  it("refuses JSON-RPC that is not mining, a bare answer, a side speaking the other side's methods", () => {
    for (const [name, line] of Object.entries(notMining)) {
      expect(stratum.detect(ascii(line), 'to-server'), name).toBe('no-match');
      expect(stratum.detect(ascii(line), 'to-client'), name).toBe('no-match');
    }
    expect(stratum.detect(ascii(bitcoinNotify), 'to-server')).toBe('no-match');
    expect(stratum.detect(ascii(xmrigLogin), 'to-client')).toBe('no-match');
    // The method's own params shape: a CryptoNote submit without its job id, a Bitcoin method with object params.
    expect(stratum.detect(ascii('{"id":2,"method":"submit","params":{"nonce":"01"}}\n'), 'to-server')).toBe(
      'no-match',
    );
    expect(stratum.detect(ascii('{"id":2,"method":"mining.subscribe","params":{}}\n'), 'to-server')).toBe(
      'no-match',
    );
    expect(stratum.detect(ascii('{"id":1,"method":"__proto__","params":[]}\n'), 'to-server')).toBe(
      'no-match',
    );
    expect(stratum.detect(ascii('{"method":"mining.subscribe","params":[]}\n'), 'to-server')).toBe(
      'no-match',
    );
  });

  it('is the label the whole registry gives, wherever the first line splits', () => {
    expect(engineLabel(monero)).toBe('stratum');
    expect(engineLabel(bitcoin)).toBe('stratum');
    for (const cut of [1, 17, 90])
      expect(
        engineLabel([
          ['to-server', ascii(xmrigLogin.slice(0, cut))],
          ['to-server', ascii(xmrigLogin.slice(cut))],
        ]),
      ).toBe('stratum');
    expect(engineLabel([['to-server', ascii(notMining.languageServer)]])).toBe('unknown');
  });

  itRejectsForeignBytes(stratum, []);
});

describe('stratum parser', () => {
  it('reads a CryptoNote session: the login with account, agent and algorithms, never the password', () => {
    const events = feed(stratum, monero);
    expect(lines(events)).toEqual([
      `C login agent=${xmrigAgent}`,
      `C mining login ${moneroWallet}.ryzen ${xmrigAgent} cn/1,cn/2,cn/r,cn/fast,cn/half,cn-lite/1,cn-heavy/0,cn-pico,rx/0,rx/wow`,
      'S mining job',
      'S job',
      'S mining job',
      'C submit',
      'C mining share',
      'S error Low difficulty share',
    ]);
    expect(JSON.stringify(events)).not.toContain('"pass"');
  });

  it('reads a Bitcoin session: the subscribe names the software, the authorize the worker', () => {
    expect(lines(feed(stratum, bitcoin))).toEqual([
      'C mining.subscribe agent=cgminer/4.10.0',
      'C mining login cgminer/4.10.0',
      'C mining.authorize',
      'C mining login slush.miner1',
      'S mining job',
      'S mining.notify',
      'S mining job',
    ]);
    expect(JSON.stringify(feed(stratum, bitcoin))).not.toContain('password');
  });

  it('gives the same events however the bytes are split', () => {
    expect(everySplitAgrees(stratum, monero).mismatch).toBeUndefined();
    expect(everySplitAgrees(stratum, bitcoin).mismatch).toBeUndefined();
    expect(feedByteByByte(stratum, monero)).toEqual(feed(stratum, monero));
  });

  it('drops the line a gap cut and reads on from the next newline; a line still open past 64 KiB is cut, not an end', () => {
    const parser = stratum.createParser();
    parser.parse(ascii(moneroSubmit.slice(0, 30)), 'to-server', 3);
    parser.gap('to-server');
    expect(parser.parse(ascii(`${moneroSubmit.slice(30)}${moneroSubmit}`), 'to-server', 4)).toHaveLength(2);
    // 70,000 octets and still no newline: not a pool's line, so its cut head tells nothing; the line after it does.
    const long = ascii(`{"id":9,"method":"mining.submit","params":["${'a'.repeat(70_000)}`);
    expect(parser.parse(long.subarray(0, 40_000), 'to-server', 5)).toEqual([]);
    expect(parser.parse(long.subarray(40_000), 'to-server', 6)).toEqual([]);
    expect(parser.parse(ascii(`"]}\n${moneroSubmit}`), 'to-server', 7)).toHaveLength(2);
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(stratum, 2, 0x5747)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(stratum, ['to-server', ascii(xmrigLogin)]).randomMatches).toBe(0);
    expect(detectFlow(stratum, monero)).toBe(true);
  });
});
