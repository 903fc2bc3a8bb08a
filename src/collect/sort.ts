import type { CollectionError } from '../model/inventory.js';

/** Code-unit order, not locale order: the same on every machine, so two collections compare equal. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function byName<T extends { name: string }>(a: T, b: T): number {
  return compareText(a.name, b.name);
}

/** A copy with keys in a stable order and only string values (labels/annotations are string maps by definition). */
export function sortedRecord(m: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return out;
  for (const k of Object.keys(m).sort(compareText)) {
    const v = (m as Record<string, unknown>)[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

export function compareErrors(a: CollectionError, b: CollectionError): number {
  return (
    compareText(a.project ?? '', b.project ?? '') ||
    compareText(a.resource ?? '', b.resource ?? '') ||
    compareText(a.api, b.api) ||
    compareText(a.method ?? '', b.method ?? '') ||
    compareText(String(a.status), String(b.status)) ||
    compareText(a.message, b.message)
  );
}
