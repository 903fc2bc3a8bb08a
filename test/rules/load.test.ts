import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import { RULES_DIR } from '../../src/paths.js';
import { RULE_IDS } from '../../src/checks/rule-ids.js';
import { defaultRules, loadRulesFile, MAX_RULES_FILE_BYTES, parseRules } from '../../src/rules/load.js';

const KNOWN = `known rules: ${RULE_IDS.join(', ')}`;

function problems(text: string, file = 'rules.yaml'): { message: string; details: string[] } {
  try {
    parseRules(text, file);
  } catch (e) {
    if (e instanceof UserError) {
      expect(e.code).toBe('RULES_FILE');
      return { message: e.message, details: e.details };
    }
    throw e;
  }
  throw new Error('expected the rules file to be refused');
}

describe('rules file errors', () => {
  test('YAML syntax error names line and column', () => {
    expect(problems('rules:\n  shared-identity: {enabled: true\npolicies: []\n')).toEqual({
      message: 'rules.yaml: 1 problem',
      details: ['rules.yaml:3:1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }'],
    });
  });

  test('duplicate keys are a syntax error at the second key', () => {
    expect(problems('version: 1\nversion: 1\n').details).toEqual([
      'rules.yaml:2:1: YAML syntax error: Map keys must be unique',
    ]);
  });

  test('wrong type', () => {
    expect(problems('policies:\n  - names: billing\n').details).toEqual([
      'rules.yaml:2:12: policies[0].names: expected a list, got string "billing"',
    ]);
  });

  test('wrong enum value', () => {
    expect(problems('rules:\n  default-identity:\n    severity: urgent\n').details).toEqual([
      'rules.yaml:3:15: rules.default-identity.severity: must be one of critical, high, medium, low, info, got string "urgent"',
    ]);
  });

  test('unknown key points at the key and lists the allowed ones', () => {
    expect(problems('policies:\n  - name: x\n    project: [a]\n').details).toEqual([
      'rules.yaml:3:5: policies[0].project: unknown key (allowed: name, description, projects, regions, names, labels, resourceTypes, serviceAccount, allowedRoles, deniedRoles, deniedPermissions, rules)',
    ]);
  });

  test('missing reason and expires on a suppression', () => {
    expect(problems('suppressions:\n  - rule: shared-identity\n    resource: "projects/p/**"\n').details).toEqual([
      'rules.yaml:2:5: suppressions[0]: missing required key "reason"',
      'rules.yaml:2:5: suppressions[0]: missing required key "expires"',
    ]);
  });

  test('bad globs', () => {
    expect(
      problems('policies:\n  - projects: ["acme-[a-z]"]\n    names: ["x**"]\n    labels: {team: ""}\n').details,
    ).toEqual([
      'rules.yaml:2:16: policies[0].projects[0]: bad glob "acme-[a-z]": unsupported character "[" (only *, ** and ? are special)',
      'rules.yaml:3:13: policies[0].names[0]: bad glob "x**": "**" must be a whole path segment, got "x**"',
      'rules.yaml:4:20: policies[0].labels.team: bad glob "": empty pattern',
    ]);
  });

  test('unknown rule ids, in rules, policies and suppressions', () => {
    expect(
      problems(
        [
          'rules:',
          '  default-identiy: {enabled: false}',
          'policies:',
          '  - rules:',
          '      nope: {severity: low}',
          'suppressions:',
          '  - rule: primitive-roles',
          '    resource: "**"',
          '    reason: accepted',
          '    expires: 2030-01-01',
          '',
        ].join('\n'),
      ).details,
    ).toEqual([
      `rules.yaml:2:3: rules.default-identiy: unknown rule id "default-identiy"; ${KNOWN}`,
      `rules.yaml:5:7: policies[0].rules.nope: unknown rule id "nope"; ${KNOWN}`,
      `rules.yaml:7:11: suppressions[0].rule: unknown rule id "primitive-roles"; ${KNOWN}`,
    ]);
  });

  test('invalid dates and role names', () => {
    expect(
      problems(
        [
          'policies:',
          '  - allowedRoles: [roles/run.invoker, editor, projects/acme-prod/roles/deployer]',
          '    deniedRoles: ["organizations/abc/roles/x"]',
          'suppressions:',
          '  - rule: shared-identity',
          '    resource: "**"',
          '    reason: accepted',
          '    expires: 2025-02-30',
          '  - rule: shared-identity',
          '    resource: "**"',
          '    reason: accepted',
          '    expires: "31/12/2025"',
          '',
        ].join('\n'),
      ).details,
    ).toEqual([
      'rules.yaml:2:39: policies[0].allowedRoles[1]: "editor" is not a role name (expected roles/…, projects/PROJECT/roles/… or organizations/NUMBER/roles/…)',
      'rules.yaml:3:19: policies[0].deniedRoles[0]: "organizations/abc/roles/x" is not a role name (expected roles/…, projects/PROJECT/roles/… or organizations/NUMBER/roles/…)',
      'rules.yaml:8:14: suppressions[0].expires: "2025-02-30" is not a date (YYYY-MM-DD)',
      'rules.yaml:12:14: suppressions[1].expires: "31/12/2025" is not a date (YYYY-MM-DD)',
    ]);
  });

  test('an alias bomb fails fast with the line of the first alias', () => {
    const text = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
      'g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]',
      'h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]',
      'i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]',
      '',
    ].join('\n');
    expect(problems(text)).toEqual({
      message: 'rules.yaml: 1 problem',
      details: [
        'rules.yaml:2:8: b[0]: YAML aliases expand to too much data (more than 100 alias expansions); refusing to read the file',
      ],
    });
  });

  test('an oversize file is refused before parsing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    const file = join(dir, 'big.yaml');
    writeFileSync(file, `# ${'x'.repeat(MAX_RULES_FILE_BYTES)}\n`);
    let err: unknown;
    try {
      loadRulesFile(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`${file}: 1 problem`);
    expect((err as UserError).details).toEqual([
      `${file}:1:1: file is ${MAX_RULES_FILE_BYTES + 3} bytes; rules files are limited to ${MAX_RULES_FILE_BYTES} bytes`,
    ]);
  });

  test('a missing file is one line', () => {
    expect(() => loadRulesFile('/nonexistent/rules.yaml')).toThrow(
      new UserError('RULES_FILE', '/nonexistent/rules.yaml: cannot read rules file (ENOENT)'),
    );
  });

  test('every problem of a file in one pass, in file order', () => {
    const text = [
      'version: 2',
      'escalationPermissions: [iam.serviceAccounts.actAs, not-a-permission]',
      'rules:',
      '  shared-identity: {enabled: "no"}',
      'policies:',
      '  - names: ["svc-{a,b}"]',
      '    serviceAccount: billing',
      '    colour: blue',
      'suppressions:',
      '  - rule: user-managed-key',
      '    resource: "**"',
      '    expires: 2025-13-01',
      '',
    ].join('\n');
    expect(problems(text)).toEqual({
      message: 'rules.yaml: 8 problems',
      details: [
        'rules.yaml:1:10: version: must be 1, got number 2',
        'rules.yaml:2:52: escalationPermissions[1]: "not-a-permission" is not a permission name (service.resource.verb)',
        'rules.yaml:4:30: rules.shared-identity.enabled: expected true or false, got string "no"',
        'rules.yaml:6:13: policies[0].names[0]: bad glob "svc-{a,b}": unsupported character "{" (only *, ** and ? are special)',
        'rules.yaml:7:21: policies[0].serviceAccount: "billing" is not a service account email',
        'rules.yaml:8:5: policies[0].colour: unknown key (allowed: name, description, projects, regions, names, labels, resourceTypes, serviceAccount, allowedRoles, deniedRoles, deniedPermissions, rules)',
        'rules.yaml:10:5: suppressions[0]: missing required key "reason"',
        'rules.yaml:12:14: suppressions[0].expires: "2025-13-01" is not a date (YYYY-MM-DD)',
      ],
    });
  });

  test('JSON files go through the same parser, positions included', () => {
    expect(problems('{\n  "rules": {\n    "shared-identity": {"enabled": 1}\n  }\n}\n', 'rules.json')).toEqual({
      message: 'rules.json: 1 problem',
      details: ['rules.json:3:36: rules.shared-identity.enabled: expected true or false, got number 1'],
    });
  });
});

