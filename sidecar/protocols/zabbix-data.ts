/**
 * A Zabbix message's data as text: inflated when the header says zlib (flag 0x02), at most `maxInflated` octets of
 * it. Past that the message is a long one (a proxy's history) or a compression bomb: its first part is what is read.
 */
import { constants, inflateSync } from 'node:zlib';
import { compressedFlag, type ZabbixHeader } from './zabbix-header.ts';

/** The most octets of one message's data inflated and read. */
export const maxInflated = 64 * 1024;

const options = { maxOutputLength: maxInflated, finishFlush: constants.Z_SYNC_FLUSH };

/**
 * Inflates what there is of a zlib stream (a message cut at the parser's bound gives its first part). When its whole
 * would pass `maxInflated`, the first half of the input is tried, and so on: at most 17 tries of 64 KiB out each.
 */
const inflateBounded = (data: Uint8Array): Uint8Array | undefined => {
  for (let length = data.length; length >= 2; length = Math.floor(length / 2)) {
    try {
      return inflateSync(data.subarray(0, length), options);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') return undefined;
    }
  }
  return undefined;
};

/** The data's text (UTF-8, invalid sequences replaced); undefined when compressed data does not inflate. */
export const zabbixText = (message: Uint8Array, header: ZabbixHeader): string | undefined => {
  const data = message.subarray(header.headerLength, header.headerLength + header.dataLength);
  const plain = (header.flags & compressedFlag) === 0 ? data.subarray(0, maxInflated) : inflateBounded(data);
  return plain === undefined
    ? undefined
    : Buffer.from(plain.buffer, plain.byteOffset, plain.length).toString('utf8');
};
