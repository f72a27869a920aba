/** Typed layer-7 events that protocol parsers emit and threat detectors read (never raw bytes). */
import type { ProtocolId } from '#core/protocol-id.ts';

export type Direction = 'to-server' | 'to-client';

type Base = {
  /** Capture time of the packet that completed the event, epoch milliseconds. */
  ts: number;
  direction: Direction;
};

export type Header = readonly [name: string, value: string];

export type HttpRequestEvent = Base & {
  kind: 'http-request';
  /** '1.0' | '1.1' | '2' */
  version: string;
  method: string;
  /** The request target exactly as sent (path and query, or absolute form). */
  target: string;
  path: string;
  query: string;
  headers: readonly Header[];
  /** Body bytes, up to a bound; `bodyTruncated` says when more was sent. */
  body: Uint8Array;
  bodyTruncated: boolean;
  /**
   * A form's fields or a JSON document's strings read past the body's bound, when it was passed (ADR 46): a bounded
   * choice of them, and how many were not kept.
   */
  later?: LaterValues;
  /**
   * AJP (ajp-forward-request.ts): the request attributes the proxy set, the coded ones by Tomcat's name
   * (`query_string`, `remote_user`, `ssl_cipher`...), `req_attribute` pairs by their own name
   * (`javax.servlet.include.path_info`); a `secret`'s value is never kept (''). Absent on HTTP.
   */
  attributes?: readonly Header[];
  /**
   * AJP: the client the proxy names outside the headers, `remote_addr` (with `AJP_REMOTE_PORT` when sent: `a.b.c.d:p`,
   * `[v6]:p`), the nearest hop of the request's forwarding chain (ADR 52). Absent on HTTP.
   */
  remoteAddr?: string;
  /** HTTP/2 stream id, for multiplexed requests. */
  streamId?: number;
};

/** A value read past a request body's bound: its name (a form field's, a JSON key's) and its text. */
export type LaterValue = readonly [name: string, value: string];

export type LaterValues = {
  /**
   * How the values are read: a form's still percent-encoded (as sent), a JSON document's decoded, an XML document's
   * element texts and attribute values with entities as sent, a text's lines, a gRPC body's text fields.
   */
  kind: 'form' | 'json' | 'xml' | 'text' | 'grpc';
  values: readonly LaterValue[];
  /** Values read past the bound and not kept (the bound was full), and long values whose middle was not kept. */
  unread: number;
};

/**
 * The request a response answers, as far as the parser paired them (in order on HTTP/1, by stream on HTTP/2): its
 * method, target, and its forwarding headers only (`X-Forwarded-For`, `Forwarded`, `X-Real-IP`; ADR 28).
 */
export type HttpRequestRef = {
  method: string;
  target: string;
  forwarding: readonly Header[];
  /** The request's `remoteAddr` (AJP), when it had one. */
  remoteAddr?: string;
};

export type HttpResponseEvent = Base & {
  kind: 'http-response';
  version: string;
  status: number;
  headers: readonly Header[];
  body: Uint8Array;
  bodyTruncated: boolean;
  streamId?: number;
  /** Undefined when the request was not seen (a flow picked up mid-stream, more than 64 outstanding). */
  request?: HttpRequestRef | undefined;
};

export type GrpcCallEvent = Base & {
  kind: 'grpc-call';
  service: string;
  method: string;
  streamId?: number;
  /**
   * The call's forwarding headers only (`X-Forwarded-For`, `Forwarded`, `X-Real-IP`; ADR 31), joined and bounded as a
   * response's `request` keeps them; undefined when its request had none. The rest of its headers are the
   * `http-request` event's that follows.
   */
  forwarding?: readonly Header[] | undefined;
};

export type TlsClientHelloEvent = Base & {
  kind: 'tls-client-hello';
  /** Highest version offered, e.g. 'TLS1.3' (from supported_versions when present). */
  version: string;
  recordVersion: string;
  sni?: string;
  alpn: readonly string[];
  ja3: string;
  ja3Hash: string;
  /** JA4 (FoxIO): stable when a client shuffles its extensions, as Chrome does. */
  ja4: string;
};

export type TlsServerHelloEvent = Base & {
  kind: 'tls-server-hello';
  /** Negotiated version, e.g. 'TLS1.2'. */
  version: string;
  cipherSuite: number;
  alpn?: string;
  /** JA3S (Salesforce): `version,cipher,extensions` as the server sent them. */
  ja3s: string;
  ja3sHash: string;
};