describe('rules file contents', () => {
  test('defaults: every rule enabled with the bundled severities and escalation list', () => {
    const d = defaultRules();
    expect(d.rules['primitive-role']).toEqual({ enabled: true, severity: 'critical' });
    expect(d.rules['user-managed-key']).toEqual({ enabled: true, severity: 'medium' });
    expect(Object.keys(d.rules).sort()).toEqual([...RULE_IDS]);
    expect(d.escalationPermissions).toContain('iam.serviceAccounts.actAs');
    expect(d.escalationPermissions).toContain('resourcemanager.organizations.setIamPolicy');
    expect(d.policies).toEqual([]);
    expect(d.suppressions).toEqual([]);
  });

  test('an empty file means the defaults', () => {
    const r = parseRules('', 'empty.yaml');
    expect({ ...r, source: '' }).toEqual({ ...defaultRules(), source: '' });
  });

  test('a file overrides per rule and keeps the rest; escalationPermissions replaces the list', () => {
    const r = parseRules(
      'rules:\n  shared-identity: {enabled: false}\n  role-denied: {severity: critical}\nescalationPermissions: [iam.roles.update]\n',
      'r.yaml',
    );
    expect(r.rules['shared-identity']).toEqual({ enabled: false, severity: 'medium' });
    expect(r.rules['role-denied']).toEqual({ enabled: true, severity: 'critical' });
    expect(r.rules['default-identity']).toEqual({ enabled: true, severity: 'high' });
    expect(r.escalationPermissions).toEqual(['iam.roles.update']);
  });

  test('every key of the schema reaches the parsed config', () => {
    const r = parseRules(
      [
        'version: 1',
        'policies:',
        '  - name: full',
        '    description: every field',
        '    projects: ["acme-*"]',
        '    regions: [europe-west1]',
        '    names: ["billing*"]',
        '    labels: {team: "bill*"}',
        '    resourceTypes: [service, job]',
        '    serviceAccount: billing-sa@acme-prod.iam.gserviceaccount.com',
        '    allowedRoles: [roles/run.invoker]',
        '    deniedRoles: [organizations/1000/roles/admin]',
        '    deniedPermissions: ["iam.*"]',
        '    rules: {default-identity: {enabled: false, severity: low}}',
        '  - {}',
        'suppressions:',
        '  - {rule: shared-identity, resource: "projects/acme-prod/**", reason: accepted, expires: 2030-01-31, owner: me@acme.example}',
        '',
      ].join('\n'),
      'r.yaml',
    );
    expect(r.policies).toEqual([
      {
        name: 'full',
        description: 'every field',
        projects: ['acme-*'],
        regions: ['europe-west1'],
        names: ['billing*'],
        labels: { team: 'bill*' },
        resourceTypes: ['service', 'job'],
        serviceAccount: 'billing-sa@acme-prod.iam.gserviceaccount.com',
        allowedRoles: ['roles/run.invoker'],
        deniedRoles: ['organizations/1000/roles/admin'],
        deniedPermissions: ['iam.*'],
        rules: { 'default-identity': { enabled: false, severity: 'low' } },
      },
      { name: 'policies[1]', rules: {} },
    ]);
    expect(r.suppressions).toEqual([
      { rule: 'shared-identity', resource: 'projects/acme-prod/**', reason: 'accepted', expires: '2030-01-31', owner: 'me@acme.example' },
    ]);
  });
});

