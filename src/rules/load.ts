/**
 * Reading and validating rules files. Every problem in a file is reported in one pass, each with its
 * file:line:col and the key it concerns, so a user fixes the file once rather than once per run.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { isAlias, LineCounter, parseDocument, type Node } from 'yaml';
import { UserError } from '../errors.js';
import type { Severity, Suppression } from '../model/finding.js';
import { RULES_DIR } from '../paths.js';
import { isRuleId, RULE_IDS, type RuleId } from '../checks/rule-ids.js';
import { compileGlob, GlobError, MAX_GLOB_LENGTH, type CompiledGlob } from './glob.js';
import { cannotMatch, type NameKind } from './language.js';
import { isExpired } from './suppress.js';
import { findKeys, findNode, keyPath, locate, pointerSegments, positionOf } from './yaml-positions.js';

/** Files larger than this are refused before parsing: no real rules file comes near it. */
export const MAX_RULES_FILE_BYTES = 5 * 1024 * 1024;
/** Alias expansions allowed while reading a file; enough for legitimate reuse, too few for a billion laughs. */
export const MAX_ALIAS_COUNT = 100;

export interface RuleSetting {
  enabled: boolean;
  severity: Severity;
}

export interface RuleOverride {
  enabled?: boolean;
  severity?: Severity;
}

export type PolicyResourceType = 'service' | 'job';

export interface PolicyConfig {
  /** `name` from the file, or `policies[i]`. */
  name: string;
  description?: string;
  projects?: string[];
  regions?: string[];
  names?: string[];
  labels?: Record<string, string>;
  resourceTypes?: PolicyResourceType[];
  serviceAccount?: string;
  allowedRoles?: string[];
  deniedRoles?: string[];
  deniedPermissions?: string[];
  rules: Partial<Record<RuleId, RuleOverride>>;
}

export interface RulesConfig {
  /** The file it came from (`<bundled>/rules/default.yaml` for the defaults). */
  source: string;
  escalationPermissions: string[];
  /** Every rule, resolved against the bundled defaults. */
  rules: Record<RuleId, RuleSetting>;
  /** In file order: later matching policies override earlier ones. */
  policies: PolicyConfig[];
  suppressions: Suppression[];
  /**
   * Things worth fixing that do not stop the file being used, each as `file:line:col: warning: …`: suppressions
   * already expired, keys named like JavaScript's inherited properties. `rules validate` and `audit` print them.
   */
  warnings: string[];
}

/** Options of a load: `now` decides which suppressions have expired. */
export interface LoadOptions {
  now?: Date;
}

/** The file's shape once ajv accepted it. */
interface RawRuleSetting {
  enabled?: boolean;
  severity?: Severity;
}
interface RawPolicy extends Omit<PolicyConfig, 'name' | 'rules'> {
  name?: string;
  rules?: Record<string, RawRuleSetting>;
}
interface RawRulesFile {
  version?: 1;
  escalationPermissions?: string[];
  rules?: Record<string, RawRuleSetting>;
  policies?: RawPolicy[];
  suppressions?: Suppression[];
}

const SCHEMA_FILE = join(RULES_DIR, 'schema.json');
const DEFAULT_FILE = join(RULES_DIR, 'default.yaml');

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(): ReturnType<Ajv['compile']> {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
  }
  return validator;
}

interface Problem {
  line: number;
  col: number;
  text: string;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  // Quoted back to the user, so bounded: a rules file that is one 5 MB string must not become a 5 MB message.
  const text = JSON.stringify(v);
  return `${typeof v} ${text.length > 80 ? text.slice(0, 79) + '…' : text}`;
}

/** What each selector list selects, for "leave the key out to match every …". */
const SELECTOR_WORDS: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  projects: 'project',
  regions: 'region',
  names: 'name',
  resourceTypes: 'resource type',
});

const SCHEMA_TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
  integer: 'an integer',
};

