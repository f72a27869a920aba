/** Every protocol detector, in detection priority order: more specific signatures first. */

import { ajp } from './ajp.ts';
import { amqp } from './amqp.ts';
import { beanstalkd } from './beanstalkd.ts';
import { bittorrent, bittorrentDatagrams } from './bittorrent.ts';
import { cassandra } from './cassandra.ts';
import { clickhouse } from './clickhouse.ts';
import { dns } from './dns.ts';
import { elasticsearch } from './elasticsearch.ts';
import { epmd } from './epmd.ts';
import { erlangDist } from './erlang-dist.ts';
import { ftp } from './ftp.ts';
import { gearman } from './gearman.ts';
import { giop } from './giop.ts';
import { http } from './http.ts';
import { http2 } from './http2.ts';
import { ike, ikeStream } from './ike.ts';
import { imap } from './imap.ts';
import { irc } from './irc.ts';
import { javaRmi } from './java-rmi.ts';
import { jdwp } from './jdwp.ts';
import { kafka } from './kafka.ts';
import { kerberos } from './kerberos.ts';
import { ldap } from './ldap.ts';
import { memcached } from './memcached.ts';
import { mongodb } from './mongodb.ts';
import { mqtt } from './mqtt.ts';
import { mssql } from './mssql.ts';
import { mysql } from './mysql.ts';
import { nats } from './nats.ts';
import { oncRpc } from './onc-rpc.ts';
import { openvpn, openvpnStream } from './openvpn.ts';
import { openwire } from './openwire.ts';
import { pop3 } from './pop3.ts';
import { postgresql } from './postgresql.ts';
import type { Protocol } from './protocol.ts';
import { quic } from './quic.ts';
import { radius } from './radius.ts';
import { rdp } from './rdp.ts';
import { redis } from './redis.ts';
import { shell } from './shell.ts';
import { sip, sipStream } from './sip.ts';
import { smb } from './smb.ts';
import { smtp } from './smtp.ts';
import { snmp } from './snmp.ts';
import { socks } from './socks.ts';
import { socksDatagrams } from './socks-udp.ts';
import { ssh } from './ssh.ts';
import { statsd } from './statsd.ts';
import { stomp } from './stomp.ts';
import { stratum } from './stratum.ts';
import { stun, stunStream } from './stun.ts';
import { syslog, syslogStream } from './syslog.ts';
import { t3 } from './t3.ts';
import { telnet } from './telnet.ts';
import { thrift, thriftDatagrams } from './thrift.ts';
import { tls } from './tls.ts';
import { readTunnelsWith } from './tunnel-protocols.ts';
import { vnc } from './vnc.ts';
import { wireguard } from './wireguard.ts';
import { zabbix } from './zabbix.ts';
import { zookeeper } from './zookeeper.ts';

