import { describe, expect, it } from 'vitest';
import { endpointFrom, scopeFromFlags } from '../../src/cli/scope.js';
import { UserError } from '../../src/errors.js';

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('scopeFromFlags', () => {
  it('accepts repeated and comma-separated projects, deduplicated and sorted', () => {
    expect(scopeFromFlags({ project: ['acme-prod', 'acme-dev,acme-prod'] }, { required: true })).toEqual({
      kind: 'projects',
      ids: ['acme-dev', 'acme-prod'],
      regions: [],
    });
  });

  it('accepts folder and organisation numbers, with or without their prefix', () => {
    expect(scopeFromFlags({ folder: 'folders/2000', region: ['europe-west1,us-central1'] }, { required: true })).toEqual({
      kind: 'folder',
      ids: ['2000'],
      regions: ['europe-west1', 'us-central1'],
    });
    expect(scopeFromFlags({ organization: '123456789012' }, { required: true })).toEqual({
      kind: 'organization',
      ids: ['123456789012'],
      regions: [],
    });
  });

  it.each([
    [{ project: [''] }, '--project must be a project ID such as acme-prod (6-30 lowercase letters, digits, hyphens), got ""'],
    [{ project: ['Acme_Prod'] }, '--project must be a project ID such as acme-prod (6-30 lowercase letters, digits, hyphens), got "Acme_Prod"'],
    [{ organization: 'abc' }, '--organization must be a numeric organization ID such as 123456789012, got "abc"'],
    [{ folder: '' }, '--folder must be a numeric folder ID such as 123456789012, got ""'],
    [{ folder: '12', organization: '34' }, 'choose one scope: --folder and --organization cannot be combined'],
    [{ project: ['acme-prod'], region: ['Europe West'] }, '--region must be a Cloud Run region such as europe-west1, got "Europe West"'],
    [{}, 'no scope given: use --project ID, --folder N or --organization N (or --snapshot FILE)'],
  ])('rejects %j', (flags, message) => {
    expect(errorOf(() => scopeFromFlags(flags, { required: true }))).toBe(message);
  });
});

describe('endpointFrom', () => {
  it('keeps only the origin (googleapis drops any path prefix anyway)', () => {
    expect(endpointFrom('http://127.0.0.1:8085/some/prefix')).toBe('http://127.0.0.1:8085');
    expect(endpointFrom(undefined)).toBeUndefined();
  });
  it('rejects what is not an http(s) URL', () => {
    expect(errorOf(() => endpointFrom('localhost:8085'))).toBe('--endpoint must be an http or https URL, got "localhost:8085"');
    expect(errorOf(() => endpointFrom('not a url'))).toBe('--endpoint must be a URL such as http://127.0.0.1:8085, got "not a url"');
  });
});

describe('format names', () => {
  it('the cheap list used by --help agrees with the formatter registry', async () => {
    const { FORMAT_NAMES } = await import('../../src/cli/format-names.js');
    const { FORMATS } = await import('../../src/report/index.js');
    expect([...FORMAT_NAMES]).toEqual(FORMATS);
  });
});
