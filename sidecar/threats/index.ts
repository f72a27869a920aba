/** Every threat detector; adding one is a new file here plus its `policies/threats/<id>.yaml`. */
import { ajpAbuse } from './ajp-abuse.ts';
import { asrepRoasting } from './asrep-roasting.ts';
import { cleartextCredentials } from './cleartext-credentials.ts';
import { commandInjection } from './command-injection.ts';
import { crlfInjection } from './crlf-injection.ts';
import { cryptomining } from './cryptomining.ts';
import { databaseDump } from './database-dump.ts';
import { dbAuthBruteForce } from './db-auth-brute-force.ts';
import { dnsTunnel } from './dns-tunnel.ts';
import { dnsTypeNull } from './dns-type-null.ts';
import { dnsZoneTransfer } from './dns-zone-transfer.ts';
import { dockerApi } from './docker-api.ts';
import { encryptedDns } from './encrypted-dns.ts';
import { erlangRce } from './erlang-rce.ts';
import { etcdAccess } from './etcd-access.ts';
import { executableDownload } from './executable-download.ts';
import { forwardedSpoofing } from './forwarded-spoofing.ts';
import { graphqlAbuse } from './graphql-abuse.ts';
import { heartbleed } from './heartbleed.ts';
import { hostSweep } from './host-sweep.ts';
import { httpAuthBruteForce } from './http-auth-brute-force.ts';
import { httpSmuggling } from './http-smuggling.ts';
import { http2Abuse } from './http2-abuse.ts';
import { icmpFlood } from './icmp-flood.ts';
import { icmpTunnel } from './icmp-tunnel.ts';
import { insecureDeserialization } from './insecure-deserialization.ts';
import { instanceMetadata } from './instance-metadata.ts';
import { ipFragmentAttack } from './ip-fragment-attack.ts';
import { ircC2 } from './irc-c2.ts';
import { jdwpAbuse } from './jdwp-abuse.ts';
import { kerberoasting } from './kerberoasting.ts';
import { log4shell } from './log4shell.ts';
import { monitoringAgentAbuse } from './monitoring-agent-abuse.ts';
import { nfsAbuse } from './nfs-abuse.ts';
import { nfsUidHopping } from './nfs-uid-hopping.ts';
import { nosqlInjection } from './nosql-injection.ts';
import { p2pFileSharing } from './p2p-file-sharing.ts';
import { paddingOracle } from './padding-oracle.ts';
import { pathTraversal } from './path-traversal.ts';
import { pingOfDeath } from './ping-of-death.ts';
import { portScan } from './port-scan.ts';
import { protocolMismatch } from './protocol-mismatch.ts';
import { prototypePollution } from './prototype-pollution.ts';
import { radiusBlast } from './radius-blast.ts';
import { rdpAbuse } from './rdp-abuse.ts';
import { redisAbuse } from './redis-abuse.ts';
import { reverseShell } from './reverse-shell.ts';
import { shellshock } from './shellshock.ts';
import { sipScan } from './sip-scan.ts';
import { slowloris } from './slowloris.ts';
import { smbLateralMovement } from './smb-lateral-movement.ts';
import { smbV1 } from './smb-v1.ts';
import { socksProxy } from './socks-proxy.ts';
import { sqlInjection } from './sql-injection.ts';
import { sshV1 } from './ssh-v1.ts';
import { ssrf } from './ssrf.ts';
import { synFlood } from './syn-flood.ts';
import { tcpEvasion } from './tcp-evasion.ts';
import { tcpSplitHandshake } from './tcp-split-handshake.ts';
import { tcpSynWithData } from './tcp-syn-with-data.ts';
import { templateInjection } from './template-injection.ts';
import type { Threat } from './threat.ts';
import { tlsCertificate } from './tls-certificate.ts';
import { turnRelayAbuse } from './turn-relay-abuse.ts';
import { udpFlood } from './udp-flood.ts';
import { uninspectedBody } from './uninspected-body.ts';
import { unsafeProtocol } from './unsafe-protocol.ts';
import { vpnTunnel } from './vpn-tunnel.ts';
import { weakRdp } from './weak-rdp.ts';
import { weakSsh } from './weak-ssh.ts';
import { weakTls } from './weak-tls.ts';
import { webScanner } from './web-scanner.ts';
import { xmlExternalEntity } from './xml-external-entity.ts';
import { xss } from './xss.ts';

// biome-ignore lint/suspicious/noExplicitAny: detectors differ in config and state types; the runner treats them uniformly.
export const threats: readonly Threat<any, any>[] = [
  sqlInjection,
  nosqlInjection,
  prototypePollution,
  crlfInjection,
  xss,
  pathTraversal,
  commandInjection,
  log4shell,
  templateInjection,
  shellshock,
  insecureDeserialization,
  ssrf,
  instanceMetadata,
  dockerApi,
  etcdAccess,
  encryptedDns,
  redisAbuse,
  erlangRce,
  jdwpAbuse,
  nfsAbuse,
  nfsUidHopping,
  monitoringAgentAbuse,
  databaseDump,
  xmlExternalEntity,
  protocolMismatch,
  dnsTunnel,
  synFlood,
  udpFlood,
  icmpFlood,
  pingOfDeath,
  portScan,
  hostSweep,
  httpSmuggling,
  graphqlAbuse,
  uninspectedBody,
  slowloris,
  weakTls,
  tlsCertificate,
  heartbleed,
  sshV1,
  smbV1,
  weakRdp,
  dnsZoneTransfer,
  dnsTypeNull,
  icmpTunnel,
  tcpSynWithData,
  tcpSplitHandshake,
  tcpEvasion,
  ipFragmentAttack,
  dbAuthBruteForce,
  httpAuthBruteForce,
  forwardedSpoofing,
  cleartextCredentials,
  weakSsh,
  executableDownload,
  unsafeProtocol,
  kerberoasting,
  asrepRoasting,
  cryptomining,
  socksProxy,
  p2pFileSharing,
  ircC2,
  reverseShell,
  vpnTunnel,
  smbLateralMovement,
  rdpAbuse,
  ajpAbuse,
  http2Abuse,
  webScanner,
  paddingOracle,
  turnRelayAbuse,
  sipScan,
  radiusBlast,
];
