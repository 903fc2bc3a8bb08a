import { describe, expect, test } from 'vitest';
import { RULES } from '../../src/checks/index.js';
import { defaultRules } from '../../src/rules/load.js';
import { runCli } from '../e2e/cli.js';

describe('explain', () => {
  test('with no rule: one line per rule (id, bundled severity, summary), exit 0', async () => {
    const res = await runCli(['explain']);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    const [table, footer] = res.stdout.split('\n\n');
    const rows = table!.split('\n').map((l) => /^(\S+) +(critical|high|medium|low|info) +(.+)$/.exec(l));
    const config = defaultRules();
    expect(rows.map((m) => [m?.[1], m?.[2]])).toEqual(RULES.map((r) => [r.id, config.rules[r.id].severity]));
    rows.forEach((m, i) => expect(m![3]!.startsWith(RULES[i]!.summary)).toBe(true));
    expect(rows.find((m) => m![1] === 'primitive-role')![3]).toContain('(high when the role is roles/editor, not roles/owner)');
    expect(footer).toBe(`${RULES.length} rules; \`cloudrun-auditor explain RULE\` prints one rule's documentation.\n`);
  });

  test('with a rule: its page', async () => {
    const res = await runCli(['explain', 'primitive-role']);
    expect(res.code).toBe(0);
    expect(res.stdout.startsWith('# primitive-role')).toBe(true);
  });
});
