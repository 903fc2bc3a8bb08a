import { COLLECT_SOURCES, validateAssetScope, type CollectSource } from '../collect/asset-source.js';
import { UserError } from '../errors.js';
import type { Scope } from '../model/inventory.js';

/** `--source`, checked against the scope before any request: CAI searches folders and organisations only. */
export function sourceFrom(raw: string | undefined, scope: Scope): CollectSource {
  const source = raw ?? 'api';
  const known = COLLECT_SOURCES.find((s) => s === source);
  if (known === undefined) throw new UserError('USAGE', `--source must be one of ${COLLECT_SOURCES.join(', ')}, got "${source}"`);
  if (known === 'asset-inventory') validateAssetScope(scope);
  return known;
}
