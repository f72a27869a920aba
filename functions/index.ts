/** Every cloud function the control plane serves; the local host and the AWS stack both read this list. */
import type { CloudFunction } from './cloud-function.ts';

export const cloudFunctions: CloudFunction[] = [];