export const protocols: Protocol[] = [
  // Fixed signatures first: a TLS record + hello header, the 24-octet HTTP/2 preface or server SETTINGS,
  // an HTTP/1 request line (known method, target, "HTTP/1.x") or status line, an SSH identification line.
  tls,
  http2,
  http,
  // SIP: a request line of a known method, a sip, sips or tel URI and `SIP/2.0`, or `SIP/2.0 NNN`, then the five
  // header fields every message carries. Beside HTTP, whose lines look alike: neither takes the other's, and no other
  // detector takes a SIP message, a SIP INFO request included (sip.test.ts), so the place decides only the cost.
  sip,
  sipStream,
  ssh,
  // IKE over TCP (RFC 8229): the initiator's `IKETCP`, or the responder's first length-prefixed message behind the
  // non-ESP marker, its IKE header and payload chain whole.
  ikeStream,
  // VNC's RFB: either side's `RFB xxx.yyy\n` version line.
  vnc,
  // Java RMI: the client's `JRMI` opening, or the server's acknowledgement (0x4E, a NUL, a host, a port) alone.
  javaRmi,
  // WebLogic's T3: the client's `t3 <version>` line, or the server's `HELO:<version>` or `LGIN:` answer.
  t3,
  // CORBA's GIOP (IIOP): either side's 12-octet header, `GIOP`, version 1.0-1.2, flags and a message type that suit
  // the version, a size the type can have.
  giop,
  // STUN and TURN: a whole message opening with 0x00 or 0x01, the magic cookie 0x2112A442 at octet 4 and attributes
  // ending at its length (filling the datagram over UDP). No other protocol here has the cookie there: asked early,
  // it takes nothing of theirs, and a TURN flow's Allocate is not left to DNS's or Thrift's looser reading.
  stun,
  stunStream,
  // AJP13: the proxy's 0x12 0x34 packet holding a FORWARD_REQUEST whose fields hold together (or a CPING, PING or
  // SHUTDOWN alone), or the container's `AB` packet of a known kind and its exact shape. Before the length-prefixed
  // binary protocols.
  ajp,
  // JDWP: either side's 14-octet `JDWP-Handshake` (the debugger's, then the VM's echo).
  jdwp,
  // Gearman: either side's binary packet, `\0REQ` or `\0RES`, a type that side sends and a length it can have.
  gearman,
  // Zabbix: either side's `ZBXD` header, a flags octet with 0x01 set and nothing undefined, lengths within Zabbix's
  // bounds. Before the length-prefixed binary protocols.
  zabbix,
  // ActiveMQ's OpenWire: either side's WIREFORMAT_INFO (a u32 size, type 1, `ActiveMQ`, a version), or a client's
  // first frame a loose ExceptionResponse or ConnectionError naming a Java class (the CVE-2023-46604 exploits').
  // Before the length-prefixed binary protocols, whose first octets it shares.
  openwire,
  // RDP: a TPKT holding the client's X.224 Connection Request (a cookie and RDP_NEG_REQ at most) or the server's
  // Connection Confirm, every length agreeing. Before the binary database protocols: TDS's RPC packet type is 0x03 too.
  rdp,
  // Erlang: an EPMD request whose 2-octet length equals what follows, a known tag and a body that holds together (or
  // the daemon's PORT2_RESP or node list); a distribution handshake's send_name (`n`/`N`, flags, `alive@host`) or
  // the acceptor's status. Whole messages alone, so a length-prefixed protocol's first write is not taken.
  epmd,
  erlangDist,
  // SMB: a session message holding \xffSMB, \xfeSMB or \xfdSMB and a header whose fixed fields agree with its
  // length and direction, or NetBIOS's session request with two encoded names.
  smb,
  // BitTorrent's peer wire: either side's handshake, `\x13BitTorrent protocol` (20 octets).
  bittorrent,
  // Binary database/messaging protocols: each requires magic bytes or self-consistent length fields.
  postgresql,
  mysql,
  // ClickHouse's native protocol: a Hello from either side whose name, versions, revision (54xxx) and strings all hold
  // their bounds, or the server's Exception naming an exception class. After PostgreSQL, whose startup's second octet
  // (0) is no name length here.
  clickhouse,
  // A PRELOGIN packet (or the server's answer) whose option table holds together.
  mssql,
  mongodb,
  // The marker "ES", a length, then a header whose status and version ids must be plausible.
  elasticsearch,
  // Before kafka: a ZooKeeper ConnectRequest (length 44, then zeros) also parses as a Kafka Produce v0 header.
  zookeeper,
  kafka,
  amqp,
  mqtt,
  cassandra,
  ldap,
  // Thrift: a strict binary (0x80 0x01 0x00 type) or compact (0x82, version 1) message header with an identifier for
  // a name, at the start, after a frame length or in a THeader frame; the old unversioned header only with a whole
  // struct after it. After the length-prefixed protocols above: their fixed fields refuse Thrift's messages, and a
  // flow of theirs whose first octets also suit Thrift stays theirs. Before the datagram and text protocols, none of
  // which takes a Thrift message either (wire-samples.ts).
  thrift,
  // Over UDP: one-way datagrams (Jaeger agents'), each one whole message.
  thriftDatagrams,
  // SOCKS: a version 4 request, or a version 5 greeting with the request after it (the greeting alone is 3 octets).
  socks,
  // A SOCKS 5 UDP relay's datagram: zero reserved octets, no fragment, a valid destination, and data another UDP
  // protocol's detector takes. Before those protocols, which would take or refuse the header's octets.
  socksDatagrams,
  // A QUIC client Initial whose protection comes off with the public Initial keys (the AEAD tag verifies).
  quic,
  // SNMP: one BER message filling the datagram, version 1, 2c or 3, a PDU whose fields hold together. Before DNS,
  // whose loose header would take many datagrams starting 0x30.
  snmp,
  // BitTorrent over UDP: one whole bencoded KRPC dictionary (DHT) with `t`, `y` and a 20-octet node id, or a UDP
  // tracker's 16-octet connect request with the protocol id 0x41727101980. Before DNS, whose loose header would
  // take a datagram starting `d` or 0x00.
  bittorrentDatagrams,
  // IKE: one whole IKE message (or the non-ESP marker and one) whose version octet, exchange type, length, SPIs and
  // payload chain hold. Before DNS, whose loose header a message with a zero-led SPI could pass; the detectors above
  // refuse IKE's octets (a version 0x20 or 0x10 at offset 17 and a length equal to the datagram's).
  ike,
  // RADIUS: one whole packet, a code of its own from its side, a length equal to the datagram's (20-4096) and
  // attributes ending there. Before DNS, whose header a packet could pass for; a DNS query would need its flags to
  // equal its size (256 or 288 octets) and its name's octets to walk as attributes to be taken.
  radius,
  // ONC RPC: a CALL (rpcvers 2, credential and verifier of known flavors, each ≤ 400 octets) or a REPLY whose stats
  // are in range, after a TCP record mark (last-fragment bit set) or filling a datagram of a multiple of 4 octets.
  // Before DNS: a reply's header (flags 0, one question) is DNS's loose header; DNS's strict parse refuses a call.
  oncRpc,
  // DNS needs a whole message that parses strictly (or a TCP length prefix with a plausible header).
  dns,
  // WireGuard: one of its four messages exactly (type 1-4, three zero octets, the type's length, a MAC or a live
  // counter). After DNS, whose strict parse refuses them, since a resolver's query with ID 0x0100 and no flags
  // could otherwise pass for a transport datagram.
  wireguard,
  // OpenVPN: a hard reset (key id 0) whose whole plain, tls-auth or tls-crypt layout holds, a datagram or a TCP packet
  // after its 2-octet length (first octet 0-7, then opcode 7, 8 or 10 at the third).
  openvpn,
  openvpnStream,
  // beanstalkd: a command line only it takes (`put <pri> <delay> <ttr> <bytes>`, `use`, `watch`, `reserve`, …) or a
  // reply only it sends (`INSERTED`, `USING`, `RESERVED`, `OK <bytes>` then `---`). Before memcached and Redis, whose
  // inline WATCH would take a worker's `watch <tube>`; memcached's shared lines (`delete`, `touch`, `stats`) stay its.
  beanstalkd,
  // memcached: binary magic 0x80/0x81 with a consistent header, or a lowercase command with exact syntax.
  memcached,
  // STOMP: a frame of its side's command (upper case, alone on its line), `name:value` header lines, a blank line, and
  // the frame's NUL where its content-length or its first NUL says (or, while the body comes, a header its command
  // cannot go without). Before Redis, whose inline commands would take a SUBSCRIBE frame's first line.
  stomp,
  // Text: a RESP array naming a command, or an inline command whose name no other text protocol uses.
  redis,
  // Text protocols with disjoint verbs: NATS INFO/CONNECT JSON or PUB/SUB, SMTP greeting or EHLO/HELO/MAIL/RCPT.
  nats,
  smtp,
  // IRC: two registration lines from a client (CAP, PASS, NICK, USER), or a server's opening NOTICE, CAP or numeric.
  irc,
  // Mining pools' JSON-RPC lines: a method of Stratum's dialects with that method's params, nothing looser.
  stratum,
  // Server-first text protocols: FTP's 220 greeting (SMTP's names SMTP), POP3's "+OK text" (a Redis reply has no
  // text, and Redis clients speak first), IMAP's "* OK"; client commands only where a verb is the protocol's own.
  ftp,
  pop3,
  imap,
  // IAC negotiation: at least two well-formed WILL/WONT/DO/DONT or subnegotiations of registered options.
  telnet,
  // Log and metric lines: a syslog header (<PRI> then an RFC 5424 or RFC 3164 timestamp); StatsD lines, every one.
  syslog,
  syslogStream,
  statsd,
  // A Kerberos 5 message whose pvno and msg-type agree with its APPLICATION tag, or a TCP record holding one.
  kerberos,
  // Last: a shell talking over a bare connection (bash's no-terminal complaints, a prompt, `id`'s answer).
  shell,
];

// A parser created outside an engine (no ParserContext) detects its tunnels' inner protocols with the whole registry;
// the engine gives its own protocols.
readTunnelsWith(() => protocols);
