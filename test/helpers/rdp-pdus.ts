/**
 * RDP's opening PDUs built from [MS-RDPBCGR] §2.2.1.1 and §2.2.1.3, for the test client (rdp-client-main.ts): a
 * Connection Request with a cookie and RDP_NEG_REQ, and an MCS Connect Initial with CS_CORE, CS_SECURITY and CS_NET,
 * as a BlueKeep scanner sends them (the channel list of zerosum0x0's and Metasploit's CVE-2019-0708 check: cliprdr,
 * MS_T120, rdpsnd, snddbg, rdpdr).
 */

const u16le = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff];
const u32le = (n: number): number[] => [...u16le(n & 0xffff), ...u16le(n >>> 16)];

/** TPKT (RFC 1006): version 3, reserved 0, the whole length big-endian. */
const tpkt = (payload: readonly number[]): Buffer => {
  const length = payload.length + 4;
  return Buffer.from([3, 0, length >> 8, length & 0xff, ...payload]);
};

/** X.224 Connection Request (class 0) with `Cookie: mstshash=<user>` and an RDP_NEG_REQ asking for `requested`. */
export const connectionRequest = (user: string, requested: number): Buffer => {
  const variable = [
    ...Buffer.from(`Cookie: mstshash=${user}\r\n`, 'latin1'),
    1,
    0,
    ...u16le(8),
    ...u32le(requested),
  ];
  return tpkt([6 + variable.length, 0xe0, 0, 0, 0, 0, 0, ...variable]);
};

const berLength = (n: number): number[] => (n < 0x80 ? [n] : [0x82, n >> 8, n & 0xff]);
const ber = (tag: readonly number[], content: readonly number[]): number[] => [
  ...tag,
  ...berLength(content.length),
  ...content,
];
const integer = (n: number): number[] =>
  n < 0x80
    ? ber([0x02], [n])
    : n < 0x8000
      ? ber([0x02], [n >> 8, n & 0xff])
      : ber([0x02], [0, n >> 8, n & 0xff]);

/** T.125 DomainParameters: channel, user and token ids, priorities, throughput, height, PDU size, version 2. */
const domainParameters = (values: readonly number[]): number[] => ber([0x30], values.flatMap(integer));

const perLength = (n: number): number[] => (n < 0x80 ? [n] : [0x80 | (n >> 8), n & 0xff]);

const utf16Name = (name: string): number[] => {
  const out = [...Buffer.from(name.slice(0, 15), 'utf16le')];
  while (out.length < 32) out.push(0);
  return out;
};

/** CS_CORE (§2.2.1.3.2), 216 octets: RDP 5.0 and later, 1024x768, US keyboard, build 7601, the client's name. */
const csCore = (name: string): number[] => {
  const body = [
    ...u32le(0x00080004),
    ...u16le(1024),
    ...u16le(768),
    ...u16le(0xca01),
    ...u16le(0xaa03),
    ...u32le(0x409),
    ...u32le(7601),
    ...utf16Name(name),
    ...u32le(4),
    ...u32le(0),
    ...u32le(12),
    ...new Array<number>(64).fill(0),
    ...u16le(0xca01),
    ...u16le(1),
    ...u32le(0),
    ...u16le(24),
    ...u16le(7),
    ...u16le(1),
    ...new Array<number>(64).fill(0),
    0,
    0,
    ...u32le(0),
  ];
  return [...u16le(0xc001), ...u16le(body.length + 4), ...body];
};

/** CS_SECURITY: 40-bit and 128-bit RC4 offered. */
const csSecurity = (): number[] => [...u16le(0xc002), ...u16le(12), ...u32le(0x03), ...u32le(0)];

/** CS_NET: each channel an 8-octet NUL-padded name and its options (initialized, RDP encrypted). */
const csNet = (channels: readonly string[]): number[] => {
  const defs = channels.flatMap((name) => {
    const bytes = [...Buffer.from(name.slice(0, 7), 'latin1')];
    while (bytes.length < 8) bytes.push(0);
    return [...bytes, ...u32le(0xc0000000)];
  });
  return [...u16le(0xc003), ...u16le(8 + defs.length), ...u32le(channels.length), ...defs];
};

/** The MCS Connect Initial in an X.224 Data TPDU, its GCC Conference Create Request carrying the client's blocks. */
export const connectInitial = (name: string, channels: readonly string[]): Buffer => {
  const blocks = [...csCore(name), ...csSecurity(), ...csNet(channels)];
  const create = [
    0x00,
    0x08,
    0x00,
    0x10,
    0x00,
    0x01,
    0xc0,
    0x00,
    ...Buffer.from('Duca'),
    ...perLength(blocks.length),
  ];
  const gcc = [
    0x00,
    0x05,
    0x00,
    0x14,
    0x7c,
    0x00,
    0x01,
    ...perLength(create.length + blocks.length),
    ...create,
    ...blocks,
  ];
  const content = [
    ...ber([0x04], [1]),
    ...ber([0x04], [1]),
    ...ber([0x01], [0xff]),
    ...domainParameters([34, 2, 0, 1, 0, 1, 0xffff, 2]),
    ...domainParameters([1, 1, 1, 1, 0, 1, 0x420, 2]),
    ...domainParameters([0xffff, 0xfc17, 0xffff, 1, 0, 1, 0xffff, 2]),
    ...ber([0x04], gcc),
  ];
  return tpkt([2, 0xf0, 0x80, ...ber([0x7f, 0x65], content)]);
};

/** The channels a BlueKeep check asks for: MS_T120 among ordinary ones, outside its slot (31). */
export const blueKeepChannels = ['cliprdr', 'MS_T120', 'rdpsnd', 'snddbg', 'rdpdr'] as const;
