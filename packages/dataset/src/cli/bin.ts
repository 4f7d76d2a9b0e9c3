/**
 * Entry of the `hfq` command (`bin/hfq.js` runs this file: the TypeScript source in the repo,
 * `dist/cli/bin.js` when installed). The only module of the package that touches `process`.
 */
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