/** A certificate's facts (`protocols/x509-facts.ts`); times are epoch milliseconds. */
export type CertificateFacts = {
  /** `C=US, O=Acme, CN=example.com` */
  subject: string;
  issuer: string;
  /** The subject's common names (`CN=`). */
  commonNames: string[];
  /** subjectAltName DNS names. */
  names: string[];
  /** subjectAltName IP addresses. */
  addresses: string[];
  notBefore: number;
  notAfter: number;
  serial: string;
  /** Colon-separated upper-case hex, as OpenSSL and nDPI print it. */
  sha1: string;
  sha256: string;
  /** 'rsa', 'ec', 'ed25519', ... ('unknown' when OpenSSL cannot load the key). */
  keyType: string;
  keyBits?: number;
  /** The signature algorithm's name (`sha256WithRSAEncryption`), or its dotted OID when unnamed. */
  signature?: string;
  /** basicConstraints CA:TRUE */
  ca: boolean;
  /** Issued by its own key: the issuer is the subject and the signature verifies with the certificate's key. */
  selfSigned: boolean;
};

/**
 * A TLS 1.0–1.2 Certificate message (RFC 5246 §7.4.2): the server's chain, or the client's in mutual TLS. TLS 1.3
 * encrypts it, so it is never seen there.
 */
export type TlsCertificateEvent = Base & {
  kind: 'tls-certificate';
  /** Certificates in the chain as sent, leaf first. */
  chain: number;
  /** The leaf's facts, when it could be read. */
  leaf?: CertificateFacts;
  /** Why the leaf could not be read. */
  problem?: string;
};

export type TlsRecordEvent = Base & {
  kind: 'tls-record';
  contentType: number;
  version: string;
  length: number;
  /** For heartbeat records (content type 24): the declared payload length. */
  heartbeatPayloadLength?: number;
};

export type DnsQuestion = { name: string; type: string };
export type DnsAnswer = { name: string; type: string; ttl: number; data: string };

export type DnsMessageEvent = Base & {
  kind: 'dns-message';
  id: number;
  isResponse: boolean;
  opcode: number;
  rcode: string;
  questions: readonly DnsQuestion[];
  answers: readonly DnsAnswer[];
  /** Size of the DNS message in bytes. */
  size: number;
  /** `http`: in an HTTP request or response (DNS over HTTPS, RFC 8484, read where it is plaintext). */
  transport: 'udp' | 'tcp' | 'http';
  /** Set when the message did not parse completely (bad header counts, names or records); the lists hold what did. */
  malformed?: boolean;
};

export type SqlQueryEvent = Base & {
  kind: 'sql-query';
  dialect: 'postgresql' | 'mysql' | 'cassandra' | 'mssql' | 'clickhouse';
  text: string;
};

export type DbAuthEvent = Base & {
  kind: 'db-auth';
  /**
   * The database, or the server with a login of its own (SMTP, FTP, POP3, IMAP, Telnet, LDAP, a Kerberos KDC, a STOMP
   * broker, a SIP registrar).
   */
  dialect:
    | 'postgresql'
    | 'mysql'
    | 'mongodb'
    | 'redis'
    | 'mssql'
    | 'ftp'
    | 'pop3'
    | 'imap'
    | 'telnet'
    | 'smtp'
    | 'kerberos'
    | 'snmp'
    | 'socks'
    | 'vnc'
    | 'ldap'
    | 'smb'
    | 'erlang'
    | 'clickhouse'
    | 'stomp'
    | 'sip'
    | 'radius';
  ok: boolean;
  user?: string;
  message?: string;
  /** How the server asked for the password, when the protocol says: `cleartext` sends it as it is. */
  method?: 'cleartext' | 'md5' | 'sasl' | 'other';
};

export type RedisCommandEvent = Base & {
  kind: 'redis-command';
  command: string;
  args: readonly string[];
  /** Its place among the connection's commands (0 the first): the `redis-reply` that answers it names the same. */
  seq: number;
};

/**
 * A Redis server's answer to a command that acts on the server rather than its data (`serverCommands` in
 * protocols/redis-commands.ts), paired with that command by order: RESP answers a connection's commands in order,
 * pipelined or not.
 */
