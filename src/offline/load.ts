import type { Inventory } from '../model/inventory.js';
import { buildOfflineInventory } from './build.js';
import { classify, type OfflineItem } from './detect.js';
import { parseInputArg, readDocuments } from './read.js';

/** Reads every `--input` and builds one Inventory from all of them together (IDs, numbers and policies join across files). */
export function loadOfflineInputs(args: readonly string[], now = new Date()): Inventory {
  const items: OfflineItem[] = [];
  for (const raw of args) {
    const spec = parseInputArg(raw);
    const { docs, lines } = readDocuments(spec.file);
    docs.forEach((d, i) => items.push(...classify(d, spec, lines ? `line ${i + 1}` : 'document')));
  }
  return buildOfflineInventory(items, now);
}
