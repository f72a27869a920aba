/**
 * What WebSocket subprotocols carry, for real, in a network namespace the test creates: Debian's kamailio 5.6.3 with
 * its websocket module (xhttp answering the upgrade) on TCP 3306, MySQL's port, asking extension 1000 for a password
 * and answering 404 for any other; a SIP-over-WebSocket client written with python3-websockets 10.4 sends an OPTIONS
 * and REGISTERs for 1000 and 24 extensions that do not exist (svwar's sweep, through a WebRTC gateway). Debian's
 * mosquitto 2.0.11 with a `protocol websockets` listener on TCP 6379, Redis's port; paho-mqtt 1.6.1 with
 * `transport="websockets"` subscribes, publishes three readings and gets them back. Captured by tcpdump, read by the
 * engine with the default detectors; nDPI's labels are printed beside ours.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { ndpiAvailable, runNdpi } from '#test/helpers/ndpi-reader.ts';
import { createNetns, type Netns, netnsUnavailable, waitForListen } from '#test/helpers/netns.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { stopChild } from '#test/helpers/stop-child.ts';
import { captureInNamespace, stopTcpdump } from '#test/helpers/tcpdump.ts';

const python = '/usr/bin/python3';
const unavailable = netnsUnavailable(['tcpdump', 'ss', 'kamailio', 'mosquitto', python]);
const sipPort = 3306;
const mqttPort = 6379;
/** Extensions swept: none exists, each answered 404. */
const swept = Array.from({ length: 24 }, (_, i) => `${2000 + i}`);

/** A registrar over WebSocket only (RFC 7118): the upgrade answered by the websocket module, 1000 challenged. */
const kamailioConfig = `#!KAMAILIO
debug=2
log_stderror=yes
children=1
tcp_children=1
tcp_accept_no_cl=yes
listen=tcp:127.0.0.1:${sipPort}
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "sl.so"
loadmodule "textops.so"
loadmodule "pv.so"
loadmodule "auth.so"
loadmodule "xhttp.so"
loadmodule "websocket.so"
request_route {
	if (is_method("OPTIONS")) { sl_send_reply("200", "OK"); exit; }
	if (!is_method("REGISTER")) { sl_send_reply("405", "Method Not Allowed"); exit; }
	if ($tU != "1000") { sl_send_reply("404", "Not Found"); exit; }
	if (!pv_www_authenticate("$td", "n0t-guessable", "0")) { www_challenge("$td", "0"); exit; }
	sl_send_reply("200", "OK");
	exit;
}
event_route[xhttp:request] {
	if ($hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm =~ "GET") {
		if (ws_handle_handshake()) exit;
	}
	xhttp_reply("404", "Not Found", "", "");
}
`;

/**
 * mosquitto 2.0.11 with Debian's libwebsockets refuses to start with a WebSocket listener alone ("Unable to start any
 * listening sockets": eclipse-mosquitto/mosquitto#2284, #2578), so a plain listener, never used, comes first.
 */
const mosquittoConfig = `listener 1883 127.0.0.1
listener ${mqttPort} 127.0.0.1
protocol websockets
socket_domain ipv4
allow_anonymous true
persistence false
`;

let kamailio: ChildProcess | undefined;

/** kamailio told to stop (it then stops its children), given a moment before the namespace is torn down. */
const stopKamailio = (): Promise<void> => stopChild(kamailio);

type Run = { flows: FlowFinding[]; threats: ThreatFinding[]; said: string[]; pcap: string };

const run = (ns: Netns, script: string, args: string[]): string => {
  try {
    return ns.exec(python, [join('test/helpers', script), ...args], { timeoutMs: 20_000 }).trim();
  } catch (error) {
    return `exit ${(error as { status?: number }).status}`;
  }
};

