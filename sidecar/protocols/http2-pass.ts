/**
 * What of the server's DATA the HTTP/2 reader lets pass unread (ProtocolParser.pass, ADR 58): the rest of a DATA frame
 * begun on a stream whose answer is told (its first 8 KiB kept) or gone, and the rest of a DATA frame too large to
 * buffer. Its header says all the walk needs of it: its length frames what follows, its END_STREAM closes the stream.
 * Only the server's side: the client's DATA after its END_STREAM is counted as stream errors (http2-data-frames.ts).
 */
import type { ProtocolEvent } from '../events.ts';
import { frameFlag, frameHeaderLength, frameType, readFrameHeader } from './http2-frame.ts';
import { empty, maxBufferedFrame, type Side } from './http2-side.ts';

/** The octets next on `side` taken as read, 0 when none. */
export const passData = (side: Side): number => {
  if (side.direction !== 'to-client' || side.stopped || side.large !== undefined || side.block !== undefined)
    return 0;
  if (side.skip > 0) {
    const octets = side.skip;
    side.skip = 0;
    return octets;
  }
  const bytes = side.pending;
  if (bytes.length < frameHeaderLength) return 0;
  const header = readFrameHeader(bytes, 0);
  const total = frameHeaderLength + header.length;
  if (header.type !== frameType.data || total <= bytes.length || header.length > maxBufferedFrame) return 0;
  const message = side.messages.get(header.streamId);
  if (message !== undefined && !message.emitted) return 0;
  // A told answer tells nothing more: its end only lets the stream go.
  const untold: ProtocolEvent[] = [];
  if (header.flags & frameFlag.endStream) side.messages.flush(header.streamId, side.ts, untold, true);
  side.pending = empty;
  return total - bytes.length;
};
