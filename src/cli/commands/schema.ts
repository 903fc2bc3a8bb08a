import { readFileSync } from 'node:fs';
import { packagePath } from '../../paths.js';

const SCHEMAS = {
  report: 'src/report/report.schema.json',
  rules: 'rules/schema.json',
  snapshot: 'src/model/inventory.schema.json',
  scenario: 'src/emulator/scenario.schema.json',
} as const;

export async function schemaCommand(raw: unknown): Promise<void> {
  const { name } = raw as { name: keyof typeof SCHEMAS };
  process.stdout.write(readFileSync(packagePath(SCHEMAS[name]), 'utf8'));
}
