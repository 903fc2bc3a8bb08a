import { loadRulesFile, type RulesConfig } from '../../rules/load.js';
import { ruleDoc } from '../../checks/index.js';
import { log } from '../log.js';

/**
 * A rules file's warnings (expired suppressions, inherited-property names as keys), once each, on stderr. They do
 * not change the exit code: the file is usable, but someone should look at it.
 */
export function printRulesWarnings(rules: RulesConfig): void {
  for (const w of rules.warnings) log('WARNING', `cloudrun-auditor: ${w}`);
}

export async function rulesCommand(raw: unknown): Promise<void> {
  const { file } = raw as { action: 'validate'; file: string };
  const rules = loadRulesFile(file); // throws a UserError listing every problem
  printRulesWarnings(rules);
  const n = rules.warnings.length;
  process.stdout.write(`${file}: valid${n > 0 ? ` (${n} warning${n === 1 ? '' : 's'})` : ''}\n`);
}

export async function explainCommand(raw: unknown): Promise<void> {
  const { rule } = raw as { rule: string };
  process.stdout.write(ruleDoc(rule));
}
