/**
 * A Zabbix message's data as text: inflated when the header says zlib (flag 0x02), at most `maxInflated` octets of
 * it. Past that the message is a long one (a proxy's history) or a compression bomb: its first part is what is read.
 */
import { inflateBounded } from './bounded-inflate.ts';
import { compressedFlag, type ZabbixHeader } from './zabbix-header.ts';

/** The most octets of one message's data inflated and read. */
export const maxInflated = 64 * 1024;

/** The data's text (UTF-8, invalid sequences replaced); undefined when compressed data does not inflate. */
export const zabbixText = (message: Uint8Array, header: ZabbixHeader): string | undefined => {
  const data = message.subarray(header.headerLength, header.headerLength + header.dataLength);
  const plain =
    (header.flags & compressedFlag) === 0 ? data.subarray(0, maxInflated) : inflateBounded(data, maxInflated);
  return plain === undefined
    ? undefined
    : Buffer.from(plain.buffer, plain.byteOffset, plain.length).toString('utf8');
};
