import type { Inventory } from '../model/inventory.js';

/** Narrows an inventory (e.g. a snapshot) to the given regions; an empty list keeps everything. */
export function restrictToRegions(inv: Inventory, regions: readonly string[]): Inventory {
  if (regions.length === 0) return inv;
  const keep = new Set(regions);
  return {
    ...inv,
    scope: { ...inv.scope, regions: [...regions] },
    projects: inv.projects.map((p) => ({
      ...p,
      regions: p.regions.filter((r) => keep.has(r)),
      services: p.services.filter((s) => keep.has(s.region)),
      jobs: p.jobs.filter((j) => keep.has(j.region)),
      ...(p.revisionsWithoutService ? { revisionsWithoutService: p.revisionsWithoutService.filter((r) => keep.has(/\/locations\/([^/]+)\//.exec(r.name)?.[1] ?? '')) } : {}),
    })),
  };
}
