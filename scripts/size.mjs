// `npm run size`: prints the raw and gzip -9 sizes of an existing pkg/
// (built by `npm run build`) and refreshes pkg/SIZES.txt.

import path from 'node:path';
import { ROOT, runMain } from './lib/proc.mjs';
import { writeSizes } from './lib/sizes.mjs';

runMain('size', async () => {
  writeSizes(path.join(ROOT, 'pkg'));
});
