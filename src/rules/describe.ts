import type { Condition } from '../model/inventory.js';
import type { Grant, Place } from './inventory-index.js';

/** "project acme-prod", "folder 2000 (prod)", "organization 1000 (acme.example)", … */
export function describePlace(place: Pick<Place, 'kind' | 'id' | 'displayName' | 'project' | 'region'>): string {
  const dn = place.displayName ? ` (${place.displayName})` : '';
  switch (place.kind) {
    case 'organization':
      return `organization ${place.id}${dn}`;
    case 'folder':
      return `folder ${place.id}${dn}`;
    case 'project':
      return `project ${place.id}`;
    case 'service':
      return `service \`${place.id}\` (${place.region ?? '?'}, ${place.project ?? '?'})`;
    case 'serviceAccount':
      return `service account ${place.id}`;
  }
}

/** "a binding on folder 2000 (prod)" or "bindings on project p and folder 2000 (prod)", conditional ones marked. */
export function describeGrantPlaces(grants: readonly Grant[]): string {
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const g of grants) {
    const text = describePlace(g.place) + (g.condition ? ` (conditional: ${g.condition.title})` : '');
    if (seen.has(text)) continue;
    seen.add(text);
    parts.push(text);
  }
  const head = parts.length === 1 ? 'a binding on ' : 'bindings on ';
  return head + joinAnd(parts);
}

export function joinAnd(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  if (parts.length === 2) return `${parts[0]} and ${parts[1]}`;
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

export interface GrantEvidence {
  role: string;
  place: string;
  placeDisplayName?: string;
  condition?: { title: string; expression: string };
}

export function grantEvidence(g: Grant): GrantEvidence {
  return {
    role: g.role,
    place: g.place.node,
    ...(g.place.displayName ? { placeDisplayName: g.place.displayName } : {}),
    ...(g.condition ? { condition: conditionEvidence(g.condition) } : {}),
  };
}

export function conditionEvidence(c: Condition): { title: string; expression: string } {
  return { title: c.title, expression: c.expression };
}
