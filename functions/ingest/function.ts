/** Registers ingest: taps post their finding batches here. */
import type { CloudFunction } from '../cloud-function.ts';
import { handler } from './handler.ts';

export const ingestFunction: CloudFunction = { id: 'ingest', routes: ['POST /findings'], handler };
