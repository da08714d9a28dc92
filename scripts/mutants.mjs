// `npm run mutants`: mutation testing of the core's decisions with
// cargo-mutants (crates.io; installed on first use): every mutant of
// core/src/machine/, codec.rs, facts.rs, backoff.rs, value.rs, trace.rs and
// text.rs must make a native test fail.
// Not part of `npm test` (it takes about an hour on 2 cores).
//
//   npm run mutants                      every mutant
//   MUTANTS_SHARD=0/3 npm run mutants    one third (k/n, k from 0), to split the hour
//   MUTANTS_JOBS=2 npm run mutants       parallel builds (default 1)
//
// Results: target/mutants/<all|shard-k-of-n>/mutants.out/ (caught.txt,
// missed.txt, timeout.txt, unviable.txt); docs/mutants.md keeps the last report and the reasons for
// the survivors that are equivalent.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, logger, probe, run, runMain } from './lib/proc.mjs';

const log = logger('mutants');
const FILES = ['core/src/machine/*.rs', 'core/src/codec.rs', 'core/src/facts.rs', 'core/src/backoff.rs', 'core/src/value.rs', 'core/src/trace.rs', 'core/src/text.rs'];

async function main() {
  if (probe('cargo', ['mutants', '--version']) === null) {
    log('installing cargo-mutants (cargo install --locked cargo-mutants)');
    await run('cargo', ['install', '--locked', 'cargo-mutants']);
  }
  const shard = process.env.MUTANTS_SHARD;
  // One output directory per shard, so shards can run one after another.
  const out = path.join(ROOT, 'target', 'mutants', shard ? `shard-${shard.replace('/', '-of-')}` : 'all');
  mkdirSync(out, { recursive: true });
  const args = ['mutants', '-p', 'rtv-core', '--jobs', process.env.MUTANTS_JOBS || '1', '--timeout', '120', '-o', out];
  for (const f of FILES) args.push('-f', f);
  if (shard) args.push('--shard', shard);
  log(`cargo ${args.join(' ')}`);
  // cargo-mutants exits 2 when mutants were missed: the report is the result.
  await run('cargo', args).catch((e) => {
    log(`${e.message}; see ${path.relative(ROOT, out)}/mutants.out/missed.txt`);
    process.exitCode = 2;
  });
}

runMain('mutants', main);
