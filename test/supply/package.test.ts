import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';

/** What users install: exact versions, a committed lock file, and a package holding the program and nothing else. */

interface PackageJson {
  bin: Record<string, string>;
  files: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as PackageJson;
const git = (...args: string[]): string => execFileSync('git', args, { cwd: PACKAGE_ROOT, encoding: 'utf8' });

describe('dependencies', () => {
  test('every dependency is pinned to one exact version', () => {
    const all = { ...pkg.dependencies, ...pkg.devDependencies };
    const loose = Object.entries(all).filter(([, v]) => !/^\d+\.\d+\.\d+$/.test(v));
    expect(loose).toEqual([]);
    expect(Object.keys(all).length).toBeGreaterThan(5);
  });

  test('package-lock.json is committed and installs exactly the pinned versions', () => {
    expect(git('ls-files', 'package-lock.json').trim()).toBe('package-lock.json');
    const lock = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as {
      lockfileVersion: number;
      packages: Record<string, { version?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>;
    };
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
    expect(lock.packages['']?.dependencies).toEqual(pkg.dependencies);
    expect(lock.packages['']?.devDependencies).toEqual(pkg.devDependencies);
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect([name, lock.packages[`node_modules/${name}`]?.version]).toEqual([name, version]);
    }
  });
});

describe('npm pack', () => {
  // npm test builds first; the bin must exist for the package to be checked.
  const built = existsSync(join(PACKAGE_ROOT, 'dist/src/cli/main.js'));
  const files = (): string[] => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path).sort();
  };

  test('is built before this test runs', () => {
    expect(built).toBe(true);
  });

  test.runIf(built)('holds the bin, the rules and every data file the program reads, and no tests, fixtures, CI or secrets', () => {
    const list = files();
    for (const bin of Object.values(pkg.bin)) expect(list).toContain(bin);
    for (const f of ['README.md', 'package.json', 'rules/default.yaml', 'rules/schema.json']) expect(list).toContain(f);
    // Every JSON and YAML data file under src/ (schemas, scenarios, role data) ships beside the compiled code.
    const data = git('ls-files', 'src').split('\n').filter((f) => /\.(json|ya?ml)$/.test(f));
    expect(data.length).toBeGreaterThanOrEqual(5);
    for (const f of data) expect(list).toContain(f);
    for (const f of git('ls-files', 'rules').split('\n').filter(Boolean)) expect(list).toContain(f);
    const unwanted = list.filter(
      (f) =>
        /^(test|dist\/test|\.ci|\.github|reports|node_modules)\//.test(f) ||
        /(^|\/)(fixtures|golden)\//.test(f) ||
        /\.(test|spec)\.[cm]?[jt]s$/.test(f) ||
        /(^|\/)\.env|\.(pem|key|p12|pfx)$|credentials|service-account.*\.json$/i.test(f) ||
        /^src\/.*\.ts$/.test(f) ||
        /^tsconfig/.test(f),
    );
    expect(unwanted).toEqual([]);
    expect(list.filter((f) => f.startsWith('dist/src/')).length).toBeGreaterThan(50);
  }, 120_000);
});
