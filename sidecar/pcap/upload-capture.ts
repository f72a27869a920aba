/** Uploads a pcap by HTTP PUT to the URL a capture command gives (an S3 presigned URL, or the local control plane). */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type UploadResult = { ok: true; status: number } | { ok: false; status?: number; reason: string };
export type CaptureUploader = (url: string, bytes: Buffer) => Promise<UploadResult>;

export const pcapContentType = 'application/vnd.tcpdump.pcap';

export const createCaptureUploader =
  (options: { ca?: string; timeoutMs?: number } = {}): CaptureUploader =>
  (url, bytes) =>
    new Promise((resolve) => {
      const target = new URL(url);
      const request = target.protocol === 'http:' ? httpRequest : httpsRequest;
      const req = request(
        target,
        {
          method: 'PUT',
          // A presigned PUT is signed over these headers: send exactly them.
          headers: { 'content-type': pcapContentType, 'content-length': bytes.length },
          timeout: options.timeoutMs ?? 30_000,
          ...(options.ca === undefined || target.protocol === 'http:' ? {} : { ca: options.ca }),
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            resolve(
              status >= 200 && status < 300
                ? { ok: true, status }
                : { ok: false, status, reason: `upload answered ${status}` },
            );
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('upload timed out')));
      req.on('error', (error) => resolve({ ok: false, reason: `upload failed: ${error.message}` }));
      req.end(bytes);
    });

/** Where the capture went, without the query string (a presigned URL's signature is a secret). */
export const captureLocation = (url: string): string => {
  const target = new URL(url);
  return `${target.origin}${target.pathname}`;
};
