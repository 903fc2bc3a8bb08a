/**
 * The regions Cloud Run serves, as a project's v1 `locations.list` returns them: every project lists all of
 * them, whether or not it runs anything there.
 *
 * Source: the Cloud Run "Locations" page (cloud.google.com/run/docs/locations; 40 regions in its tier 1 and
 * tier 2 lists), plus europe-north2 (Stockholm) and northamerica-south1 (Querétaro), where public code shows
 * live `*.run.app` services. `code` is the short region code in `*.a.run.app` URLs, where known.
 */
export interface RunRegion {
  id: string;
  displayName: string;
  code?: string;
}

export const CLOUD_RUN_REGIONS: readonly RunRegion[] = [
  { id: 'africa-south1', displayName: 'Johannesburg' },
  { id: 'asia-east1', displayName: 'Taiwan' },
  { id: 'asia-east2', displayName: 'Hong Kong' },
  { id: 'asia-northeast1', displayName: 'Tokyo', code: 'an' },
  { id: 'asia-northeast2', displayName: 'Osaka' },
  { id: 'asia-northeast3', displayName: 'Seoul' },
  { id: 'asia-south1', displayName: 'Mumbai' },
  { id: 'asia-south2', displayName: 'Delhi' },
  { id: 'asia-southeast1', displayName: 'Singapore', code: 'as' },
  { id: 'asia-southeast2', displayName: 'Jakarta' },
  { id: 'australia-southeast1', displayName: 'Sydney', code: 'ts' },
  { id: 'australia-southeast2', displayName: 'Melbourne' },
  { id: 'europe-central2', displayName: 'Warsaw' },
  { id: 'europe-north1', displayName: 'Finland' },
  { id: 'europe-north2', displayName: 'Stockholm' },
  { id: 'europe-southwest1', displayName: 'Madrid' },
  { id: 'europe-west1', displayName: 'Belgium', code: 'ew' },
  { id: 'europe-west10', displayName: 'Berlin' },
  { id: 'europe-west12', displayName: 'Turin' },
  { id: 'europe-west2', displayName: 'London', code: 'nw' },
  { id: 'europe-west3', displayName: 'Frankfurt', code: 'ey' },
  { id: 'europe-west4', displayName: 'Netherlands', code: 'ez' },
  { id: 'europe-west6', displayName: 'Zurich' },
  { id: 'europe-west8', displayName: 'Milan' },
  { id: 'europe-west9', displayName: 'Paris' },
  { id: 'me-central1', displayName: 'Doha' },
  { id: 'me-central2', displayName: 'Dammam' },
  { id: 'me-west1', displayName: 'Tel Aviv' },
  { id: 'northamerica-northeast1', displayName: 'Montréal' },
  { id: 'northamerica-northeast2', displayName: 'Toronto' },
  { id: 'northamerica-south1', displayName: 'Querétaro' },
  { id: 'southamerica-east1', displayName: 'São Paulo' },
  { id: 'southamerica-west1', displayName: 'Santiago' },
  { id: 'us-central1', displayName: 'Iowa', code: 'uc' },
  { id: 'us-east1', displayName: 'South Carolina', code: 'ue' },
  { id: 'us-east4', displayName: 'Northern Virginia', code: 'uk' },
  { id: 'us-east5', displayName: 'Columbus' },
  { id: 'us-south1', displayName: 'Dallas' },
  { id: 'us-west1', displayName: 'Oregon', code: 'uw' },
  { id: 'us-west2', displayName: 'Los Angeles' },
  { id: 'us-west3', displayName: 'Salt Lake City' },
  { id: 'us-west4', displayName: 'Las Vegas' },
];

/** Every Cloud Run region id, in the order the locations list gives them. */
export const CLOUD_RUN_REGION_IDS: readonly string[] = CLOUD_RUN_REGIONS.map((r) => r.id);

const BY_ID = new Map(CLOUD_RUN_REGIONS.map((r) => [r.id, r]));

export const REGION_PATTERN = /^[a-z]+(?:-[a-z]+)+\d+$/;

export function regionDisplayName(region: string): string {
  return BY_ID.get(region)?.displayName ?? region;
}

export function regionCode(region: string): string {
  const code = BY_ID.get(region)?.code;
  if (code) return code;
  const parts = region.split('-');
  return (parts[0]?.[0] ?? 'x') + (parts[1]?.[0] ?? 'x');
}
