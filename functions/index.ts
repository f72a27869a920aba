/** Every cloud function the control plane serves; the local host and the AWS stack both read this list. */
import { admissionFunction } from './admission/function.ts';
import { apiFunction } from './api/function.ts';
import type { CloudFunction } from './cloud-function.ts';
import { dashboardFunction } from './dashboard/function.ts';
import { ingestFunction } from './ingest/function.ts';
import { keysFunction } from './keys/function.ts';
import { capturesFunction } from './respond/captures-function.ts';
import { slackFunction } from './slack/function.ts';

export const cloudFunctions: CloudFunction[] = [
  admissionFunction,
  ingestFunction,
  apiFunction,
  slackFunction,
  capturesFunction,
  dashboardFunction,
  keysFunction,
];
