import type { World } from './world.js';
import type { StoredObject } from './storage-shapes.js';

/**
 * Objects written to the emulated buckets. The World is read-only scenario data, so what clients upload is
 * kept beside it, one store per running emulator, and vanishes with it.
 */
const STORES = new WeakMap<World, Map<string, Map<string, StoredObject>>>();

export function bucketObjects(world: World, bucket: string): Map<string, StoredObject> {
  let buckets = STORES.get(world);
  if (!buckets) {
    buckets = new Map();
    STORES.set(world, buckets);
  }
  let objects = buckets.get(bucket);
  if (!objects) {
    objects = new Map();
    buckets.set(bucket, objects);
  }
  return objects;
}

let lastGeneration = 0;

/** Generations are microsecond timestamps at Google; they only ever grow, even within one millisecond. */
export function nextGeneration(): string {
  lastGeneration = Math.max(lastGeneration + 1, Date.now() * 1000);
  return String(lastGeneration);
}
