import { describe, expect, test } from 'vitest';
import { compileGlob, globMatch } from '../../src/rules/glob.js';

describe('glob', () => {
  test.each([
    ['acme-*', 'acme-prod', true],
    ['acme-*', 'acme-', true],
    ['acme-*', 'acme/prod', false],
    ['acme-?', 'acme-1', true],
    ['acme-?', 'acme-12', false],
    ['projects/acme-prod/**', 'projects/acme-prod/locations/r/services/s', true],
    ['projects/acme-prod/**', 'projects/acme-prod', true],
    ['projects/acme-prod/**', 'projects/acme-prodx/locations/r', false],
    ['projects/*/locations/*/services/billing', 'projects/p/locations/europe-west1/services/billing', true],
    ['projects/*/locations/*/services/billing', 'projects/p/locations/europe-west1/services/billing/revisions/x', false],
    ['projects/**/revisions/*', 'projects/p/locations/r/services/s/revisions/x', true],
    ['**/jobs/*', 'projects/p/locations/r/jobs/j', true],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['**', 'anything/at/all', true],
    ['iam.*', 'iam.serviceAccounts.actAs', true],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
  ])('%s ~ %s → %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  test.each([
    ['', 'empty pattern'],
    ['a[bc]', 'unsupported character "[" (only *, ** and ? are special)'],
    ['{a,b}', 'unsupported character "{" (only *, ** and ? are special)'],
    ['a\\*', 'unsupported character "\\" (only *, ** and ? are special)'],
    ['a/x**/b', '"**" must be a whole path segment, got "x**"'],
    ['***', '"**" must be a whole path segment, got "***"'],
  ])('refuses %j: %s', (pattern, message) => {
    expect(() => compileGlob(pattern)).toThrow(message);
  });
});
