import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { packagePath } from '../paths.js';

/** JSON Schema of the JSON report, read from src/report/report.schema.json (shipped with the package). */
export const REPORT_SCHEMA: object = JSON.parse(readFileSync(packagePath('src', 'report', 'report.schema.json'), 'utf8')) as object;

let validator: ValidateFunction | undefined;

/** Checks data against REPORT_SCHEMA; every problem as "<JSON pointer>: <what is wrong>". */
export function validateReport(data: unknown): { valid: boolean; errors: string[] } {
  validator ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(REPORT_SCHEMA);
  if (validator(data)) return { valid: true, errors: [] };
  const errors = (validator.errors ?? []).map((e) => {
    const where = e.instancePath === '' ? '/' : e.instancePath;
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${String((e.params as { additionalProperty: string }).additionalProperty)})`
        : e.keyword === 'enum'
          ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')})`
          : '';
    return `${where}: ${e.message ?? e.keyword}${extra}`;
  });
  return { valid: false, errors };
}
