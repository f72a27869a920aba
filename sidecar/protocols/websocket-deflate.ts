/** What a WebSocket handshake agreed about permessage-deflate (RFC 7692), for each side's reader (http-websocket.ts). */
export type WebsocketDeflate = {
  /** permessage-deflate was agreed in the handshake (the server's Sec-WebSocket-Extensions). */
  on: boolean;
  /** This side's compressor starts each message afresh (client_ or server_no_context_takeover). */
  noContextTakeover: boolean;
};

/**
 * What the server's Sec-WebSocket-Extensions agreed (RFC 7692 §5, §7.1): permessage-deflate on or off, and which
 * side compresses each message afresh. A smaller max_window_bits needs nothing: the compressor then refers back less
 * far than the 32 KiB kept.
 */
export const websocketDeflate = (
  extensions: string | undefined,
): { client: WebsocketDeflate; server: WebsocketDeflate } => {
  const offer = (extensions ?? '')
    .split(',')
    .map((extension) => extension.split(';').map((part) => part.trim().toLowerCase()))
    .find(([name]) => name === 'permessage-deflate');
  const has = (parameter: string) => offer?.some((part) => part.split('=')[0]?.trim() === parameter) === true;
  return {
    client: { on: offer !== undefined, noContextTakeover: has('client_no_context_takeover') },
    server: { on: offer !== undefined, noContextTakeover: has('server_no_context_takeover') },
  };
};