export type RedisReplyEvent = Base & {
  kind: 'redis-reply';
  /**
   * The command answered; '' for an error sent before any command, as Redis refuses a connection at accept and then
   * closes it (protected mode's DENIED, too many clients): the answer to every command sent on the connection.
   */
  command: string;
  /** The `seq` of the command it answers. */
  seq: number;
  /** `ok`: a reply that is not an error; `error`: refused or failed; `queued`: inside MULTI (EXEC's reply, unread, has the outcome). */
  outcome: 'ok' | 'error' | 'queued';
  /** An error reply's first word, its code: ERR, NOAUTH, NOPERM, READONLY, DENIED, ... */
  error?: string;
};

export type KafkaRequestEvent = Base & {
  kind: 'kafka-request';
  apiKey: number;
  api: string;
  topics: readonly string[];
};

export type MqttEvent = Base & { kind: 'mqtt'; packet: string; topics: readonly string[] };

export type SshBannerEvent = Base & { kind: 'ssh-banner'; protocolVersion: string; software: string };

/** Algorithm lists of one SSH direction: what goes to the server, what goes to the client. */
type SshDirections = { toServer: readonly string[]; toClient: readonly string[] };

/** An SSH_MSG_KEXINIT (RFC 4253 §7.1): one side's algorithms in order of preference, and its HASSH. */
export type SshKexInitEvent = Base & {
  kind: 'ssh-kexinit';
  kex: readonly string[];
  hostKeys: readonly string[];
  ciphers: SshDirections;
  macs: SshDirections;
  compression: SshDirections;
  /** `kex;ciphers;macs;compression` of the sender's own direction, and its MD5 (HASSH, or HASSH-Server). */
  hasshAlgorithms: string;
  hassh: string;
};

/** A request or operation of any other protocol: memcached commands, AMQP methods, SMTP verbs, LDAP ops... */
/**
 * The operation a parser emits when what follows on the flow is encrypted by the protocol itself, not by TLS (a
 * PostgreSQL connection after its GSSENCRequest was accepted): the engine marks the flow `encrypted`.
 */
export const encryptedOperation = 'encrypted';
/**
 * The operation a tunnel's reader (HTTP/1 CONNECT or upgrade, SOCKS CONNECT) emits when it finds the protocol inside
 * (`tunnel redis`, `detail` its id), before that protocol's events: the engine notes it on the flow (`tunnelled`, one
 * entry per layer), so detectors of that protocol judge them, and the summary's operations name it.
 */
export const tunnelOperation = 'tunnel';
/**
 * The operation a tunnel's reader emits when the inner protocol's parser threw (`detail` its id): the tunnel is no
 * longer read, the carrier's parser goes on. The engine counts it as a parser error and notes it on the flow.
 */
export const tunnelFailedOperation = 'tunnel-failed';

export type OperationEvent = Base & {
  kind: 'operation';
  protocol: ProtocolId;
  operation: string;
  detail?: string;
  /**
   * The operation reads its target whole, as a dump does (a MongoDB `find` on a collection with no filter, or an
   * empty one, and no limit). Set, always true, only by parsers that can tell.
   */
  whole?: true;
  /**
   * MongoDB: the `$`-keys below the command's top level (query, update and pipeline operators), at most 64 distinct;
   * absent when there are none (mongodb-operators.ts).
   */
  operators?: readonly string[];
  /**
   * MongoDB: the server-side JavaScript the command carries (`$where`, `$function` and `$accumulator` bodies, mapReduce
   * functions, BSON code values), at most 4 KiB in all; absent when there is none.
   */
  javascript?: readonly string[];
  /**
   * Java RMI: a call's (T3: a client message's) object serialization stream (`AC ED 00 05` on), its first 64 KiB,
   * for the detectors that judge what it would deserialize into (java-rmi-parser.ts, t3-parser.ts). GIOP: a
   * Request's CDR-encoded arguments, within its first 64 KiB, where RMI-IIOP's value types name their Java classes
   * (giop-message.ts). STOMP: a SEND's body that is a Java object stream or that ActiveMQ unmarshals with XStream, its
   * first 64 KiB (stomp-parser.ts).
   */
  serialized?: Uint8Array;
  /**
   * A message longer than the 64 KiB kept of it whose `serialized` is a Java stream: the classes its octets past them
   * name, distinct and in order, up to 64 KiB of names (java-class-scan.ts). A stream padded past the kept octets
   * hides its gadget there. Set by RMI, T3, OpenWire, STOMP, beanstalkd and Gearman; absent when the message was not
   * cut or the rest names no class.
   */
  restClasses?: readonly string[];
  /**
   * RDP: the static virtual channels a client's MCS Connect Initial asks for (CS_NET), as named (case kept), at most
   * 64 (rdp-client-data.ts).
   */
  channels?: readonly string[];
  /**
   * OpenWire: the Throwable an ExceptionResponse or ConnectionError carries, its class name and message (the broker
   * instantiates the class with the message: CVE-2023-46604; openwire-objects.ts).
   */
  thrown?: { className: string; message: string };
  /**
   * TURN (RFC 8656, RFC 6062): a peer a client asked the server to reach, the server's answer, or data relayed with
   * it, for `turn-relay-abuse` (stun-session.ts).
   */
  turnPeer?: TurnPeer;
  /**
   * Zabbix: the item keys an active checks answer hands the agent to run, or those whose values agent data sends back
   * (a `system.run` command among them), whole to 1 KiB, at most 64 (zabbix-json.ts).
   */
  items?: readonly string[];
  /** SIP: the message's parties and, for a response, the request it answers (sip-parser.ts). */
  sip?: SipFacts;
  /**
   * RADIUS: an Access-Request's answer (Access-Accept, Access-Reject, Access-Challenge) paired with it by identifier,
   * how the request authenticated, and whether each carried a Message-Authenticator (radius-parser.ts).
   */
  radiusAnswer?: RadiusAnswer;
  /** ONC RPC: a call, or a reply with the call it answers (onc-rpc-parser.ts), for `nfs-abuse`. */
  rpc?: OncRpc;
};

