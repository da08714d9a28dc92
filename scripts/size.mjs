// `npm run size`: prints the raw and gzip -9 sizes of an existing pkg/
// (built by `npm run build`), refreshes pkg/SIZES.txt, and checks the size
// budget (size-limits.json; fails when a size is over its limit).

import path from 'node:path';
import { ROOT, runMain } from './lib/proc.mjs';
import { checkBudget, writeSizes } from './lib/sizes.mjs';

runMain('size', async () => {
  const pkg = path.join(ROOT, 'pkg');
  writeSizes(pkg);
  console.log('\nsize budget (size-limits.json):');
  for (const line of checkBudget(pkg)) console.log(line);
});