describe('globs and selectors that can match nothing are refused', () => {
  test('each kind of name has its shape; the glob must be able to take it', () => {
    const text = [
      'policies:',
      '  - regions: [EU, europe-west1-b, "europe-*", "*1"]',
      '    projects: ["Acme-prod", "acme_prod", "acme-*", "123456789", "example.com:acme"]',
      '    names: ["Billing", "billing-*", "-api"]',
      '    deniedPermissions: ["roles/editor", "iam.actAs", "iam*actAs", "iam.serviceAccounts.*", "iam.googleapis.com/oauthClients.*", "run.services.get "]',
      'suppressions:',
      '  - {rule: default-identity, resource: billing, reason: r, expires: 2999-01-01}',
      '  - {rule: default-identity, resource: "projects/*", reason: r, expires: 2999-01-01}',
      '  - {rule: default-identity, resource: "projects/acme-prod/**", reason: r, expires: 2999-01-01}',
      '  - {rule: default-identity, resource: "**/services/billing", reason: r, expires: 2999-01-01}',
      '  - {rule: default-identity, resource: "projects/acme-prod/locations/*/jobs/*/revisions/*", reason: r, expires: 2999-01-01}',
      '',
    ].join('\n');
    expect(problems(text).details).toEqual([
      'rules.yaml:2:15: policies[0].regions[0]: glob "EU" can never match a region (such as europe-west1)',
      'rules.yaml:2:19: policies[0].regions[1]: glob "europe-west1-b" can never match a region (such as europe-west1)',
      'rules.yaml:3:16: policies[0].projects[0]: glob "Acme-prod" can never match a project ID (lowercase letters, digits and hyphens)',
      'rules.yaml:3:29: policies[0].projects[1]: glob "acme_prod" can never match a project ID (lowercase letters, digits and hyphens)',
      'rules.yaml:4:13: policies[0].names[0]: glob "Billing" can never match a service or job name (lowercase letters, digits and hyphens, starting with a letter)',
      'rules.yaml:4:37: policies[0].names[2]: glob "-api" can never match a service or job name (lowercase letters, digits and hyphens, starting with a letter)',
      'rules.yaml:5:25: policies[0].deniedPermissions[0]: glob "roles/editor" can never match a permission name (service.resource.verb, such as run.services.get)',
      'rules.yaml:5:41: policies[0].deniedPermissions[1]: glob "iam.actAs" can never match a permission name (service.resource.verb, such as run.services.get)',
      'rules.yaml:5:129: policies[0].deniedPermissions[5]: glob "run.services.get " can never match a permission name (service.resource.verb, such as run.services.get)',
      `rules.yaml:7:40: suppressions[0].resource: glob "billing" can never match a finding's resource (a full name: projects/P/locations/R/services/S, …/jobs/J or …/services/S/revisions/V)`,
      `rules.yaml:8:40: suppressions[1].resource: glob "projects/*" can never match a finding's resource (a full name: projects/P/locations/R/services/S, …/jobs/J or …/services/S/revisions/V)`,
      `rules.yaml:11:40: suppressions[4].resource: glob "projects/acme-prod/locations/*/jobs/*/revisions/*" can never match a finding's resource (a full name: projects/P/locations/R/services/S, …/jobs/J or …/services/S/revisions/V)`,
    ]);
  });

  test('an empty selector list is an error; leaving the key out matches everything', () => {
    expect(problems('policies:\n  - projects: []\n    regions: []\n    names: []\n    resourceTypes: []\n').details).toEqual([
      'rules.yaml:2:15: policies[0].projects: an empty list matches no workload; leave the key out to match every project',
      'rules.yaml:3:14: policies[0].regions: an empty list matches no workload; leave the key out to match every region',
      'rules.yaml:4:12: policies[0].names: an empty list matches no workload; leave the key out to match every name',
      'rules.yaml:5:20: policies[0].resourceTypes: an empty list matches no workload; leave the key out to match every resource type',
    ]);
    // An empty deniedPermissions list denies nothing: it clears an earlier policy's list, so it stays allowed.
    expect(parseRules('policies:\n  - deniedPermissions: []\n', 'r.yaml').policies[0]?.deniedPermissions).toEqual([]);
  });

  test('permissions with a host and slash are permission names', () => {
    const r = parseRules(
      'escalationPermissions: [iam.googleapis.com/oauthClients.create]\npolicies:\n  - deniedPermissions: ["iam.googleapis.com/*.create"]\n',
      'r.yaml',
    );
    expect(r.escalationPermissions).toEqual(['iam.googleapis.com/oauthClients.create']);
  });
});