/**
 * What a SIP message (RFC 3261) tells of its parties, for `sip-scan` and the flow's story: users are the user parts
 * of the URIs (extensions), at most 128 characters; a digest's response and nonce are never kept.
 */
export type SipFacts = {
  /** A request's method; a response's, the method its CSeq names. */
  method: string;
  /** A response's status code; absent on a request. */
  status?: number;
  toUser?: string;
  fromUser?: string;
  /** A request's User-Agent; a response's Server (or its User-Agent). */
  agent?: string;
  /** The username and realm of the message's Authorization or Proxy-Authorization. */
  authUser?: string;
  realm?: string;
  /** A response: the request it answers, paired by Call-ID and CSeq, when the flow carried it. */
  answers?: { toUser?: string; agent?: string; authorized: boolean };
};

/** How an Access-Request was answered, for `radius-blast` (CVE-2024-3596). */
export type RadiusAnswer = {
  answer: string;
  /** `pap`, `chap`, `mschap`, `eap-md5`..., or `none` when the request named no method. */
  method: string;
  eap: boolean;
  requestAuthenticator: boolean;
  responseAuthenticator: boolean;
};

/**
 * An ONC RPC call (RFC 5531) by number and by name (`mount MNT`), what its arguments name (a path, a NIS map, a
 * program), its credential's flavor and, for AUTH_SYS, the uid, gid and machine name the client wrote itself; on a
 * reply also the status (`MNT3ERR_ACCES`, `NFS3_OK`, `PROG_UNAVAIL`) and whether the call did what it asked.
 */
export type OncRpc = {
  program: number;
  version: number;
  procedure: number;
  name: string;
  argument?: string;
  flavor: number;
  uid?: number;
  gid?: number;
  machine?: string;
  status?: string;
  ok?: boolean;
  /** NFS v4: the paths a COMPOUND walked (`/etc/shadow`; `…/x` from a handle not known), at most 8. */
  paths?: string[];
  /** NFS v4, on the reply: of those from the root, the part whose every component the server granted (NFS4_OK). */
  granted?: string[];
};

/**
 * A TURN peer step: `asked` (a CreatePermission, ChannelBind or Connect request, or a Send indication, naming it in
 * XOR-PEER-ADDRESS), `granted` or `refused` (the server's answer to that request, paired by transaction id, with the
 * error's code and reason), `relayed` (data went through: a Send to a granted peer, a Data indication from it,
 * ChannelData on a channel bound to it).
 */
export type TurnPeer = {
  ip: string;
  port: number;
  method: string;
  step: 'asked' | 'granted' | 'refused' | 'relayed';
  error?: string;
};

/**
 * A whole WebSocket message (RFC 6455) after an HTTP/1.1 upgrade: its length (inflated, when permessage-deflate
 * compressed it and it could be inflated) and, for text, its first 16 KiB decoded. No text when a compressed
 * message could not be inflated (docs/protocols.md).
 */