const session = async (ns: Netns, dir: string): Promise<Run> => {
  writeFileSync(join(dir, 'kamailio.cfg'), kamailioConfig);
  writeFileSync(join(dir, 'mosquitto.conf'), mosquittoConfig);
  kamailio = ns.spawn('kamailio', ['-DD', '-E', '-f', join(dir, 'kamailio.cfg'), '-Y', dir]);
  ns.spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')]);
  await waitForListen(ns, sipPort);
  await waitForListen(ns, mqttPort);
  const pcap = join(dir, 'websocket.pcap');
  const tcpdump = await captureInNamespace(ns, pcap, `tcp port ${sipPort} or tcp port ${mqttPort}`);
  const said = [
    run(ns, 'sip-ws-client.py', [`ws://127.0.0.1:${sipPort}/`, '127.0.0.1', '1000', ...swept]),
    run(ns, 'mqtt-ws-client.py', ['127.0.0.1', String(mqttPort)]),
  ];
  await stopTcpdump(tcpdump);
  const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
  return { ...splitFindings(findings), said, pcap };
};

const onPort = (flows: readonly FlowFinding[], port: number) => flows.filter((f) => f.server.port === port);

describe.skipIf(unavailable !== undefined)(
  `SIP and MQTT over WebSocket from kamailio and mosquitto${unavailable === undefined ? '' : ` (skipped: ${unavailable}; .ci/apt/wsinner.txt)`}`,
  () => {
    let ns: Netns | undefined;
    let result: Run;
    const dir = mkdtempSync(join(tmpdir(), 'meshward-ws-inner-real-'));

    beforeAll(async () => {
      ns = createNetns('mwwsi');
      result = await session(ns, dir);
    }, 60_000);

    afterAll(async () => {
      await stopKamailio();
      ns?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('reads SIP inside the WebSocket: the flow stays http, its layer sip, every request and answer named', () => {
      const [said] = result.said;
      expect(said?.split('\n')).toEqual([
        'subprotocol sip',
        'SIP/2.0 200 OK',
        'SIP/2.0 401 Unauthorized',
        ...swept.map(() => 'SIP/2.0 404 Not Found'),
      ]);
      const [flow, ...others] = onPort(result.flows, sipPort);
      expect(others).toEqual([]);
      expect(flow?.protocol).toBe('http');
      for (const op of ['tunnel sip', 'websocket text', 'OPTIONS', 'REGISTER', '200 OK', '401 Unauthorized'])
        expect(flow?.l7?.operations, op).toContain(op);
      expect(flow?.l7?.operations).toContain('404 Not Found');
    });

    it('lets sip-scan see the sweep through the WebSocket', () => {
      const scans = result.threats.filter((t) => t.threat === 'sip-scan');
      expect(scans.map((t) => [t.severity, t.server.port])).toEqual([['high', sipPort]]);
      expect(scans[0]?.evidence).toMatch(/SIP extension enumeration: 2\d distinct users/);
    });

    it("reads MQTT inside mosquitto's WebSocket as a stream: packets and topics in the flow's summary", () => {
      expect(result.said[1]).toBe('plant/0/temp=20,plant/1/temp=21,plant/2/temp=22');
      const [flow, ...others] = onPort(result.flows, mqttPort);
      expect(others).toEqual([]);
      expect(flow?.protocol).toBe('http');
      expect(flow?.l7?.operations).toEqual(expect.arrayContaining(['tunnel mqtt', 'websocket binary']));
      for (const packet of ['CONNECT', 'CONNACK', 'SUBSCRIBE', 'PUBLISH', 'DISCONNECT'])
        expect(flow?.l7?.mqtt?.packets, packet).toContain(packet);
      expect(new Set(flow?.l7?.mqtt?.topics)).toEqual(
        new Set(['plant/+/temp', 'plant/0/temp', 'plant/1/temp', 'plant/2/temp']),
      );
    });

    it.skipIf(!ndpiAvailable())("prints nDPI's labels beside ours", () => {
      const ndpi = runNdpi(result.pcap);
      console.log(
        `nDPI on the WebSocket flows: ${ndpi.map((f) => `${f.b} ${f.master}.${f.app} (${f.confidence})`).join('; ')}; meshward: ${result.flows.map((f) => `${f.server.port} ${f.protocol}`).join(', ')}`,
      );
    });
  },
);
