import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, test } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';

const text = readFileSync(join(PACKAGE_ROOT, 'Dockerfile'), 'utf8');
const instructions = DockerfileParser.parse(text).getInstructions();
// The instruction's whole text after its keyword: flags such as --from= included.
const words = instructions.map((i) => ({ keyword: i.getKeyword(), args: i.getTextContent().slice(i.getKeyword().length).trim() }));
const lastFrom = words.map((w) => w.keyword).lastIndexOf('FROM');
const finalStage = words.slice(lastFrom);

describe('Dockerfile', () => {
  test('the linter (dockerfile-utils, the VS Code Docker extension) reports nothing', () => {
    expect(validate(text).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  test('the linter is not blind: it flags a broken Dockerfile', () => {
    expect(validate('FROM node:20\nCMD ["a"]\nCMD ["b"]\n').length).toBeGreaterThan(0);
  });

  test('two stages, both on the same Node 20 image pinned to a full version', () => {
    const froms = words.filter((w) => w.keyword === 'FROM').map((w) => w.args);
    expect(froms).toEqual(['node:20.19.5-bookworm-slim AS build', 'node:20.19.5-bookworm-slim']);
  });

  test('the build stage compiles; the final stage installs production dependencies only and copies the output', () => {
    const build = words.slice(0, lastFrom).filter((w) => w.keyword === 'RUN').map((w) => w.args);
    expect(build.some((r) => r.includes('npm ci') && !r.includes('--omit=dev'))).toBe(true);
    expect(build.some((r) => r.includes('npm run build'))).toBe(true);
    const runs = finalStage.filter((w) => w.keyword === 'RUN').map((w) => w.args);
    const installs = runs.filter((r) => /\bnpm (ci|install|i)\b/.test(r));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toContain('npm ci --omit=dev');
    expect(runs.some((r) => /npm run build|\btsc\b/.test(r))).toBe(false);
    const copies = finalStage.filter((w) => w.keyword === 'COPY').map((w) => w.args);
    expect(copies).toContain('--from=build /app/dist/src ./dist/src');
    expect(copies.some((c) => /\b(test|node_modules)\b/.test(c))).toBe(false);
  });

  test('runs as a non-root user, with cloudrun-auditor as the entrypoint', () => {
    const users = finalStage.filter((w) => w.keyword === 'USER').map((w) => w.args);
    expect(users).toEqual(['node']);
    expect(words.filter((w) => w.keyword === 'ENTRYPOINT').map((w) => w.args)).toEqual(['["cloudrun-auditor"]']);
    const userAt = finalStage.findIndex((w) => w.keyword === 'USER');
    const entryAt = finalStage.findIndex((w) => w.keyword === 'ENTRYPOINT');
    expect(userAt).toBeLessThan(entryAt);
    expect(finalStage.some((w) => w.keyword === 'RUN' && w.args.includes('ln -s /app/dist/src/cli/main.js /usr/local/bin/cloudrun-auditor'))).toBe(true);
  });

  test('.dockerignore keeps dependencies, tests, reports, build output and git out of the build context', () => {
    const ignored = readFileSync(join(PACKAGE_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const p of ['node_modules', 'test', 'reports', 'dist', '.git', 'examples']) expect(ignored).toContain(p);
  });

  test('everything the program reads at run time is in the image: the data files under src/ and rules/', () => {
    expect(text).toContain("find . \\( -name '*.json' -o -name '*.yaml' \\) -exec cp --parents {} /out/src/ \\;");
    const copies = finalStage.filter((w) => w.keyword === 'COPY').map((w) => w.args);
    expect(copies).toEqual(expect.arrayContaining(['--from=build /out/src ./src', 'rules ./rules', 'package.json package-lock.json ./']));
  });
});
