import { existsSync, mkdirSync, mkdtempSync, openSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectInventory } from '../../src/collect/collect.js';
import { DEMO_SCENARIO_PATH, loadScenario } from '../../src/emulator/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { writeSnapshot } from '../../src/model/snapshot.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { runCli } from '../e2e/cli.js';

/**
 * The bad-input corpus: every case goes through the built CLI and must end with exit 2, one clear line on stderr
 * (rules files with several problems add one indented line per problem; usage errors add the --help hint), no
 * stack trace, nothing on stdout, and no report file.
 */

const BAD = join(PACKAGE_ROOT, 'test/fixtures/bad');
const rulesFile = (name: string): string => join(BAD, 'rules', name);
const snapshotFile = (name: string): string => join(BAD, 'snapshots', name);
const HINT = 'Run `cloudrun-auditor --help` for usage.';

let tmp: string;
let snapshot: string;
let emu: RunningEmulator;

interface Ctx {
  tmp: string;
  snapshot: string;
  endpoint: string;
  out: string;
}

interface Case {
  name: string;
  args: (c: Ctx) => string[];
  /** The one line, after "cloudrun-auditor: ". */
  line: RegExp;
  /** Detail lines expected after it (each indented), for rules files with several problems. */
  details?: RegExp[];
  usage?: true;
}

/** Audit of a good snapshot with a bad rules file: nothing else can fail. */
const withRules = (file: string) => (c: Ctx) => ['audit', '--snapshot', c.snapshot, '--rules', file, '--format', 'json', '--output', c.out];
const withSnapshot = (file: string) => (c: Ctx) => ['audit', '--snapshot', file, '--format', 'json', '--output', c.out];
const scan = (...flags: string[]) => (c: Ctx) => ['audit', ...flags, '--endpoint', c.endpoint, '--format', 'json', '--output', c.out];
const at = (file: string, rest: string): RegExp => new RegExp(`^${esc(rulesFile(file))}:${rest}$`);
function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
/** A one-problem rules file: "FILE: 1 problem" then the located problem. */
const one = (file: string, where: string, text: string): Pick<Case, 'line' | 'details'> => ({
  line: new RegExp(`^${esc(rulesFile(file))}: 1 problem$`),
  details: [new RegExp(`^${esc(rulesFile(file))}:${where}: ${text}$`)],
});

