/** Creates (once) a local CA and a server certificate signed by it under the data directory. */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export type TlsMaterial = { key: string; cert: string; caCert: string; created: boolean; dir: string };

const years = (count: number) => new Date(Date.now() + count * 365 * 24 * 3600 * 1000);

/** DNS names the certificate covers: localhost and the in-cluster service names of meshward. */
export const serverNames = (namespace: string): string[] => [
  'localhost',
  'meshward',
  `meshward.${namespace}`,
  `meshward.${namespace}.svc`,
  `meshward.${namespace}.svc.cluster.local`,
];

const createMaterial = async (namespace: string) => {
  const ca = await generate([{ name: 'commonName', value: 'meshward local CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: years(10),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const altNames = [
    ...serverNames(namespace).map((value) => ({ type: 2 as const, value })),
    { type: 7 as const, ip: '127.0.0.1' },
    { type: 7 as const, ip: '::1' },
  ];
  const server = await generate([{ name: 'commonName', value: 'meshward' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: years(2),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: server.private, cert: server.cert, caCert: ca.cert, caKey: ca.private };
};

/** Loads the TLS material from `dir/tls`, creating it on first start. */
export const ensureTlsMaterial = async (dataDir: string, namespace: string): Promise<TlsMaterial> => {
  const dir = join(dataDir, 'tls');
  const paths = { key: join(dir, 'server.key'), cert: join(dir, 'server.crt'), caCert: join(dir, 'ca.crt') };
  if (existsSync(paths.key) && existsSync(paths.cert) && existsSync(paths.caCert)) {
    const [key, cert, caCert] = await Promise.all([
      readFile(paths.key, 'utf8'),
      readFile(paths.cert, 'utf8'),
      readFile(paths.caCert, 'utf8'),
    ]);
    return { key, cert, caCert, created: false, dir };
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const material = await createMaterial(namespace);
  await writeFile(join(dir, 'ca.key'), material.caKey, { mode: 0o600 });
  await writeFile(paths.key, material.key, { mode: 0o600 });
  await writeFile(paths.cert, material.cert);
  await writeFile(paths.caCert, material.caCert);
  return { key: material.key, cert: material.cert, caCert: material.caCert, created: true, dir };
};