function ajvProblem(e: ErrorObject, root: unknown): { segments: (string | number)[]; atKey: boolean; text: string } {
  const segments = pointerSegments(e.instancePath, root);
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
      const allowed = props ? ` (allowed: ${Object.keys(props).join(', ')})` : '';
      return { segments: [...segments, extra], atKey: true, text: `unknown key${allowed}` };
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return { segments, atKey: false, text: `missing required key "${missing}"` };
    }
    case 'type': {
      const want = String((e.params as { type: string }).type);
      return { segments, atKey: false, text: `expected ${SCHEMA_TYPE_WORDS[want] ?? want}, got ${typeName(e.data)}` };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ');
      return { segments, atKey: false, text: `must be one of ${allowed}, got ${typeName(e.data)}` };
    }
    case 'const':
      return {
        segments,
        atKey: false,
        text: `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}, got ${typeName(e.data)}`,
      };
    case 'uniqueItems': {
      const p = e.params as { i: number; j: number };
      return { segments: [...segments, p.i], atKey: false, text: `duplicate of item ${p.j}` };
    }
    case 'minLength':
      return { segments, atKey: false, text: 'must not be empty' };
    case 'maxLength': {
      // Never echo the value: a 4 MB glob must not become a 4 MB message.
      const limit = (e.params as { limit: number }).limit;
      const length = typeof e.data === 'string' ? e.data.length : 0;
      return { segments, atKey: false, text: `is ${length} characters; at most ${limit} are allowed` };
    }
    case 'minItems': {
      const last = segments[segments.length - 1];
      const what = typeof last === 'string' ? (SELECTOR_WORDS[last] ?? 'value') : 'value';
      return { segments, atKey: false, text: `an empty list matches no workload; leave the key out to match every ${what}` };
    }
    case 'maxItems': {
      const limit = (e.params as { limit: number }).limit;
      const n = Array.isArray(e.data) ? e.data.length : 0;
      return { segments, atKey: false, text: `has ${n} items; at most ${limit} are allowed` };
    }
    case 'maxProperties': {
      const limit = (e.params as { limit: number }).limit;
      const n = e.data !== null && typeof e.data === 'object' ? Object.keys(e.data).length : 0;
      return { segments, atKey: false, text: `has ${n} keys; at most ${limit} are allowed` };
    }
    default:
      return { segments, atKey: false, text: e.message ?? e.keyword };
  }
}

const ROLE_NAME = /^(roles\/[A-Za-z0-9_.]+|projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/roles\/[A-Za-z0-9_.]+|organizations\/[0-9]+\/roles\/[A-Za-z0-9_.]+)$/;
/** `service.resource.verb`; a few IAM permissions also carry a host and a slash (`iam.googleapis.com/oauthClients.get`). */
const PERMISSION = /^[a-z][a-zA-Z0-9_/-]*(\.[a-zA-Z0-9_/-]+){2,}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

type Report = (segments: (string | number)[], text: string, atKey?: boolean) => void;

/** A user's string quoted back in a message, cut so that a huge value stays a short line. */
function quote(s: string): string {
  const text = JSON.stringify(s);
  return text.length > 82 ? `${text.slice(0, 80)}…"` : text;
}

/** Which kind of name each policy glob list is matched against. */
const GLOB_LISTS: readonly (readonly ['projects' | 'regions' | 'names' | 'deniedPermissions', NameKind])[] = [
  ['projects', 'project'],
  ['regions', 'region'],
  ['names', 'name'],
  ['deniedPermissions', 'permission'],
];

