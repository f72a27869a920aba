import { describe, expect, it } from 'vitest';
import type { OperationEvent, ProtocolEvent } from '#sidecar/events.ts';
import { shell } from '#sidecar/protocols/shell.ts';
import { reverseShell } from '#sidecar/threats/reverse-shell.ts';
import {
  ascii,
  contractCheck,
  detectFlow,
  engineLabel,
  everySplitAgrees,
  feed,
  hex,
  ndpiFlows,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { flow, runThreat } from '../threats/threat-factories.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

const ops = (events: unknown[]): string[] =>
  (events as OperationEvent[]).map((e) =>
    `${e.direction === 'to-server' ? 'C' : 'S'} ${e.operation} ${e.detail ?? ''}`.trim(),
  );

// What bash 5.2 printed here for `bash -i >& /dev/tcp/…` (its input a socket), and its echoes and answers.
const bashOpening =
  'bash: cannot set terminal process group (4670): Inappropriate ioctl for device\nbash: no job control in this shell\nroot@checkout-7d9:/app# ';
const reverse: Segment[] = [
  ['to-server', ascii(bashOpening)],
  ['to-client', ascii('id\n')],
  ['to-server', ascii('id\nuid=0(root) gid=0(root) groups=0(root)\nroot@checkout-7d9:/app# ')],
  ['to-client', ascii('cat /etc/shadow\n')],
];
// A bind shell a client connects to, `nc -e /bin/sh` style: nothing until the first command's answer.
const bind: Segment[] = [
  ['to-server', ascii('whoami\n')],
  ['to-server', ascii('id\n')],
  ['to-client', ascii('www-data\nuid=33(www-data) gid=33(www-data) groups=33(www-data)\n')],
  ['to-server', ascii('ls /var/run/secrets/kubernetes.io/serviceaccount\n')],
];

describe('shell detect', () => {
  it("matches bash's and dash's no-terminal lines, id's answer and a prompt alone, either way", () => {
    expect(shell.detect(ascii(bashOpening), 'to-server')).toBe('match');
    expect(shell.detect(ascii("sh: 0: can't access tty; job control turned off\n# "), 'to-client')).toBe(
      'match',
    );
    expect(shell.detect(ascii('uid=1000(app) gid=1000(app) groups=1000(app)\n'), 'to-server')).toBe('match');
    expect(shell.detect(ascii('app@web-1:~$ '), 'to-client')).toBe('match');
    expect(shell.detect(ascii('sh-5.2# '), 'to-client')).toBe('match');
  });

  it("needs more while text could still become a shell's; refuses what no terminal shows", () => {
    expect(shell.detect(ascii('bash: cannot set'), 'to-server')).toBe('need-more');
    expect(shell.detect(ascii('ui'), 'to-server')).toBe('need-more');
    // A command alone, or another program's line, decides nothing.
    expect(shell.detect(ascii('id\n'), 'to-client')).toBe('need-more');
    expect(shell.detect(ascii('app@web-1:~$ ls\n'), 'to-client')).toBe('need-more');
    expect(shell.detect(hex('16030100'), 'to-server')).toBe('no-match');
    expect(shell.detect(ascii(`uid=0(root) gid=0(root)\u0000`), 'to-server')).toBe('no-match');
    expect(shell.detect(ascii('x'.repeat(600)), 'to-client')).toBe('no-match');
  });

  it('is the label the whole registry gives', () => {
    expect(engineLabel(reverse)).toBe('shell');
    expect(engineLabel(bind)).toBe('shell');
  });

  it("finds the reverse shell in nDPI's log4j-webapp-exploit capture, which nDPI leaves Unknown", () => {
    const [flow] = ndpiFlows('log4j').filter((f) => f.stream === 3);
    expect(flow && detectFlow(shell, flow.segments)).toBe(true);
    expect(ops(feed(shell, flow?.segments ?? []))).toEqual([
      'S command id',
      'S command pwd',
      'S command sudo cat /etc/shadow',
      'S command exit',
    ]);
  });

  // log4j: the exploit's callback is a reverse shell (stream 3, above).
  itRejectsForeignBytes(shell, ['log4j']);
});

describe('shell parser', () => {
  it("tells the prompt's user and host, and the operator's commands, not the shell's output", () => {
    expect(ops(feed(shell, reverse))).toEqual([
      'C prompt user=root host=checkout-7d9',
      'S command id',
      'S command cat /etc/shadow',
    ]);
  });

  it('keeps commands sent before the shell answered and tells them once it does', () => {
    expect(ops(feed(shell, bind))).toEqual([
      'C command whoami',
      'C command id',
      'C command ls /var/run/secrets/kubernetes.io/serviceaccount',
    ]);
    expect(everySplitAgrees(shell, reverse).mismatch).toBeUndefined();
    // One command and its answer, nothing after: the command is told when the flow ends.
    const parser = shell.createParser();
    expect(parser.parse(ascii('id\n'), 'to-client', 1)).toEqual([]);
    expect(parser.parse(ascii('uid=0(root) gid=0(root) groups=0(root)\n'), 'to-server', 2)).toEqual([]);
    expect(ops(parser.end?.() ?? [])).toEqual(['S command id']);
  });

  it('reads on past a line longer than it keeps: a 40 KB base64 payload piped to sh does not hide the next command', () => {
    const payload = 'A'.repeat(40_000);
    const padded: Segment[] = [
      ...reverse.slice(0, 3),
      ['to-client', ascii(`echo ${payload.slice(0, 20_000)}`)],
      ['to-client', ascii(`${payload.slice(20_000)} | base64 -d | sh\n`)],
      ['to-client', ascii('cat /etc/shadow\n')],
    ];
    const told = ops(feed(shell, padded));
    expect(told.slice(0, 2)).toEqual(['C prompt user=root host=checkout-7d9', 'S command id']);
    // The long line is told by its head (as every command's detail is bounded), and the command after it in full.
    expect(told[2]).toMatch(/^S command echo A{100}/);
    expect(told.slice(3)).toEqual(['S command cat /etc/shadow']);
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(shell, 2, 0x5e11)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(shell, ['to-server', ascii(bashOpening)]).randomMatches).toBe(0);
  });
});

describe('reverse-shell', () => {
  const events = (segments: readonly Segment[]) =>
    (feed(shell, segments) as ProtocolEvent[]).map((e, i) => ({ ...e, ts: 1_000 + i }));

  it('tells a reverse shell from a bind shell by who sends the commands', () => {
    expect(runThreat(reverseShell, events(reverse)).map((h) => h.evidence)).toEqual([
      'a reverse shell: a prompt (user=root host=checkout-7d9) crossed the network',
      'a reverse shell: the server ran `id` in it',
      'a reverse shell: the server ran `cat /etc/shadow` in it',
    ]);
    expect(runThreat(reverseShell, events(bind)).map((h) => h.evidence)[0]).toBe(
      'a bind shell: the client ran `whoami` in it',
    );
    expect(
      runThreat(reverseShell, events(reverse), {
        flow: flow({ protocol: 'shell' }),
        config: { allowServers: ['10.0.0.9'] },
      }),
    ).toEqual([]);
  });
});
