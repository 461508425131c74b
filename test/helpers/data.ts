import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

/** ../shared/data beside the repository (override with LOBKIT_DATA). */
export const DATA_DIR = process.env.LOBKIT_DATA ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');

/**
 * Absolute path of a file under the shared real-data folder. When it is missing the test fails
 * under CI=true (CI always has the data) and is skipped elsewhere; returns undefined when skipped.
 */
export function dataPath(t: TestContext, rel: string): string | undefined {
  const p = resolve(DATA_DIR, rel);
  if (existsSync(p)) return p;
  if (process.env.CI === 'true') throw new Error(`real-data file missing: ${p} (CI must have ../shared/data)`);
  t.skip(`real data not found: ${p}`);
  return undefined;
}

/** Several files at once (all or nothing). */
export function dataPaths(t: TestContext, rels: string[]): string[] | undefined {
  const out: string[] = [];
  for (const r of rels) {
    const p = dataPath(t, r);
    if (p === undefined) return undefined;
    out.push(p);
  }
  return out;
}