/** Checks ajv cannot express: rule ids, globs, dates, role and permission names, emails. Runs on typed parts only. */
function semanticChecks(file: unknown, report: Report): void {
  if (file === null || typeof file !== 'object' || Array.isArray(file)) return;
  const f = file as Record<string, unknown>;
  const known = `known rules: ${RULE_IDS.join(', ')}`;
  const strings = (v: unknown): [number, string][] =>
    Array.isArray(v) ? v.flatMap((x, i): [number, string][] => (typeof x === 'string' ? [[i, x]] : [])) : [];
  const glob = (path: (string | number)[], pattern: string, kind?: NameKind): void => {
    // Longer ones are already reported by the schema (maxLength), without quoting them.
    if (pattern.length > MAX_GLOB_LENGTH) return;
    let compiled: CompiledGlob;
    try {
      compiled = compileGlob(pattern);
    } catch (e) {
      if (e instanceof GlobError) report(path, `bad glob ${quote(pattern)}: ${e.message}`);
      else throw e;
      return;
    }
    const shape = kind && cannotMatch(compiled, kind);
    if (shape) report(path, `glob ${quote(pattern)} can never match ${shape}`);
  };
  const ruleMap = (path: (string | number)[], v: unknown): void => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return;
    for (const id of Object.keys(v)) {
      if (!isRuleId(id)) report([...path, id], `unknown rule id ${quote(id)}; ${known}`, true);
    }
  };
  const roles = (path: (string | number)[], v: unknown): void => {
    for (const [i, r] of strings(v)) {
      if (!ROLE_NAME.test(r)) {
        report(
          [...path, i],
          `${quote(r)} is not a role name (expected roles/…, projects/PROJECT/roles/… or organizations/NUMBER/roles/…)`,
        );
      }
    }
  };

  for (const [i, p] of strings(f.escalationPermissions)) {
    if (!PERMISSION.test(p)) report(['escalationPermissions', i], `${quote(p)} is not a permission name (service.resource.verb)`);
  }
  ruleMap(['rules'], f.rules);

  if (Array.isArray(f.policies)) {
    f.policies.forEach((pol: unknown, pi) => {
      if (pol === null || typeof pol !== 'object' || Array.isArray(pol)) return;
      const p = pol as Record<string, unknown>;
      const base = ['policies', pi];
      for (const [key, kind] of GLOB_LISTS) {
        for (const [i, g] of strings(p[key])) glob([...base, key, i], g, kind);
      }
      if (p.labels && typeof p.labels === 'object' && !Array.isArray(p.labels)) {
        for (const [k, v] of Object.entries(p.labels as Record<string, unknown>)) {
          if (typeof v === 'string') glob([...base, 'labels', k], v);
        }
      }
      roles([...base, 'allowedRoles'], p.allowedRoles);
      roles([...base, 'deniedRoles'], p.deniedRoles);
      if (typeof p.serviceAccount === 'string' && !EMAIL.test(p.serviceAccount)) {
        report([...base, 'serviceAccount'], `${quote(p.serviceAccount)} is not a service account email`);
      }
      ruleMap([...base, 'rules'], p.rules);
    });
  }

  if (Array.isArray(f.suppressions)) {
    f.suppressions.forEach((sup: unknown, si) => {
      if (sup === null || typeof sup !== 'object' || Array.isArray(sup)) return;
      const s = sup as Record<string, unknown>;
      const base = ['suppressions', si];
      if (typeof s.rule === 'string' && !isRuleId(s.rule)) {
        report([...base, 'rule'], `unknown rule id ${quote(s.rule)}; ${known}`);
      }
      if (typeof s.resource === 'string') glob([...base, 'resource'], s.resource, 'resource');
      if (typeof s.expires === 'string' && !isRealDate(s.expires)) {
        report([...base, 'expires'], `${quote(s.expires)} is not a date (YYYY-MM-DD)`);
      }
    });
  }
}

/**
 * Keys that name properties every JavaScript object inherits. The auditor looks up only a map's own keys, so
 * `labels: {constructor: "*"}` means a label really called constructor; but the file is likely a mistake or a probe,
 * and other tools reading it may not be as careful.
 */
const INHERITED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Warnings for a file that loaded: inherited-property names used as keys, suppressions already expired. */
function warningsFor(file: unknown, root: Node | null, warn: Report, now: Date): void {
  for (const path of findKeys(root, (k) => INHERITED_NAMES.has(k))) {
    const key = String(path[path.length - 1]);
    warn(path, `the key ${quote(key)} is the name of a property JavaScript objects inherit; it is read only as this file's own key, but check it is meant`, true);
  }
  const sups = (file as { suppressions?: unknown } | null)?.suppressions;
  if (!Array.isArray(sups)) return;
  sups.forEach((s: Suppression, i) => {
    if (isExpired(s, now)) {
      warn(['suppressions', i, 'expires'], `expired on ${s.expires}: it no longer suppresses ${s.rule} findings on ${quote(s.resource)}; renew it with a new date and reason, or remove it`);
    }
  });
}

function fail(file: string, problems: Problem[]): never {
  problems.sort((a, b) => a.line - b.line || a.col - b.col);
  const details = problems.map((p) => `${file}:${p.line}:${p.col}: ${p.text}`);
  const n = problems.length;
  throw new UserError('RULES_FILE', `${file}: ${n} problem${n === 1 ? '' : 's'}`, details);
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
}

