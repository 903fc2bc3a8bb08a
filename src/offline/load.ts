import { UserError } from '../errors.js';
import type { Inventory } from '../model/inventory.js';
import { buildOfflineInventory } from './build.js';
import { classify, type OfflineItem } from './detect.js';
import { parseInputArg, readDocuments } from './read.js';
import { offlineRoleCatalog } from './role-catalog.js';

/** Reads every `--input` and builds one Inventory from all of them together (IDs, numbers and policies join across files). */
export function loadOfflineInputs(args: readonly string[], now = new Date(), env: NodeJS.ProcessEnv = process.env): Inventory {
  const items: OfflineItem[] = [];
  const files: string[] = [];
  for (const raw of args) {
    const spec = parseInputArg(raw);
    files.push(spec.file);
    const { docs, lines } = readDocuments(spec.file);
    docs.forEach((d, i) => items.push(...classify(d, spec, lines ? `line ${i + 1}` : docs.length > 1 ? `document ${i + 1}` : 'document')));
  }
  refuseNothing(items, files);
  return buildOfflineInventory(items, now, offlineRoleCatalog(env));
}

/** Anything that can be audited: a workload, or IAM data (a policy, an account, a key, a role). */
const AUDITABLE = new Set<OfflineItem['kind']>(['knative', 'v2', 'policy', 'account', 'key', 'role', 'asset-policy']);
const AUDITABLE_ASSETS = /^(run\.googleapis\.com\/(Service|Revision|Job)|iam\.googleapis\.com\/(ServiceAccount|ServiceAccountKey|Role))$/;

/**
 * Nothing read is never a pass: an empty list (`[]`, `{"items":[]}`, `{"services":[]}`) is what an export of the
 * wrong project, region or account prints, and a clean report of it would let a CI gate pass on nothing.
 */
function refuseNothing(items: readonly OfflineItem[], files: readonly string[]): void {
  if (items.some((i) => AUDITABLE.has(i.kind) || (i.kind === 'asset' && AUDITABLE_ASSETS.test(i.assetType)))) return;
  const which = files.length === 1 ? files[0] ?? '' : `the ${files.length} --input files`;
  throw new UserError(
    'INPUT',
    `${which}: no Cloud Run service, revision or job and no IAM policy, account, key or role to audit (empty lists read as nothing, never as clean); check the project, region and account the export ran as`,
  );
}
