/** Registers the command-key JWKS route taps fetch (`MESHWARD_COMMAND_JWKS_URL`). */
import type { CloudFunction } from '../cloud-function.ts';
import { handler } from './handler.ts';

export const keysFunction: CloudFunction = { id: 'keys', routes: ['GET /keys/commands'], handler };
