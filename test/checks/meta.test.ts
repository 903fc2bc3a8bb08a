import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import { RULES, ruleDoc } from '../../src/checks/index.js';
import { RULE_IDS } from '../../src/checks/rule-ids.js';
import { defaultRules } from '../../src/rules/load.js';
import { RULES_DIR } from '../../src/paths.js';
import { FIXTURES } from '../fixtures/inventories/index.js';
import { findingsOf } from './helpers.js';

/** `<PROJECT>`, `PROJECT_ID`, `SERVICE_NAME`… anything a reader would have to fill in. */
const PLACEHOLDER = /<[A-Za-z_-]+>|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|…|\.\.\./;

describe('rule registry', () => {
  test('holds exactly the known rule ids, sorted and unique', () => {
    expect(RULES.map((r) => r.id)).toEqual([...RULE_IDS]);
    expect([...RULE_IDS]).toEqual([...RULE_IDS].sort());
  });

  test('rules/default.yaml gives each rule its documented default severity, enabled', () => {
    const d = defaultRules();
    for (const r of RULES) expect([r.id, d.rules[r.id]]).toEqual([r.id, { enabled: true, severity: r.defaultSeverity }]);
  });

  test('no doc page without a rule', () => {
    const pages = readdirSync(RULES_DIR)
      .filter((f) => f.endsWith('.md') && f !== 'README.md')
      .map((f) => f.slice(0, -3))
      .sort();
    expect(pages).toEqual([...RULE_IDS]);
  });

  test('ruleDoc refuses an unknown id with the list of known ones', () => {
    expect(() => ruleDoc('no-such-rule')).toThrow(
      new UserError('USAGE', `unknown rule "no-such-rule"; known rules: ${RULE_IDS.join(', ')}`),
    );
  });
});

describe.each(RULES.map((r) => [r.id, r] as const))('%s', (id, rule) => {
  test('has a doc page titled with its id and the four sections', () => {
    const doc = ruleDoc(id);
    expect(doc).toBe(readFileSync(join(RULES_DIR, `${id}.md`), 'utf8'));
    expect(doc.split('\n')[0]).toBe(`# ${id} — ${rule.title}`);
    const sections = doc.split('\n').filter((l) => l.startsWith('## '));
    expect(sections).toEqual(['## What', '## Why', '## How to fix', '## References']);
    const refs = doc.slice(doc.indexOf('## References'));
    expect(refs).toMatch(/^- https:\/\/\S+$/m);
  });

  test('has pass and fail fixtures', () => {
    const cases = FIXTURES[id] ?? [];
    const pass = cases.filter((c) => c.name.startsWith('pass'));
    const fail = cases.filter((c) => c.name.startsWith('fail'));
    expect(pass.length).toBeGreaterThan(0);
    expect(fail.length).toBeGreaterThan(0);
    expect(cases.every((c) => c.name.startsWith('pass_') || c.name.startsWith('fail_'))).toBe(true);
    for (const c of pass) expect([c.name, c.expected]).toEqual([c.name, []]);
    for (const c of fail) expect(c.expected.length).toBeGreaterThan(0);
  });

  test('its fail fixtures give findings with real, runnable remediation', () => {
    for (const c of (FIXTURES[id] ?? []).filter((x) => x.name.startsWith('fail'))) {
      for (const f of findingsOf(c.inventory, id, c.rules)) {
        const runnable = f.remediation.commands.filter((cmd) => !cmd.startsWith('#'));
        expect(runnable.length, f.message).toBeGreaterThan(0);
        for (const cmd of f.remediation.commands) expect(cmd, cmd).not.toMatch(PLACEHOLDER);
        for (const cmd of runnable) expect(cmd).toMatch(/^gcloud /);
        expect(f.remediation.summary.length).toBeGreaterThan(0);
        expect(f.message).not.toContain('\n');
        expect(f.id).toMatch(/^[0-9a-f]{16}$/);
      }
    }
  });
});
