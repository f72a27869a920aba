/**
 * The BitTorrent client software a 20-octet peer id names (BEP 20, "Peer ID Conventions"): Azureus style
 * (`-TR3000-` + 12 random octets), aria2's `A2-1-36-0-`, Mainline's `M7-4-0--`, Shad0w style (`S58B-----…`). Each
 * client numbers its versions its own way, so the tag is kept as it was sent beside the name.
 */

/** Azureus-style two-letter codes of the clients one meets (BEP 20 and the clients' own sources). */
const azureus: Readonly<Record<string, string>> = {
  AG: 'Ares',
  AR: 'Arctic Torrent',
  AZ: 'Vuze',
  BC: 'BitComet',
  BI: 'BiglyBT',
  BN: 'Baidu Netdisk',
  BT: 'BitTorrent',
  DE: 'Deluge',
  FD: 'Free Download Manager',
  FW: 'FrostWire',
  KT: 'KTorrent',
  LT: 'libtorrent (Rasterbar)',
  lt: 'libtorrent (rakshasa)',
  PI: 'PicoTorrent',
  qB: 'qBittorrent',
  SD: 'Thunder',
  TL: 'Tribler',
  TR: 'Transmission',
  UM: 'µTorrent Mac',
  UT: 'µTorrent',
  UW: 'µTorrent Web',
  WW: 'WebTorrent',
  XL: 'Xunlei',
};

/** Shad0w-style one-letter codes. */
const shadow: Readonly<Record<string, string>> = {
  A: 'ABC',
  O: 'Osprey Permaseed',
  Q: 'BTQueue',
  R: 'Tribler',
  S: "Shad0w's client",
  T: 'BitTornado',
  U: 'UPnP NAT Bit Torrent',
};

const isAlnum = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));

const ascii = (id: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...id.subarray(start, end));

/** `-XXvvvv-`: two letters, four version characters. */
const azureusStyle = (id: Uint8Array): string | undefined => {
  if (id[0] !== 0x2d || id[7] !== 0x2d) return undefined;
  for (let i = 1; i < 7; i++) if (!isAlnum(id[i])) return undefined;
  const tag = ascii(id, 0, 8);
  const name = azureus[ascii(id, 1, 3)];
  return name === undefined ? `unknown client ${tag}` : `${name} ${tag}`;
};

/** Three dash-terminated groups of digits from `from` (`1-36-0-`), or undefined. */
const dashedVersion = (id: Uint8Array, from: number): string | undefined => {
  const groups: string[] = [];
  let group = '';
  for (let i = from; i < 20 && groups.length < 3; i++) {
    const b = id[i] as number;
    if (b === 0x2d && group !== '') {
      groups.push(group);
      group = '';
    } else if (b >= 0x30 && b <= 0x39 && group.length < 3) group += String.fromCharCode(b);
    else return undefined;
  }
  return groups.length === 3 ? groups.join('.') : undefined;
};

/** aria2 (`A2-1-36-0-`) and Mainline (`M7-4-0--`): a prefix, then three dash-terminated version numbers. */
const dashedStyle = (id: Uint8Array): string | undefined => {
  if (id[0] === 0x41 && id[1] === 0x32 && id[2] === 0x2d) {
    const version = dashedVersion(id, 3);
    return version === undefined ? undefined : `aria2 ${version}`;
  }
  const version = id[0] === 0x4d ? dashedVersion(id, 1) : undefined;
  return version === undefined ? undefined : `BitTorrent Mainline ${version}`;
};

/** One letter, five version characters, `---`. */
const shadowStyle = (id: Uint8Array): string | undefined => {
  const name = shadow[String.fromCharCode(id[0] ?? 0)];
  if (name === undefined || id[6] !== 0x2d || id[7] !== 0x2d || id[8] !== 0x2d) return undefined;
  for (let i = 1; i < 6; i++) if (!isAlnum(id[i]) && id[i] !== 0x2e && id[i] !== 0x2d) return undefined;
  return `${name} ${ascii(id, 0, 6).replace(/-+$/, '')}`;
};

/**
 * The software a DHT message's `v` names (BEP 5: two letters of client, as in peer ids, then two octets of
 * version; aria2 writes `A2`): `aria2 (DHT v0.3)`.
 */
export const clientOfDhtVersion = (v: Uint8Array): string | undefined => {
  if (v.length !== 4 || !isAlnum(v[0]) || !isAlnum(v[1])) return undefined;
  const code = ascii(v, 0, 2);
  const name = code === 'A2' ? 'aria2' : (azureus[code] ?? code);
  return `${name} (DHT v${v[2]}.${v[3]})`;
};

/** The software a peer id names, or undefined when it follows none of the conventions. */
export const clientOfPeerId = (id: Uint8Array): string | undefined => {
  if (id.length !== 20) return undefined;
  return azureusStyle(id) ?? dashedStyle(id) ?? shadowStyle(id);
};
