/** Elasticsearch's binary transport protocol (node to node, transport clients); its REST API is plain HTTP. */
import { detectElasticsearch } from './elasticsearch-detect.ts';
import { createElasticsearchParser } from './elasticsearch-parser.ts';
import type { Protocol } from './protocol.ts';

export const elasticsearch: Protocol = {
  id: 'elasticsearch',
  transport: 'tcp',
  ports: [9300],
  encrypted: false,
  detect: detectElasticsearch,
  createParser: createElasticsearchParser,
};
