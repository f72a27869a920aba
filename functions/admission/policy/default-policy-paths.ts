/** Where the default admission policies live: `policies/admission/` in this repository. */
import { fileURLToPath } from 'node:url';

export const defaultPolicyDirectory = fileURLToPath(new URL('../../../policies/admission/', import.meta.url));
