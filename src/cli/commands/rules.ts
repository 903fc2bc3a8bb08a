import { loadRulesFile } from '../../rules/load.js';
import { ruleDoc } from '../../checks/index.js';

export async function rulesCommand(raw: unknown): Promise<void> {
  const { file } = raw as { action: 'validate'; file: string };
  loadRulesFile(file); // throws a UserError listing every problem
  process.stdout.write(`${file}: valid\n`);
}

export async function explainCommand(raw: unknown): Promise<void> {
  const { rule } = raw as { rule: string };
  process.stdout.write(ruleDoc(rule));
}
