/**
 * Opens a capture file as a byte stream: read as it is or, when it starts with gzip's magic (`.pcap.gz`, as
 * Wireshark reads and writes them), decompressed on the way. The magic is read from the stream itself, so a pipe
 * (`meshward inspect <(ssh host cat x.pcap.gz)`) works as a file does. The capture parser then decides pcap or
 * pcapng from the (decompressed) bytes.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError } from '#core/errors.ts';

export type CaptureFile = {
  /** The capture's bytes, decompressed when the file is gzip. */
  bytes: AsyncIterable<Uint8Array>;
  /** File size on disk (compressed size for gzip; 0 for a pipe). */
  size: number;
  /** Bytes of the file read so far: the progress measure, compressed for gzip. */
  fileBytesRead(): number;
  /** The file is gzip (known once its first bytes are read). */
  readonly compressed: boolean;
  /**
   * Set once `bytes` ended early because the gzip data is corrupt or truncated: what zlib said. The stream then
   * ends quietly, so that what was read before it still counts.
   */
  readonly failure: string | undefined;
};

type Sniffed = { compressed: boolean; failure: string | undefined };

const isGzip = (head: Uint8Array): boolean => head[0] === 0x1f && head[1] === 0x8b;

/** zlib's errors carry codes Z_DATA_ERROR, Z_BUF_ERROR, …; a read error on the file itself has another code. */
const isZlibError = (error: unknown): boolean =>
  (error as NodeJS.ErrnoException).code?.startsWith('Z_') === true;

async function* chain(head: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield head;
  for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
}

async function* gunzipped(bytes: AsyncGenerator<Uint8Array>, state: Sniffed): AsyncGenerator<Uint8Array> {
  const gunzip = createGunzip();
  const input = Readable.from(bytes, { objectMode: false });
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Uint8Array;
  } catch (error) {
    if (!isZlibError(error)) throw error;
    state.failure = (error as Error).message;
  } finally {
    input.destroy();
  }
}

const cannotRead = (path: string, error: unknown): AppError =>
  new AppError('not-found', `cannot read ${path}: ${(error as Error).message}`, { cause: error });

/** The bytes of `path`; an error reading the file itself (not its gzip data) names the file. */
async function* reading(path: string, raw: ReadStream, state: Sniffed): AsyncGenerator<Uint8Array> {
  try {
    yield* sniffed(raw, state);
  } catch (error) {
    throw error instanceof AppError ? error : cannotRead(path, error);
  }
}

/** The file's bytes as they are, or decompressed when its first two bytes are gzip's magic. */
async function* sniffed(raw: ReadStream, state: Sniffed): AsyncGenerator<Uint8Array> {
  const chunks = (raw as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  let head: Uint8Array = new Uint8Array(0);
  // A pipe may deliver a single byte first: gather two before deciding.
  while (head.length < 2) {
    const next = await chunks.next();
    if (next.done === true) {
      if (head.length > 0) yield head;
      return;
    }
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  state.compressed = isGzip(head);
  try {
    if (state.compressed) yield* gunzipped(chain(head, chunks), state);
    else yield* chain(head, chunks);
  } finally {
    // The reader may stop early (not a capture): the file is closed then too.
    raw.destroy();
  }
}

/** Opens `path` for reading in `chunkSize` reads; a missing file or a directory is an error naming it. */
export const openCaptureFile = async (path: string, chunkSize: number): Promise<CaptureFile> => {
  const info = await stat(path).catch((error: unknown) => {
    throw cannotRead(path, error);
  });
  if (info.isDirectory()) throw new AppError('not-found', `${path} is a directory, not a capture file`);
  const raw = createReadStream(path, { highWaterMark: chunkSize });
  const state: Sniffed = { compressed: false, failure: undefined };
  return {
    bytes: reading(path, raw, state),
    size: info.size,
    fileBytesRead: () => raw.bytesRead,
    get compressed() {
      return state.compressed;
    },
    get failure() {
      return state.failure;
    },
  };
};
