import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Repository root (scripts/stack/ is two levels down). */
export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** Everything the stack installs or writes lives under the git-ignored .stack/ folder. */
export const stackDir = join(repoRoot, '.stack');
export const binDir = join(stackDir, 'bin');
export const logsDir = join(stackDir, 'logs');

export interface ProfileDirs {
  /** Service data (database files); wiped when the test profile starts fresh. */
  readonly data: string;
  /** Pid files, rendered configs, the profile lock and leases. */
  readonly run: string;
  readonly logs: string;
}

export function profileDirs(profile: string): ProfileDirs {
  return { data: join(stackDir, 'data', profile), run: join(stackDir, 'run', profile), logs: logsDir };
}

export function ensureDirs(dirs: ProfileDirs): void {
  for (const dir of [binDir, dirs.data, dirs.run, dirs.logs]) mkdirSync(dir, { recursive: true });
}
