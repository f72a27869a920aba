/**
 * The Remote Desktop Protocol (`rdp`, [MS-RDPBCGR]): Windows desktops and servers, xrdp, Guacamole's and jump hosts'
 * back ends. Identified by the connection's first message either way, read whole and strictly (rdp-x224.ts): the
 * client's X.224 Connection Request in a TPKT whose lengths agree, with nothing but a cookie or routing token and an
 * RDP_NEG_REQ inside; or the server's Connection Confirm, bare or with an RDP_NEG_RSP or RDP_NEG_FAILURE. Never by
 * port: ISO-TSAP (S7comm's COTP) uses the same TPKT and X.224 request, with parameters RDP never sends.
 */
import type { Detection, Protocol } from './protocol.ts';
import { createRdpParser } from './rdp-parser.ts';
import { readConnectionConfirm, readConnectionRequest, tpktLength } from './rdp-x224.ts';

/** The request or confirm is at most a few hundred octets (a routing token is the longest part). */
const maxOpening = 1024;

const detect = (bytes: Uint8Array, direction: 'to-server' | 'to-client'): Detection => {
  const length = tpktLength(bytes);
  if (length < 0 || length > maxOpening) return 'no-match';
  if (length === 0 || bytes.length < 6) return 'need-more';
  // X.224 code: Connection Request from the client, Connection Confirm from the server.
  if (bytes[5] !== (direction === 'to-server' ? 0xe0 : 0xd0) || bytes[4] !== length - 5) return 'no-match';
  if (bytes.length < length) return 'need-more';
  const read = direction === 'to-server' ? readConnectionRequest(bytes) : readConnectionConfirm(bytes);
  return read === undefined ? 'no-match' : 'match';
};

export const rdp: Protocol = {
  id: 'rdp',
  transport: 'tcp',
  ports: [3389],
  encrypted: false,
  detect,
  createParser: createRdpParser,
};
