/**
 * The single-node Slurm of `scripts/slurm/up.sh` for the array-job tests: started if it is
 * installed (never installed from a test), or the reason it cannot be, for a visible skip.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const UP = fileURLToPath(new URL('../scripts/slurm/up.sh', import.meta.url));

/** Starts Slurm with `up.sh` (`HFQ_SLURM_NO_INSTALL=1`); null when it is up, else why not. */
export function slurmUp(): string | null {
  const r = spawnSync('bash', [UP], {
    encoding: 'utf8',
    timeout: 40_000,
    env: { ...process.env, HFQ_SLURM_NO_INSTALL: '1' },
  });
  if (r.error) return `scripts/slurm/up.sh could not run: ${r.error.message}`;
  if (r.status !== 0)
    return (r.stderr.trim() || `scripts/slurm/up.sh exited ${r.status}`).replace(/^slurm-up: /, '');
  return null;
}

/**
 * `slurmUp()` for the test named `what`, saying on stderr that it is skipped, and why, when Slurm
 * cannot be started. Returns the reason (null when Slurm is up) for `describe.skipIf`.
 */
export function slurmForTest(what: string): string | null {
  const whyNot = slurmUp();
  if (whyNot !== null)
    console.warn(
      `SKIPPED the ${what} test: ${whyNot}. To run it: as root, bash scripts/slurm/up.sh (installs Debian's slurmd slurmctld slurm-client munge).`,
    );
  return whyNot;
}