export type WebsocketMessageEvent = Base & {
  kind: 'websocket-message';
  opcode: 'text' | 'binary';
  length: number;
  compressed: boolean;
  /** A text message's first 64 KiB decoded; also a binary message's, when it is UTF-8 text. */
  text?: string;
  /**
   * A binary MessagePack message's strings, with their paths (`$.query`): the first 256, then the others as one
   * string, a line each, at the path `(rest)`.
   */
  strings?: readonly (readonly [path: string, value: string])[];
  /**
   * The upgrade request's forwarding headers only (ADR 31), on every message of either direction: after the upgrade the
   * connection is that one client's, so a proxy does not pool it. Undefined when the upgrade request had none.
   */
  forwarding?: readonly Header[] | undefined;
};

/**
 * A connection a control connection announced (FTP's PASV and EPSV answers, PORT and EPRT commands; a SOCKS 5 UDP
 * ASSOCIATE's reply): the engine gives the next flow to that port `protocol` instead of detecting it, since its bytes
 * are a file, not a protocol (or are a relay's datagrams, whose header is read before what they carry).
 */
export type ExpectedFlowEvent = Base & {
  kind: 'expected-flow';
  protocol: ProtocolId;
  /** Whose address listens: the control connection's server (passive mode) or its client (active mode). */
  listener: 'server' | 'client';
  /** The address the message names, when it names one (PASV, PORT, EPRT; EPSV does not). */
  ip?: string;
  port: number;
  /** The coming flow's transport when it is not TCP (a SOCKS UDP ASSOCIATE's relay). */
  transport?: 'udp';
};

/**
 * The first octets of what one direction of a data connection carried (an FTP file or listing), told once: when the
 * reader has them all (ftp-data.ts) or when the flow ends. `truncated`: bytes were lost after these.
 */
export type FileDataEvent = Base & {
  kind: 'file-data';
  head: Uint8Array;
  truncated: boolean;
};

/**
 * What one side of an HTTP/2 connection did that costs a server work without a request to show for it (RFC 9113
 * §10.5; http2-control.ts), told when a count reaches 64 and at each doubling after, so a flood of a million frames is
 * twenty events. `resets`: the client's RST_STREAMs of streams the server had not answered (Rapid Reset,
 * CVE-2023-44487); `pings`, `settings`: those frames, acknowledgements aside (CVE-2019-9512, -9515); `empty-frames`:
 * DATA without payload or END_STREAM, CONTINUATION without payload (CVE-2019-9518). Told once each: `continuation`,
 * a header block of 32 CONTINUATION frames or more (the CONTINUATION flood, CVE-2024-27316 and its kin), and one past
 * the 1 MiB read, after which the side is not read (`octets`, `stopped`); `hpack-expansion`, a header block that
 * decodes to at least 64 KiB and 16 times its own size (the HPACK bomb, CVE-2016-6581). MadeYouReset (CVE-2025-8671),
 * counted as the floods are: `stream-errors`, the client's frames that are a stream error for the server (a zero
 * WINDOW_UPDATE, a PRIORITY of bad length or on itself, DATA or HEADERS after its own END_STREAM); `server-resets`,
 * the server's RST_STREAMs of client streams that blame the client (PROTOCOL_ERROR, FLOW_CONTROL_ERROR,
 * STREAM_CLOSED, FRAME_SIZE_ERROR), within what is read of the server's side (http2-stream-errors.ts). Both with
 * `causes`.
 */
export type Http2ControlEvent = Base & {
  kind: 'http2-control';
  control:
    | 'resets'
    | 'pings'
    | 'settings'
    | 'empty-frames'
    | 'continuation'
    | 'hpack-expansion'
    | 'stream-errors'
    | 'server-resets';
  /** How many so far on this side of the connection; for a header block, its frames. */
  count: number;
  /** The capture time of the first of them. */
  since: number;
  /**
   * The streams the client opened so far on the connection; for `server-resets`, those up to the last one the server
   * reset (the server is often far behind a client that writes its streams at once).
   */
  streams: number;
  /** A header block's octets as sent. */
  octets?: number;
  /** What it decoded to (`hpack-expansion`). */
  decoded?: number;
  /** The side is read no further (a header block past the 1 MiB read). */
  stopped?: boolean;
  /** What the frames counted were, each with its count: frame kinds (`stream-errors`), error codes (`server-resets`). */
  causes?: Readonly<Record<string, number>>;
};

/**
 * A step of a mining pool session (Stratum and its dialects, stratum-message.ts): the miner logging in, the pool
 * handing out work, the miner handing in a share. The account and software are the login's; never its password.
 */
