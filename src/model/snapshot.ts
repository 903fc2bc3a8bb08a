import { readFileSync } from 'node:fs';
import { writeFileSafelySync } from '../files/safe-write.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { UserError } from '../errors.js';
import { packagePath } from '../paths.js';
import { INVENTORY_SCHEMA_VERSION, type Inventory } from './inventory.js';

/** JSON Schema of a snapshot file (an Inventory), shipped beside this module. */
export const INVENTORY_SCHEMA: object = JSON.parse(
  readFileSync(packagePath('src', 'model', 'inventory.schema.json'), 'utf8'),
) as object;

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  validator ??= new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(INVENTORY_SCHEMA);
  return validator;
}

/** Errors from the schema for a value, as `path: message` lines; empty when it is a valid Inventory. */
export function inventorySchemaErrors(value: unknown): string[] {
  const v = validate();
  if (v(value)) return [];
  return (v.errors ?? []).map(describe);
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? '(top level)' : e.instancePath;
  const extra =
    e.keyword === 'additionalProperties'
      ? ` "${String((e.params as { additionalProperty?: unknown }).additionalProperty)}"`
      : e.keyword === 'enum'
        ? ` (${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')})`
        : '';
  return `${where} ${e.message ?? 'is invalid'}${extra}`;
}

function code(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code
    : '';
}

/**
 * The bytes of `JSON.stringify(inv, null, 2) + "\n"`, one array element at a time: an organisation of 20,000
 * services is written without ever holding its whole snapshot as one string.
 */
export function* snapshotChunks(inv: Inventory): Iterable<string> {
  const entries = Object.entries(inv).filter(([, v]) => v !== undefined);
  yield '{';
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i]!;
    yield `${i === 0 ? '' : ','}\n  ${JSON.stringify(key)}: `;
    if (Array.isArray(value) && value.length > 0) {
      for (let j = 0; j < value.length; j++) {
        yield (j === 0 ? '[\n    ' : ',\n    ') + JSON.stringify(value[j], null, 2).replace(/\n/g, '\n    ');
      }
      yield '\n  ]';
    } else {
      yield JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
    }
  }
  yield entries.length > 0 ? '\n}\n' : '}\n';
}

/**
 * Writes a snapshot through the safe writer: the previous snapshot at `file` stays whole until the new one is
 * complete on disk, and a device, FIFO or directory at `file` is refused, never replaced.
 */
export function writeSnapshot(inv: Inventory, file: string): void {
  writeFileSafelySync(file, snapshotChunks(inv));
}

/** Reads and checks a snapshot; anything that is not a complete Inventory of this schema version is a UserError. */
export function readSnapshot(file: string): Inventory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const c = code(err);
    const why = c === 'ENOENT' ? 'no such file' : c === 'EACCES' || c === 'EPERM' ? 'permission denied' : c === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new UserError('SNAPSHOT', `${file}: ${why}`);
  }
  if (text.trim() === '') throw new UserError('SNAPSHOT', `${file}: the file is empty`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError('SNAPSHOT', `${file}: not valid JSON, the file may be truncated (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError('SNAPSHOT', `${file}: not a cloudrun-auditor snapshot (expected a JSON object)`);
  }
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (version === undefined) throw new UserError('SNAPSHOT', `${file}: not a cloudrun-auditor snapshot (no schemaVersion)`);
  if (version !== INVENTORY_SCHEMA_VERSION) {
    throw new UserError(
      'SNAPSHOT',
      `${file}: snapshot schema version ${JSON.stringify(version)} is not supported (this version of cloudrun-auditor reads version ${INVENTORY_SCHEMA_VERSION})`,
    );
  }
  const problems = inventorySchemaErrors(value);
  if (problems.length > 0) {
    throw new UserError('SNAPSHOT', `${file}: not a valid snapshot: ${problems[0] ?? ''}`, problems.slice(1));
  }
  return value as Inventory;
}
