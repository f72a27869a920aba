import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { captureLocation, createCaptureUploader } from '#sidecar/pcap/upload-capture.ts';

describe('createCaptureUploader over plain HTTP (the local control plane)', () => {
  it('PUTs the bytes with the pcap media type and reports the status', async () => {
    const seen: {
      method: string | undefined;
      type: string | undefined;
      length: string | undefined;
      body: string;
    }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        seen.push({
          method: req.method,
          type: req.headers['content-type'],
          length: req.headers['content-length'],
          body,
        });
        res.writeHead(req.url === '/full' ? 507 : 201).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const upload = createCaptureUploader();
      expect(await upload(`${base}/captures/a.pcap`, Buffer.from('pcap-bytes'))).toEqual({
        ok: true,
        status: 201,
      });
      expect(seen[0]).toEqual({
        method: 'PUT',
        type: 'application/vnd.tcpdump.pcap',
        length: '10',
        body: 'pcap-bytes',
      });
      expect(await upload(`${base}/full`, Buffer.from('x'))).toEqual({
        ok: false,
        status: 507,
        reason: 'upload answered 507',
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const refused = await createCaptureUploader()(`${base}/gone`, Buffer.from('x'));
    expect(refused.ok).toBe(false);
  });

  it('never reveals a presigned URL’s signature in the location it reports', () => {
    expect(
      captureLocation(
        'https://bucket.s3.amazonaws.com/captures/x.pcap?X-Amz-Signature=abc&X-Amz-Credential=k',
      ),
    ).toBe('https://bucket.s3.amazonaws.com/captures/x.pcap');
  });
});
