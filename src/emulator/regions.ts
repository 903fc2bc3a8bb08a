/**
 * Cloud Run regions the emulator knows by name: the display name the v1 locations list gives and the short
 * code in `*.a.run.app` URLs. Other well-formed regions are accepted with derived values.
 */
const KNOWN: Record<string, { displayName: string; code: string }> = {
  'us-central1': { displayName: 'Iowa', code: 'uc' },
  'us-east1': { displayName: 'South Carolina', code: 'ue' },
  'us-east4': { displayName: 'Northern Virginia', code: 'uk' },
  'us-west1': { displayName: 'Oregon', code: 'uw' },
  'europe-west1': { displayName: 'Belgium', code: 'ew' },
  'europe-west2': { displayName: 'London', code: 'nw' },
  'europe-west3': { displayName: 'Frankfurt', code: 'ey' },
  'europe-west4': { displayName: 'Netherlands', code: 'ez' },
  'asia-northeast1': { displayName: 'Tokyo', code: 'an' },
  'asia-southeast1': { displayName: 'Singapore', code: 'as' },
  'australia-southeast1': { displayName: 'Sydney', code: 'ts' },
};

export const REGION_PATTERN = /^[a-z]+(?:-[a-z]+)+\d+$/;

export function regionDisplayName(region: string): string {
  return KNOWN[region]?.displayName ?? region;
}

export function regionCode(region: string): string {
  const k = KNOWN[region];
  if (k) return k.code;
  const parts = region.split('-');
  return (parts[0]?.[0] ?? 'x') + (parts[1]?.[0] ?? 'x');
}
