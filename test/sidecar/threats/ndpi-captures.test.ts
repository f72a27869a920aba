/** nDPI's attack captures through the engine and the threat runner: each attack found, benign captures left alone. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareCapture, ndpiDir } from '#bench/ndpi-threats-report.ts';

const attacks: readonly [capture: string, threats: readonly string[]][] = [
  ['WebattackSQLinj.pcap', ['sql-injection']],
  // The JNDI lookup, and the victim fetching the attacker's Exploit.class twice (nDPI: Binary App Transfer).
  // The exploit's callback is a reverse shell on port 9001 (the attacker runs id, pwd, sudo cat /etc/shadow).
  ['log4j-webapp-exploit.pcap', ['log4shell', 'executable-download', 'reverse-shell']],
  ['dns-tunnel-iodine.pcap', ['dns-tunnel', 'dns-type-null']],
  ['dns-exf.pcap', ['dns-tunnel']],
  ['synscan.pcap', ['port-scan']],
  // TLS 1.0, and a certificate that expired in 2013 (nDPI: Obsolete TLS, TLS Cert Expired).
  ['tls-rdn-extract.pcap', ['weak-tls', 'tls-certificate']],
  // Servers accepting arcfour128, CBC ciphers and SHA-1 key exchange (nDPI: SSH Obsolete Ser Vers/Cipher).
  ['ssh.pcap', ['weak-ssh']],
];
/** Ordinary traffic of many protocols: no threat may be reported. */
const benign = [
  'dns.pcap',
  'dns_long_domainname.pcap',
  'malformed_dns.pcap',
  'http.pcapng',
  'http2.pcapng',
  'http_connect.pcap',
  'mysql.pcapng',
  'pgsql.pcap',
  'resp.pcap',
  'mongodb.pcap',
  'kafka.pcapng',
  'amqp.pcap',
  'mqtt.pcap',
  'smtp.pcap',
  'memcached.cap',
  'cassandra.pcap',
  'nats.pcap',
  'elasticsearch.pcap',
  'tls_esni_sni_both.pcap',
];

describe.skipIf(!existsSync(ndpiDir))('nDPI captures (../shared/corpus/ndpi)', () => {
  it.each(attacks)('%s: reports %j', async (capture, threats) => {
    const result = await compareCapture(capture);
    console.log(
      `${capture}: nDPI ${JSON.stringify(result.ndpi)} meshward ${JSON.stringify(result.meshward)}`,
    );
    expect(Object.keys(result.meshward).sort()).toEqual([...threats].sort());
    // Whatever nDPI's authors recorded a risk for (mapped to our ids), we report too.
    expect(Object.keys(result.meshward)).toEqual(expect.arrayContaining(Object.keys(result.ndpi)));
  });

  it.each(benign)('%s: reports no threat', async (capture) => {
    expect((await compareCapture(capture)).meshward).toEqual({});
  });
});
