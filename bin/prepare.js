// `npm install`'s prepare step: builds the inspect bundle (bin/build-inspect-bundle.ts) when the sources are here.
// The image's dependency stage installs from package.json alone, without them: nothing to build there. Never fails
// the install: without a bundle, `meshward inspect` runs from source.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./build-inspect-bundle.ts', import.meta.url));
if (!existsSync(script)) {
  process.stdout.write('meshward: no sources here; the inspect bundle is not built\n');
} else {
  try {
    execFileSync(process.execPath, ['--import', 'tsx', script, '--if-possible'], { stdio: 'inherit' });
  } catch (error) {
    process.stderr.write(
      `meshward: the inspect bundle was not built (${error.message}); 'meshward inspect' runs from source\n`,
    );
  }
}
