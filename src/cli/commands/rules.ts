import { defaultRules, loadRulesFile, type RulesConfig } from '../../rules/load.js';
import { ruleDoc, RULE_IDS } from '../../checks/index.js';
import { ruleSeverities } from '../../checks/severities.js';
import { UserError } from '../../errors.js';
import { nearest } from '../did-you-mean.js';
import { SelfExplainingUsageError } from '../usage-error.js';
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
  const { rule } = raw as { rule?: string };
  if (rule === undefined) {
    process.stdout.write(ruleList());
    return;
  }
  if (!(RULE_IDS as readonly string[]).includes(rule)) {
    const guess = nearest(rule, RULE_IDS);
    if (guess !== undefined) throw new SelfExplainingUsageError(`unknown rule "${rule}"; did you mean ${guess}?`);
    throw new UserError('USAGE', `unknown rule "${rule}"; known rules: ${RULE_IDS.join(', ')} (\`cloudrun-auditor explain\` lists them)`);
  }
  process.stdout.write(ruleDoc(rule));
}

/** One line per rule: id, the severity the bundled rules give it (and when lower), and what it flags. */
function ruleList(): string {
  const rows = ruleSeverities(defaultRules());
  const idWidth = Math.max(...rows.map((r) => r.id.length));
  const sevWidth = Math.max(...rows.map((r) => r.top.length));
  const lines = rows.map((r) => {
    const graded = r.lower.length > 0 ? ` (${r.lower.map((l) => `${l.severity} when ${l.when}`).join('; ')})` : '';
    return `${r.id.padEnd(idWidth)}  ${r.top.padEnd(sevWidth)}  ${r.summary}${graded}`;
  });
  return `${lines.join('\n')}\n\n${rows.length} rules; \`cloudrun-auditor explain RULE\` prints one rule's documentation.\n`;
}