export const CASES: Case[] = [
  // Rules files: YAML and JSON syntax.
  { name: 'YAML: unclosed flow mapping', args: withRules(rulesFile('yaml-unclosed-flow.yaml')), ...one('yaml-unclosed-flow.yaml', '3:1', esc('YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }')) },
  { name: 'YAML: bad indentation', args: withRules(rulesFile('yaml-bad-indent.yaml')), ...one('yaml-bad-indent.yaml', '5:1', esc('YAML syntax error: All mapping items must start at the same column')) },
  { name: 'YAML: tab indentation', args: withRules(rulesFile('yaml-tab-indent.yaml')), ...one('yaml-tab-indent.yaml', '3:1', esc('YAML syntax error: Tabs are not allowed as indentation')) },
  { name: 'YAML: duplicate key', args: withRules(rulesFile('yaml-duplicate-key.yaml')), ...one('yaml-duplicate-key.yaml', '4:3', esc('YAML syntax error: Map keys must be unique')) },
  { name: 'YAML: unclosed quote', args: withRules(rulesFile('yaml-unclosed-quote.yaml')), ...one('yaml-unclosed-quote.yaml', '7:1', esc('YAML syntax error: Missing closing "quote')) },
  { name: 'YAML: two documents', args: withRules(rulesFile('two-documents.yaml')), ...one('two-documents.yaml', '2:1', esc('YAML syntax error: Source contains multiple documents; please use YAML.parseAllDocuments()')) },
  { name: 'YAML: unknown tag', args: withRules(rulesFile('unknown-tag.yaml')), ...one('unknown-tag.yaml', '2:22', esc('rules: expected a mapping, got string "function() { return 1 }"')) },
  { name: 'YAML: recursive alias', args: withRules(rulesFile('recursive-alias.yaml')), ...one('recursive-alias.yaml', '3:21', esc('rules.default-identity.default-identity: unknown key (allowed: enabled, severity)')) },
  { name: 'YAML: billion laughs alias bomb', args: withRules(rulesFile('billion-laughs.yaml')), ...one('billion-laughs.yaml', '3:8', esc('b[0]: YAML aliases expand to too much data (more than 100 alias expansions); refusing to read the file')) },
  // Quoted back escaped (no raw control bytes reach the terminal) and cut short.
  { name: 'binary garbage', args: withRules(rulesFile('binary-garbage.yaml')), ...one('binary-garbage.yaml', '1:1', esc('(root): expected a mapping, got string "\\u0000\\u0001\\u0002') + '[^\\x00-\\x1f]{40,90}…') },
  { name: 'JSON: unclosed object', args: withRules(rulesFile('json-unclosed.json')), ...one('json-unclosed.json', '2:1', esc('YAML syntax error: Flow map must end with a }')) },
  { name: 'JSON: missing comma', args: withRules(rulesFile('json-missing-comma.json')), ...one('json-missing-comma.json', '1:13', esc('YAML syntax error: Block collections are not allowed within flow collections')) },
  // Rules files: wrong shapes and types.
  { name: 'a list instead of a mapping', args: withRules(rulesFile('top-level-list.yaml')), ...one('top-level-list.yaml', '1:1', esc('(root): expected a mapping, got a list')) },
  { name: 'a scalar instead of a mapping', args: withRules(rulesFile('top-level-scalar.yaml')), ...one('top-level-scalar.yaml', '1:1', esc('(root): expected a mapping, got string "just some words"')) },
  { name: 'enabled is a string', args: withRules(rulesFile('wrong-type-enabled.yaml')), ...one('wrong-type-enabled.yaml', '3:32', esc('rules.default-identity.enabled: expected true or false, got string "yes"')) },
  { name: 'unknown severity', args: withRules(rulesFile('wrong-severity.yaml')), ...one('wrong-severity.yaml', '3:33', esc('rules.default-identity.severity: must be one of critical, high, medium, low, info, got string "urgent"')) },
  { name: 'version 2', args: withRules(rulesFile('wrong-version.yaml')), ...one('wrong-version.yaml', '1:10', esc('version: must be 1, got number 2')) },
  { name: 'escalationPermissions is a string', args: withRules(rulesFile('wrong-type-escalation.yaml')), ...one('wrong-type-escalation.yaml', '2:24', esc('escalationPermissions: expected a list, got string "iam.serviceAccounts.actAs"')) },
  { name: 'policies is a mapping', args: withRules(rulesFile('wrong-type-policies.yaml')), ...one('wrong-type-policies.yaml', '3:3', esc('policies: expected a list, got a mapping')) },
  { name: 'unknown resource type', args: withRules(rulesFile('wrong-resource-type.yaml')), ...one('wrong-resource-type.yaml', '4:30', esc('policies[0].resourceTypes[1]: must be one of service, job, got string "vm"')) },
  // Rules files: unknown keys.
  { name: 'unknown top-level key', args: withRules(rulesFile('unknown-top-key.yaml')), ...one('unknown-top-key.yaml', '2:1', esc('rulez: unknown key (allowed: version, escalationPermissions, rules, policies, suppressions)')) },
  { name: 'unknown rule id', args: withRules(rulesFile('unknown-rule-id.yaml')), ...one('unknown-rule-id.yaml', '3:3', esc('rules.no-such-rule: unknown rule id "no-such-rule"; known rules: ') + '[a-z-]+(, [a-z-]+)+') },
  { name: 'unknown rule setting', args: withRules(rulesFile('unknown-rule-setting-key.yaml')), ...one('unknown-rule-setting-key.yaml', '3:39', esc('rules.default-identity.level: unknown key (allowed: enabled, severity)')) },
  { name: 'unknown policy key', args: withRules(rulesFile('unknown-policy-key.yaml')), ...one('unknown-policy-key.yaml', '4:5', esc('policies[0].project: unknown key (allowed: name, description, projects, ') + '.+') },
  // Rules files: suppressions and globs.
  { name: 'suppression without reason', args: withRules(rulesFile('suppression-no-reason.yaml')), ...one('suppression-no-reason.yaml', '3:5', esc('suppressions[0]: missing required key "reason"')) },
  { name: 'suppression without expiry', args: withRules(rulesFile('suppression-no-expiry.yaml')), ...one('suppression-no-expiry.yaml', '3:5', esc('suppressions[0]: missing required key "expires"')) },
  { name: 'suppression with an empty reason', args: withRules(rulesFile('suppression-empty-reason.yaml')), ...one('suppression-empty-reason.yaml', '5:13', esc('suppressions[0].reason: must not be empty')) },
  { name: 'suppression expiring on 2030-13-45', args: withRules(rulesFile('suppression-bad-date.yaml')), ...one('suppression-bad-date.yaml', '6:14', esc('suppressions[0].expires: "2030-13-45" is not a date (YYYY-MM-DD)')) },
  { name: 'suppression of an unknown rule', args: withRules(rulesFile('suppression-unknown-rule.yaml')), ...one('suppression-unknown-rule.yaml', '3:11', esc('suppressions[0].rule: unknown rule id "no-such-rule"; known rules: ') + '[a-z-]+(, [a-z-]+)+') },
  { name: 'bad glob in a suppression', args: withRules(rulesFile('bad-glob-suppression.yaml')), ...one('bad-glob-suppression.yaml', '4:15', esc('suppressions[0].resource: bad glob "projects/acme-[web/*": unsupported character "[" (only *, ** and ? are special)')) },
  { name: 'bad glob in a policy', args: withRules(rulesFile('bad-glob-policy.yaml')), ...one('bad-glob-policy.yaml', '4:16', esc('policies[0].projects[0]: bad glob "acme-{web,data": unsupported character "{" (only *, ** and ? are special)')) },
  {
    name: 'several problems at once',
    args: withRules(rulesFile('multi-problem.yaml')),
    line: new RegExp(`^${esc(rulesFile('multi-problem.yaml'))}: 4 problems$`),
    details: [
      at('multi-problem.yaml', esc('3:32: rules.default-identity.enabled: expected true or false, got string "no"')),
      at('multi-problem.yaml', esc('4:31: rules.primitive-role.severity: must be one of critical, high, medium, low, info, got string "extreme"')),
      at('multi-problem.yaml', esc('6:5: suppressions[0]: missing required key "reason"')),
      at('multi-problem.yaml', esc('6:5: suppressions[0]: missing required key "expires"')),
    ],
  },
  // Rules files: size and existence.
  { name: 'a 50 MB rules file', args: (c) => withRules(join(c.tmp, 'huge.yaml'))(c), line: /^.+huge\.yaml: 1 problem$/, details: [/^.+huge\.yaml:1:1: file is \d+ bytes; rules files are limited to 5242880 bytes$/] },
  { name: 'rules file missing', args: (c) => withRules(join(c.tmp, 'missing.yaml'))(c), line: /^.+missing\.yaml: cannot read rules file \(ENOENT\)$/ },
  { name: 'rules file is a directory', args: (c) => withRules(c.tmp)(c), line: /^.+: cannot read rules file \(EISDIR\)$/ },
  // Snapshots.
  { name: 'snapshot truncated', args: withSnapshot(snapshotFile('truncated.json')), line: /^.+truncated\.json: not valid JSON, the file may be truncated \(.+\)$/ },
  { name: 'snapshot of another version', args: withSnapshot(snapshotFile('wrong-version.json')), line: /^.+wrong-version\.json: snapshot schema version 99 is not supported \(this version of cloudrun-auditor reads version 1\)$/ },
  { name: 'snapshot failing the schema', args: withSnapshot(snapshotFile('schema-invalid.json')), line: /^.+schema-invalid\.json: not a valid snapshot: \/projects must be array$/ },
  { name: 'snapshot without a version', args: withSnapshot(snapshotFile('no-version.json')), line: /^.+no-version\.json: not a cloudrun-auditor snapshot \(no schemaVersion\)$/ },
  { name: 'snapshot that is a JSON list', args: withSnapshot(snapshotFile('top-level-list.json')), line: /^.+top-level-list\.json: not a cloudrun-auditor snapshot \(expected a JSON object\)$/ },
  { name: 'snapshot empty', args: withSnapshot(snapshotFile('empty.json')), line: /^.+empty\.json: the file is empty$/ },
  { name: 'snapshot in YAML', args: withSnapshot(snapshotFile('yaml-not-json.json')), line: /^.+yaml-not-json\.json: not valid JSON, the file may be truncated \(.+\)$/ },
  { name: 'a report given as a snapshot', args: withSnapshot(snapshotFile('a-report.json')), line: /^.+a-report\.json: not a valid snapshot: \(top level\) must have required property 'toolVersion'$/ },
  { name: 'snapshot missing', args: (c) => withSnapshot(join(c.tmp, 'nope.json'))(c), line: /^.+nope\.json: no such file$/ },
  { name: 'a snapshot given as --baseline', args: (c) => ['audit', '--snapshot', c.snapshot, '--baseline', c.snapshot, '--format', 'json', '--output', c.out], line: /^--baseline .+good\.json: not a cloudrun-auditor JSON report \(\/: must have required property 'tool'\)$/ },
  { name: 'a truncated --baseline', args: (c) => ['audit', '--snapshot', c.snapshot, '--baseline', snapshotFile('truncated.json'), '--format', 'json', '--output', c.out], line: /^--baseline .+truncated\.json: not valid JSON \(.+\)$/ },
  // Offline --input: nothing read is never a pass; hostile nesting is a clear error, not a stack overflow.
  ...(
    [
      ['[]', 'empty-array.json'],
      ['{"kind":"ServiceList","items":[]}', 'empty-servicelist.json'],
      ['{"services":[]}', 'empty-v2-list.json'],
      ['[[],[[]],[[[]]]]', 'nested-empty.json'],
      ['[]\n[]\n[]\n', 'empty-arrays.ndjson'],
      ['{"services":[],"nextPageToken":"abc"}', 'empty-partial-list.json'],
      ['{"projectId":"acme-orders","projectNumber":"640318125577"}', 'only-a-project.json'],
    ] as const
  ).map(([, name]): Case => ({
    name: `--input of nothing to audit: ${name}`,
    args: (c) => ['audit', '--input', join(c.tmp, name), '--format', 'json', '--output', c.out],
    line: new RegExp(`^.+/${esc(name)}: no Cloud Run service, revision or job and no IAM policy, account, key or role to audit \\(empty lists read as nothing, never as clean\\); check the project, region and account the export ran as$`),
  })),
  {
    name: '--input of two files that hold nothing',
    args: (c) => ['audit', '--input', join(c.tmp, 'empty-array.json'), '--input', join(c.tmp, 'empty-v2-list.json'), '--output', c.out],
    line: /^the 2 --input files: no Cloud Run service, revision or job and no IAM policy, account, key or role to audit/,
  },
  { name: '--input of a 100,000-deep JSON array', args: (c) => ['audit', '--input', join(c.tmp, 'deep.json'), '--output', c.out], line: /^.+deep\.json: nested more than 64 levels deep; gcloud and Asset Inventory output is never this deep$/ },
  { name: '--input of a 100,000-deep NDJSON line', args: (c) => ['audit', '--input', join(c.tmp, 'deep.ndjson'), '--output', c.out], line: /^.+deep\.ndjson: line 2: nested more than 64 levels deep; gcloud and Asset Inventory output is never this deep$/ },
  { name: '--input of a 100,000-deep YAML flow sequence', args: (c) => ['audit', '--input', join(c.tmp, 'deep.yaml'), '--output', c.out], line: /^.+deep\.yaml: nested more than 64 levels deep; gcloud and Asset Inventory output is never this deep$/ },
  { name: '--input of YAML that does not parse', args: (c) => ['audit', '--input', join(c.tmp, 'broken.yaml'), '--output', c.out], line: /^.+broken\.yaml: neither JSON nor YAML at line 2 \(.+\); expected gcloud output in --format=json or its default YAML$/ },
  { name: '--input of a YAML alias bomb', args: (c) => ['audit', '--input', join(c.tmp, 'bomb.yaml'), '--output', c.out], line: /^.+bomb\.yaml: YAML aliases expand to too much data \(.+\); refusing to read the file$/ },
  // Flags and scopes.
  { name: "--project ''", args: scan('--project', ''), line: /^--project must be a project ID such as acme-prod \(6-30 lowercase letters, digits, hyphens\), got ""$/, usage: true },
  { name: '--project with capitals', args: scan('--project', 'Acme-Prod'), line: /^--project must be a project ID such as acme-prod \(6-30 lowercase letters, digits, hyphens\), got "Acme-Prod"$/, usage: true },
  { name: '--organization abc', args: scan('--organization', 'abc'), line: /^--organization must be a numeric organization ID such as 123456789012, got "abc"$/, usage: true },
  { name: "--organization ''", args: scan('--organization', ''), line: /^--organization must be a numeric organization ID such as 123456789012, got ""$/, usage: true },
  { name: '--folder 12ab', args: scan('--folder', '12ab'), line: /^--folder must be a numeric folder ID such as 123456789012, got "12ab"$/, usage: true },
  { name: '--project and --organization together', args: scan('--project', 'acme-web-prod', '--organization', '482915736104'), line: /^choose one scope: --project and --organization cannot be combined$/, usage: true },
  { name: '--snapshot with --project', args: (c) => ['audit', '--snapshot', c.snapshot, '--project', 'acme-web-prod', '--output', c.out], line: /^--snapshot audits a file with no network; it cannot be combined with --project$/, usage: true },
  { name: 'no scope at all', args: (c) => ['audit', '--endpoint', c.endpoint, '--output', c.out], line: /^no scope given: use --project ID, --folder N or --organization N \(or --snapshot FILE\)$/, usage: true },
  { name: '--format xml', args: scan('--project', 'acme-web-prod', '--format', 'xml'), line: /^Invalid values: Argument: format, Given: "xml", Choices: "table", "json", "csv", "sarif", "markdown", "html", "junit"$/, usage: true },
  { name: '--fail-on severe', args: scan('--project', 'acme-web-prod', '--fail-on', 'severe'), line: /^Invalid values: Argument: fail-on, Given: "severe", Choices: "critical", "high", "medium", "low", "info", "none"$/, usage: true },
  { name: '--concurrency 0', args: scan('--project', 'acme-web-prod', '--concurrency', '0'), line: /^--concurrency must be a whole number from 1 to 256, got 0$/, usage: true },
  { name: '--concurrency abc', args: scan('--project', 'acme-web-prod', '--concurrency', 'abc'), line: /^--concurrency must be a whole number from 1 to 256, got something that is not a number$/, usage: true },
  { name: '--region europe', args: scan('--project', 'acme-web-prod', '--region', 'europe'), line: /^--region must be a Cloud Run region such as europe-west1, got "europe"$/, usage: true },
  { name: '--endpoint ftp://', args: (c) => ['audit', '--project', 'acme-web-prod', '--endpoint', 'ftp://127.0.0.1', '--output', c.out], line: /^--endpoint must be an http or https URL, got "ftp:\/\/127\.0\.0\.1"$/, usage: true },
  { name: '--endpoint not a URL', args: (c) => ['audit', '--project', 'acme-web-prod', '--endpoint', 'localhost 8085', '--output', c.out], line: /^--endpoint must be a URL such as http:\/\/127\.0\.0\.1:8085, got "localhost 8085"$/, usage: true },
  { name: '--output with --output-dir', args: (c) => scan('--project', 'acme-web-prod', '--output-dir', c.tmp)(c), line: /^--output and --output-dir cannot be combined$/, usage: true },
  { name: 'two formats without --output-dir', args: scan('--project', 'acme-web-prod', '--format', 'csv'), line: /^several --format values need --output-dir DIR \(one file per format\)$/, usage: true },
  { name: '--impersonate-service-account bob', args: (c) => ['audit', '--project', 'acme-web-prod', '--impersonate-service-account', 'bob', '--output', c.out], line: /^--impersonate-service-account must be a service account email, got "bob"$/, usage: true },
  { name: 'misspelt flag --projekt', args: scan('--projekt', 'acme-web-prod'), line: /^Unknown argument: projekt; did you mean --project\?$/ },
];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cra-badinput-'));
  emu = await startEmulator({ scenario: loadScenario(DEMO_SCENARIO_PATH) });
  snapshot = join(tmp, 'good.json');
  writeSnapshot(await collectInventory({ scope: { kind: 'projects', ids: ['acme-web-prod'], regions: [] }, endpoint: emu.url }), snapshot);
  // 50 MB of comments after a valid start: refused by size, never parsed.
  const fd = openSync(join(tmp, 'huge.yaml'), 'w');
  const block = ('# padding ' + 'x'.repeat(1013) + '\n').repeat(1024);
  writeSync(fd, 'version: 1\n');
  for (let i = 0; i < 50; i++) writeSync(fd, block);
  closeSync(fd);
  mkdirSync(join(tmp, 'out'));
  const put = (name: string, text: string): void => writeFileSync(join(tmp, name), text);
  put('empty-array.json', '[]');
  put('empty-servicelist.json', '{"kind":"ServiceList","items":[]}');
  put('empty-v2-list.json', '{"services":[]}');
  put('nested-empty.json', '[[],[[]],[[[]]]]');
  put('empty-arrays.ndjson', '[]\n[]\n[]\n');
  put('empty-partial-list.json', '{"services":[],"nextPageToken":"abc"}');
  put('only-a-project.json', '{"projectId":"acme-orders","projectNumber":"640318125577"}');
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  put('deep.json', deep);
  put('deep.ndjson', `{"services":[]}\n${deep}\n`);
  put('deep.yaml', `items: ${deep}\n`);
  put('broken.yaml', 'apiVersion: serving.knative.dev/v1\nkind: Service: nope\n');
  put('bomb.yaml', ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n') + '\n');
}, 60_000);

afterAll(async () => {
  await emu.close();
});

test('the corpus has at least 40 cases', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(40);
});

describe.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
  test('exit 2, one clear line, no stack trace, no report written', async () => {
    const out = join(tmp, 'out', `report-${i}.json`);
    const res = await runCli(c.args({ tmp, snapshot, endpoint: emu.url, out }));
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).not.toMatch(/\n\s+at |internal error|Error:/);
    const lines = res.stderr.split('\n');
    expect(lines.pop()).toBe('');
    const [first, ...rest] = lines;
    expect(first).toMatch(/^cloudrun-auditor: /);
    expect(first!.slice('cloudrun-auditor: '.length)).toMatch(c.line);
    const expected = [...(c.details ?? []), ...(c.usage ? [HINT] : [])];
    expect(rest.length).toBe(expected.length);
    rest.forEach((line, j) => {
      const want = expected[j]!;
      if (typeof want === 'string') expect(line).toBe(want);
      else expect(line.replace(/^ {2}/, '')).toMatch(want);
    });
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