/** Parses and validates; returns the file's own content (not yet merged with the defaults) and its warnings. */
function parseRaw(text: string, file: string, now: Date): { raw: RawRulesFile; warnings: string[] } {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_RULES_FILE_BYTES) {
    fail(file, [{ line: 1, col: 1, text: `file is ${bytes} bytes; rules files are limited to ${MAX_RULES_FILE_BYTES} bytes` }]);
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    fail(
      file,
      doc.errors.map((e) => {
        const pos = lc.linePos(e.pos[0]);
        return { line: pos.line, col: pos.col, text: `YAML syntax error: ${firstLine(e.message)}` };
      }),
    );
  }
  const root = doc.contents as Node | null;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      const found = findNode(root, (n) => isAlias(n));
      const pos = positionOf(found?.node ?? null, lc);
      fail(file, [
        {
          ...pos,
          text: `${keyPath(found?.path ?? [])}: YAML aliases expand to too much data (more than ${MAX_ALIAS_COUNT} alias expansions); refusing to read the file`,
        },
      ]);
    }
    if (e instanceof ReferenceError) {
      // An alias to an anchor that does not exist, or similar: still the user's file, still one line.
      fail(file, [{ line: 1, col: 1, text: `YAML error: ${e.message}` }]);
    }
    throw e;
  }
  if (value === null || value === undefined) value = {};

  const problems: Problem[] = [];
  const collect =
    (into: Problem[], seen = new Set<string>(), prefix = ''): Report =>
    (segments, text, atKey = false) => {
      const loc = locate(root, segments);
      const pos = positionOf(atKey ? (loc.key ?? loc.value) : loc.value, lc);
      const line = `${prefix}${keyPath(segments)}: ${text}`;
      const k = `${pos.line}:${pos.col}:${line}`;
      if (seen.has(k)) return;
      seen.add(k);
      into.push({ ...pos, text: line });
    };
  const report = collect(problems);

  const v = validate();
  if (!v(value)) {
    for (const e of v.errors ?? []) {
      const p = ajvProblem(e, value);
      report(p.segments, p.text, p.atKey);
    }
  }
  semanticChecks(value, report);
  if (problems.length > 0) fail(file, problems);
  const warnings: Problem[] = [];
  warningsFor(value, root, collect(warnings, new Set(), 'warning: '), now);
  warnings.sort((a, b) => a.line - b.line || a.col - b.col);
  return { raw: value as RawRulesFile, warnings: warnings.map((w) => `${file}:${w.line}:${w.col}: ${w.text}`) };
}

function toOverrides(raw: Record<string, RawRuleSetting> | undefined): Partial<Record<RuleId, RuleOverride>> {
  // No prototype: a lookup of any id finds only what the file set.
  const out = Object.create(null) as Partial<Record<RuleId, RuleOverride>>;
  for (const [id, s] of Object.entries(raw ?? {})) {
    if (!isRuleId(id)) continue;
    out[id] = { ...(s.enabled !== undefined ? { enabled: s.enabled } : {}), ...(s.severity ? { severity: s.severity } : {}) };
  }
  return out;
}

function build(raw: RawRulesFile, file: string, base: RulesConfig | null, warnings: string[]): RulesConfig {
  const rules = {} as Record<RuleId, RuleSetting>;
  const own = toOverrides(raw.rules);
  for (const id of RULE_IDS) {
    const inherited = base?.rules[id] ?? { enabled: true, severity: 'medium' as Severity };
    rules[id] = { enabled: own[id]?.enabled ?? inherited.enabled, severity: own[id]?.severity ?? inherited.severity };
  }
  const policies: PolicyConfig[] = (raw.policies ?? []).map((p, i) => {
    const { name, rules: prules, ...rest } = p;
    return { ...rest, name: name ?? `policies[${i}]`, rules: toOverrides(prules) };
  });
  return {
    source: file,
    escalationPermissions: [...(raw.escalationPermissions ?? base?.escalationPermissions ?? [])],
    rules,
    policies,
    suppressions: (raw.suppressions ?? []).map((s) => ({ ...s })),
    warnings,
  };
}

let defaults: RulesConfig | undefined;

/** The bundled rules/default.yaml. */
export function defaultRules(): RulesConfig {
  if (!defaults) {
    const { raw } = parseRaw(readFileSync(DEFAULT_FILE, 'utf8'), DEFAULT_FILE, new Date());
    const missing = RULE_IDS.filter((id) => raw.rules?.[id]?.severity === undefined);
    if (missing.length > 0) throw new Error(`${DEFAULT_FILE} gives no severity for ${missing.join(', ')}`);
    defaults = build(raw, DEFAULT_FILE, null, []);
  }
  return structuredClone(defaults);
}

/** Parses a rules file's text (YAML or JSON) on top of the bundled defaults. */
export function parseRules(text: string, file: string, opts: LoadOptions = {}): RulesConfig {
  const { raw, warnings } = parseRaw(text, file, opts.now ?? new Date());
  return build(raw, file, defaultRules(), warnings);
}

export function loadRulesFile(file: string, opts: LoadOptions = {}): RulesConfig {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError('RULES_FILE', `${file}: cannot read rules file (${code ?? String(e)})`);
  }
  if (size > MAX_RULES_FILE_BYTES) {
    fail(file, [{ line: 1, col: 1, text: `file is ${size} bytes; rules files are limited to ${MAX_RULES_FILE_BYTES} bytes` }]);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError('RULES_FILE', `${file}: cannot read rules file (${code ?? String(e)})`);
  }
  return parseRules(text, file, opts);
}

