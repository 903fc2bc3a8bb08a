import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found by walking up from this file to package.json. Works from `src/` under vitest
 * and from `dist/src/` when built, so data files (rules/, src/**\/*.json|yaml) are read from one place.
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export const PACKAGE_ROOT = findRoot();
export const RULES_DIR = join(PACKAGE_ROOT, 'rules');
export const SRC_DIR = join(PACKAGE_ROOT, 'src');

export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}
