/**
 * What a client says of itself in its MCS Connect Initial ([MS-RDPBCGR] §2.2.1.3.2-§2.2.1.3.4): CS_CORE's client
 * name, build and keyboard layout, CS_SECURITY's encryption methods, and CS_NET's static virtual channels, each an
 * 8-octet ANSI name (`rdpdr`, `rdpsnd`, `cliprdr`, `drdynvc`). BlueKeep (CVE-2019-0708) is a channel named `MS_T120`,
 * which the vulnerable server binds to its own internal channel of that name.
 */
import type { DataBlock } from './rdp-mcs.ts';
import { u32le, utf16le } from './wire-bytes.ts';

export type ClientData = {
  name?: string;
  build?: number;
  keyboardLayout?: number;
  /** CS_SECURITY's encryptionMethods (or, from a French-locale client, extEncryptionMethods). */
  encryptionMethods?: number;
  /** CS_NET's channel names as sent (case kept), at most 64. */
  channels: string[];
};

/** CHANNEL_DEF: an 8-octet name then a 4-octet options field. */
const channelDefSize = 12;
const maxChannels = 64;

/** Printable ASCII as is, anything else as `.`, up to the first NUL. */
const channelName = (b: Uint8Array, at: number): string => {
  let name = '';
  for (let i = at; i < at + 8; i++) {
    const c = b[i] ?? 0;
    if (c === 0) break;
    name += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
  }
  return name;
};

/** CS_CORE: version 4, size 8, keyboardLayout 16, clientBuild 20, clientName 24 (32 octets of UTF-16LE). */
const readCore = (b: Uint8Array, data: ClientData): void => {
  if (b.length < 56) return;
  data.keyboardLayout = u32le(b, 16);
  data.build = u32le(b, 20);
  const name = utf16le(b, 24, 32);
  const nul = name.indexOf('\0');
  data.name = (nul < 0 ? name : name.slice(0, nul)).replace(/[^\x20-\x7e\u00a0-\uffff]/g, '.');
};

const readSecurity = (b: Uint8Array, data: ClientData): void => {
  if (b.length < 12) return;
  data.encryptionMethods = u32le(b, 4) || u32le(b, 8);
};

const readNet = (b: Uint8Array, data: ClientData): void => {
  const declared = u32le(b, 4);
  const fits = Math.floor((b.length - 8) / channelDefSize);
  const count = Math.min(declared, fits, maxChannels);
  for (let i = 0; i < count; i++) data.channels.push(channelName(b, 8 + i * channelDefSize));
};

/** CS_CORE 0xC001, CS_SECURITY 0xC002, CS_NET 0xC003; other blocks (cluster, monitors) are passed over. */
export const readClientData = (blocks: readonly DataBlock[]): ClientData => {
  const data: ClientData = { channels: [] };
  for (const { type, body } of blocks) {
    if (type === 0xc001) readCore(body, data);
    else if (type === 0xc002) readSecurity(body, data);
    else if (type === 0xc003) readNet(body, data);
  }
  return data;
};
