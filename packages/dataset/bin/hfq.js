#!/usr/bin/env node
// The `hfq` command. In the hfq repository (TypeScript sources beside this file) it re-runs itself
// under tsx with the `source` export condition, exactly like the root scripts
// (`node --conditions=source --import tsx ...`), so `npx hfq` works after `npm ci` without a build.
// Installed elsewhere (no `src/`), it runs the compiled `dist/`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../src/cli/bin.ts', import.meta.url));
if (existsSync(source)) {
  const tsx = import.meta.resolve('tsx');
  const r = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', tsx, source, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  if (r.error) {
    process.stderr.write(`hfq: cannot start node: ${r.error.message}\n`);
    process.exit(1);
  }
  if (r.signal) process.kill(process.pid, r.signal);
  process.exit(r.status ?? 1);
} else {
  await import('../dist/cli/bin.js');
}