export type MiningEvent = Base & {
  kind: 'mining';
  step: 'login' | 'job' | 'share';
  method: string;
  user?: string;
  agent?: string;
  algorithms?: readonly string[];
};

/**
 * One SMB step worth telling (smb.ts): a negotiation, a login, a share or file opened (each told with the server's
 * answer), a DCE/RPC bind on a named pipe, the start of encryption; any other command only the first time a flow uses
 * it, for the summary. Names are as sent (UTF-16 decoded); never a password, hash or NTLM response.
 */
export type SmbEvent = Base & {
  kind: 'smb';
  /**
   * 1: SMB1 (MS-CIFS), 2: SMB 2 and 3 (MS-SMB2). A NetBIOS session event gets the version of the SMB that follows
   * it; absent when none follows (a negative session response, a flow that ends first).
   */
  version?: 1 | 2;
  /** `negotiate`, `session-setup`, `tree-connect`, `create`, `write`, `ioctl`, `encrypted`, `netbios-session`... */
  command: string;
  /** The server's NT status, on an answer (`STATUS_LOGON_FAILURE`, or the code in hex when unnamed). */
  status?: string;
  /** The answer succeeded. */
  ok?: boolean;
  /** Dialects the client offers (`2.0.2`, `3.1.1`, `NT LM 0.12`). */
  dialects?: readonly string[];
  /** The dialect the server chose. */
  dialect?: string;
  /** The tree: `\\host\IPC$`. */
  share?: string;
  /** A file or named pipe opened, as sent (`svcctl`, `\srvsvc`, `Windows\PSEXESVC.exe`). */
  name?: string;
  /** The name is a named pipe (opened on IPC$). */
  pipe?: boolean;
  /** The open asked for write access (data, append, generic write or all) or to create or overwrite. */
  write?: boolean;
  /** A DCE/RPC bind's interface on a pipe (`svcctl`, `samr`), or its UUID when unnamed; a request's, by its pipe. */
  rpc?: string;
  /** A DCE/RPC request's operation number on the pipe's interface, and its name (`SamrEnumerateUsersInDomain`). */
  opnum?: number;
  call?: string;
  /** The login's account, domain and workstation (NTLMSSP AUTHENTICATE, or SMB1's account in the clear). */
  user?: string;
  domain?: string;
  workstation?: string;
  /** How the client logged in. */
  auth?: 'ntlm' | 'kerberos' | 'anonymous' | 'cleartext' | 'other';
  /** The Kerberos error a login's answer carried in its security blob (`KRB_AP_ERR_SKEW`). */
  krbError?: string;
};

/**
 * A step of a BitTorrent session (bittorrent*.ts): a peer's handshake naming the torrent (its info hash, hex) and
 * the peer's software, an extended handshake's client name, pieces sent in one direction so far (a count and
 * octets, never their content), a DHT query, or a UDP tracker's action (an announce with what the client reports).
 */
export type P2pEvent = Base & {
  kind: 'p2p';
  step: 'handshake' | 'extended' | 'pieces' | 'dht' | 'tracker';
  infoHash?: string;
  client?: string;
  /** A DHT query's name (`get_peers`) or a UDP tracker's action (`announce`). */
  action?: string;
  /** `pieces`: blocks this direction's sender has sent so far in the flow, and their octets. */
  pieces?: number;
  bytes?: number;
  /** Peers a tracker's answer, a DHT answer or a PEX message (BEP 11) hands over. */
  peers?: number;
  /** A tracker announce: octets the client says it has uploaded, downloaded, and still needs (0: a seeder). */
  uploaded?: number;
  downloaded?: number;
  left?: number;
};

export type ProtocolEvent =
  | HttpRequestEvent
  | HttpResponseEvent
  | GrpcCallEvent
  | TlsClientHelloEvent
  | TlsServerHelloEvent
  | TlsRecordEvent
  | TlsCertificateEvent
  | DnsMessageEvent
  | SqlQueryEvent
  | DbAuthEvent
  | RedisCommandEvent
  | RedisReplyEvent
  | KafkaRequestEvent
  | MqttEvent
  | SshBannerEvent
  | SshKexInitEvent
  | OperationEvent
  | WebsocketMessageEvent
  | ExpectedFlowEvent
  | FileDataEvent
  | MiningEvent
  | SmbEvent
  | P2pEvent
  | Http2ControlEvent;

export type ProtocolEventKind = ProtocolEvent['kind'];