describe('limits on globs', () => {
  test('a 4 MB glob is one short line giving its length', () => {
    const { message, details } = problems(`policies:\n  - deniedPermissions: ["${'*?'.repeat(2 * 1024 * 1024)}Z"]\n`);
    expect(message).toBe('rules.yaml: 1 problem');
    expect(details).toEqual(['rules.yaml:2:25: policies[0].deniedPermissions[0]: is 4194305 characters; at most 512 are allowed']);
  });

  test('more than 1000 globs in one list', () => {
    const list = Array.from({ length: 1001 }, (_, i) => `"svc-${i}"`).join(', ');
    expect(problems(`policies:\n  - names: [${list}]\n`).details).toEqual([
      'rules.yaml:2:12: policies[0].names: has 1001 items; at most 1000 are allowed',
    ]);
  });

  test('a long bad value is quoted cut, on one line', () => {
    const { details } = problems(`policies:\n  - projects: ["${'Z'.repeat(500)}"]\n`);
    expect(details).toEqual([`rules.yaml:2:16: policies[0].projects[0]: glob "${'Z'.repeat(79)}…" can never match a project ID (lowercase letters, digits and hyphens)`]);
  });
});

describe('warnings', () => {
  const NOW = new Date('2026-03-01T12:00:00Z');

  test('suppressions already expired, at the expires value; those still running are not mentioned', () => {
    const text = [
      'suppressions:',
      '  - rule: default-identity',
      '    resource: "projects/acme-prod/**"',
      '    reason: migration',
      '    expires: 2026-02-28',
      '  - {rule: shared-identity, resource: "projects/acme-prod/**", reason: today is still covered, expires: 2026-03-01}',
      '',
    ].join('\n');
    const r = parseRules(text, 'rules.yaml', { now: NOW });
    expect(r.warnings).toEqual([
      'rules.yaml:5:14: warning: suppressions[0].expires: expired on 2026-02-28: it no longer suppresses default-identity findings on "projects/acme-prod/**"; renew it with a new date and reason, or remove it',
    ]);
    expect(r.suppressions).toHaveLength(2);
    expect(parseRules(text, 'rules.yaml', { now: new Date('2026-03-02T00:00:00Z') }).warnings).toHaveLength(2);
  });

  test('keys named like inherited JavaScript properties, wherever they are', () => {
    const text = [
      'policies:',
      '  - name: probe',
      '    labels:',
      '      constructor: "*"',
      '      __proto__: x',
      '      team: billing',
      '  - labels: {prototype: "*"}',
      '',
    ].join('\n');
    const note = (key: string): string =>
      `the key "${key}" is the name of a property JavaScript objects inherit; it is read only as this file's own key, but check it is meant`;
    expect(parseRules(text, 'rules.yaml', { now: NOW }).warnings).toEqual([
      `rules.yaml:4:7: warning: policies[0].labels.constructor: ${note('constructor')}`,
      `rules.yaml:5:7: warning: policies[0].labels.__proto__: ${note('__proto__')}`,
      `rules.yaml:7:14: warning: policies[1].labels.prototype: ${note('prototype')}`,
    ]);
  });

  test('the same keys where only known names are allowed stay errors', () => {
    expect(problems('rules:\n  __proto__: {enabled: false}\npolicies:\n  - constructor: x\n').details).toEqual([
      `rules.yaml:2:3: rules.__proto__: unknown rule id "__proto__"; ${KNOWN}`,
      'rules.yaml:4:5: policies[0].constructor: unknown key (allowed: name, description, projects, regions, names, labels, resourceTypes, serviceAccount, allowedRoles, deniedRoles, deniedPermissions, rules)',
    ]);
  });
});

describe('the example in rules/README.md', () => {
  test('is a valid rules file with nothing to warn about today', () => {
    const readme = readFileSync(join(RULES_DIR, 'README.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    // The real clock on purpose: a README whose example suppression has expired teaches users to keep stale ones.
    const r = parseRules(example ?? '', 'rules/README.md');
    expect(r.warnings).toEqual([]);
    expect(r.suppressions.map((s) => s.expires)).toEqual(['2027-06-30']);
    expect(r.policies.map((p) => p.name)).toEqual(['billing']);
  });
});
