import { spawnSync } from 'node:child_process';

/**
 * The commit the code was built from (`git rev-parse HEAD` in `cwd`), with a flag when the work
 * tree has uncommitted changes; null outside a git repository or without git.
 */
export function gitSha(cwd = process.cwd()): { sha: string; dirty: boolean } | null {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  if (r.status !== 0 || !/^[0-9a-f]{40,64}$/.test(r.stdout.trim())) return null;
  const st = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  return { sha: r.stdout.trim(), dirty: st.status === 0 && st.stdout.trim() !== '' };
}
