// `npm run fuzz`: the long property and fuzz run of the core (release build):
// the state-machine properties (core/tests/props.rs) and the codec fuzzing
// (core/tests/fuzz_codec.rs), each with FUZZ_CASES random cases (default
// 1,000,000; `npm test` runs the same tests with a few hundred).
//
//   FUZZ_CASES=50000 npm run fuzz

import { logger, run, runMain, secs } from './lib/proc.mjs';

const log = logger('fuzz');

async function main() {
  const cases = process.env.FUZZ_CASES || '1000000';
  if (!/^[1-9]\d*$/.test(cases)) throw new Error(`FUZZ_CASES must be a positive integer, got ${JSON.stringify(cases)}`);
  log(`PROPTEST_CASES=${cases}: core/tests/props.rs and core/tests/fuzz_codec.rs (release)`);
  const t0 = Date.now();
  await run('cargo', ['test', '-p', 'rtv-core', '--release', '--test', 'props', '--test', 'fuzz_codec'], {
    env: { ...process.env, PROPTEST_CASES: cases },
  });
  log(`${cases} cases per property passed in ${secs(Date.now() - t0)}`);
}

runMain('fuzz', main);
