import { describe, expect, test } from 'vitest';
import { checkRegions } from '../../src/collect/region-check.js';
import { UserError } from '../../src/errors.js';

const listed = [
  ['us-central1', 'europe-west1', 'asia-northeast1'],
  ['us-central1', 'us-east1'],
];

function message(f: () => void): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as UserError).message;
  }
  return '';
}

describe('--region against the regions the scanned projects offer', () => {
  test('a region some project offers passes', () => {
    expect(() => checkRegions(['us-east1', 'europe-west1'], listed)).not.toThrow();
  });

  test('a typo is refused with the nearest region', () => {
    expect(message(() => checkRegions(['us-centrall1'], listed))).toBe(
      '--region us-centrall1 is not a Cloud Run region of any scanned project (did you mean us-central1?)',
    );
  });

  test('several unknown regions are named together; one with nothing near gets no hint', () => {
    expect(message(() => checkRegions(['us-central1', 'europe-wset1', 'mars-north9'], listed))).toBe(
      '--region europe-wset1, mars-north9 are not Cloud Run regions of any scanned project (did you mean europe-west1 for europe-wset1?)',
    );
  });

  test('with no project that answered, nothing is judged', () => {
    expect(() => checkRegions(['us-centrall1'], [])).not.toThrow();
  });
});
