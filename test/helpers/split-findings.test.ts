import { describe, expect, it } from 'vitest';
import type { Finding } from '#core/finding.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { tcpConversation } from '#test/sidecar/engine/conversation.ts';
import { splitFindings, threatsBy } from './split-findings.ts';

const web = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };
const get = (target: string) => `GET ${target} HTTP/1.1\r\nHost: shop\r\n\r\n`;

/** Two web connections through the engine and the threat runner, and a heartbeat as a tap's batch would hold. */
const findings = (): Finding[] => {
  const engine = createEngine({ observers: [createThreatRunner({ policyDir: false })] });
  const sqli = tcpConversation(web, [{ from: 'client', data: get("/search?q=1'%20OR%20'1'='1") }]);
  const xss = tcpConversation({ ...web, clientPort: 40001 }, [
    { from: 'client', data: get('/?q=%3Cscript%3Ealert(1)%3C/script%3E') },
  ]);
  for (const record of [...sqli, ...xss].sort((a, b) => a.ts - b.ts)) engine.push(record);
  return [{ type: 'heartbeat', ips: ['10.0.0.2'], at: '2026-11-29T00:00:00Z' }, ...engine.flush()];
};

describe('splitFindings and threatsBy', () => {
  it('puts the flows and the threats apart, each in the order found, and leaves the heartbeat out', () => {
    const all = findings();
    const { flows, threats } = splitFindings(all);
    expect(flows.map((f) => [f.type, f.client.port, f.protocol])).toEqual([
      ['flow', 40000, 'http'],
      ['flow', 40001, 'http'],
    ]);
    expect(threats.map((t) => [t.type, t.threat]).sort()).toEqual([
      ['threat', 'sql-injection'],
      ['threat', 'xss'],
    ]);
    expect(flows.length + threats.length).toBe(all.length - 1);
  });

  it('picks the threats of one detector only, and none for a detector that raised nothing', () => {
    const all = findings();
    expect(threatsBy(all, 'xss').map((t) => [t.threat, t.client.port])).toEqual([['xss', 40001]]);
    expect(threatsBy(all, 'sql-injection').map((t) => t.client.port)).toEqual([40000]);
    expect(threatsBy(all, 'web-scanner')).toEqual([]);
  });
});
