/**
 * Writes `sidecar/protocols/hpack-nibble-table.ts`: the HPACK Huffman decoder's nibble table as
 * `hpack-nibble-build.ts` builds it, in base64, so the tap decodes it at load instead of building it
 * (`npm run hpack:table`). `hpack-nibble-table.test.ts` fails when the file and the builder disagree.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nibbleTableSource } from '#sidecar/protocols/hpack-nibble-source.ts';

const target = fileURLToPath(new URL('../../sidecar/protocols/hpack-nibble-table.ts', import.meta.url));
writeFileSync(target, nibbleTableSource());
console.log(`wrote ${target}`);
