import { describe, expect, test } from 'vitest';
import { CSV_COLUMNS, renderToString } from '../../src/report/index.js';
import { neutraliseFormula } from '../../src/report/csv.js';
import { demoReport } from '../fixtures/reports/demo.js';
import { FORMULAS, hostileReport } from '../fixtures/reports/hostile.js';
import { parseCsv } from './parse-csv.js';

const DANGEROUS_START = /^[=+\-@\t\r\0]/;

describe('csv', () => {
  test('has the documented header and one row per finding, every row as wide as the header', () => {
    const rows = parseCsv(renderToString('csv', demoReport));
    expect(rows[0]).toEqual([
      'id',
      'severity',
      'ruleId',
      'project',
      'location',
      'resourceType',
      'resource',
      'serviceAccount',
      'message',
      'remediationSummary',
      'remediationCommands',
      'suppressed',
      'suppressionReason',
      'suppressionExpires',
      'suppressionExpired',
      'new',
      'kind',
      'api',
      'status',
    ]);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.length).toBe(demoReport.findings.length + demoReport.errors.length + 1);
    for (const row of rows) expect(row.length).toBe(CSV_COLUMNS.length);
  });

  test('writes each finding exactly, commands one per line', () => {
    const rows = parseCsv(renderToString('csv', demoReport));
    const byId = new Map(rows.slice(1).map((r) => [r[0], r]));
    const suppressed = demoReport.findings.find((f) => f.suppressed)!;
    expect(byId.get(suppressed.id)).toEqual([
      suppressed.id,
      'high',
      'role-denied',
      'acme-dev',
      'europe-west1',
      'job',
      'projects/acme-dev/locations/europe-west1/jobs/nightly-export',
      '234567890123-compute@developer.gserviceaccount.com',
      suppressed.message,
      'Remove roles/bigquery.admin from the identity of nightly-export.',
      'gcloud projects remove-iam-policy-binding acme-dev --member=serviceAccount:234567890123-compute@developer.gserviceaccount.com --role=roles/bigquery.admin',
      'true',
      'Dev sandbox; BigQuery admin needed until the export is rewritten (DATA-412).',
      '2099-12-31',
      'false',
      '',
      'finding',
      '',
      '',
    ]);
    const multi = demoReport.findings[1]!;
    expect(byId.get(multi.id)![10]).toBe(multi.remediation.commands.join('\n'));
    const expired = demoReport.findings.find((f) => f.suppression?.expired === true)!;
    expect(byId.get(expired.id)!.slice(11)).toEqual(['false', 'Migration to a local identity planned for Q4.', '2024-12-31', 'true', '', 'finding', '', '']);
  });

  test('one row per errors entry after the findings, kind error, so an incomplete scan never looks clean', () => {
    const rows = parseCsv(renderToString('csv', demoReport));
    const kind = CSV_COLUMNS.indexOf('kind');
    const errors = rows.slice(1).filter((r) => r[kind] === 'error');
    expect(rows.slice(1).map((r) => r[kind])).toEqual([...demoReport.findings.map(() => 'finding'), ...demoReport.errors.map(() => 'error')]);
    const at = (row: string[], c: (typeof CSV_COLUMNS)[number]): string => row[CSV_COLUMNS.indexOf(c)]!;
    expect(errors.map((r) => [at(r, 'project'), at(r, 'api'), at(r, 'status'), at(r, 'message'), at(r, 'id'), at(r, 'severity')])).toEqual(
      demoReport.errors.map((e) => [e.project ?? '', e.api, String(e.status), e.message, '', '']),
    );
  });

  test('fills the new column after a baseline', () => {
    const marked = { ...demoReport, findings: demoReport.findings.map((f, i) => ({ ...f, new: i === 0 })) };
    const rows = parseCsv(renderToString('csv', marked));
    expect(rows.slice(1, 1 + demoReport.findings.length).map((r) => r[15])).toEqual(demoReport.findings.map((_, i) => (i === 0 ? 'true' : 'false')));
  });

  test('uses CRLF between records and quotes fields holding a comma, quote or line break', () => {
    const text = renderToString('csv', hostileReport);
    expect(text.replace(/"[^"]*(?:""[^"]*)*"/g, '').split('\r\n').every((line) => !line.includes('\n') && !line.includes('\r'))).toBe(true);
    expect(text.startsWith('id,severity,ruleId,')).toBe(true);
  });

  test('no cell a spreadsheet would evaluate, in any column, and the text is kept after the quote', () => {
    const rows = parseCsv(renderToString('csv', hostileReport));
    expect(rows.length).toBe(hostileReport.findings.length + hostileReport.errors.length + 1);
    let neutralised = 0;
    for (const row of rows) {
      for (const cell of row) {
        expect(cell).not.toMatch(DANGEROUS_START);
        if (cell.startsWith("'")) neutralised++;
      }
    }
    // Each formula finding carries its payload in project, location, identity, message, summary and commands
    // (the resource starts with projects/); also the first one's rule id and the fourth one's suppression reason.
    // A lone CR and a NUL are shown as escapes (sanitize.ts), which no spreadsheet evaluates; the rest get the quote.
    const shown = ["'" + FORMULAS[0]!, "'" + FORMULAS[1]!, "'-1+2", "'@SUM(1,2)", "'\t=1", '\\x0d=1', '\\x00=1'];
    const formulaRows = rows.slice(2, 2 + FORMULAS.length);
    formulaRows.forEach((row, i) => {
      const f = shown[i]!;
      expect(row[3]).toBe(f);
      expect(row[4]).toBe(f);
      expect(row[7]).toBe(f);
      expect(row[8]).toBe(f);
      expect(row[9]).toBe(f);
      const raw = f.replace(/^'/, '');
      expect(row[10]).toBe(`${f}\n${raw}\n${raw}`);
    });
    expect(rows[2]![2]).toBe("'=cmd|' /C calc'!A0");
    expect(rows[5]![12]).toBe("'@SUM(1,2)");
    expect(neutralised).toBeGreaterThanOrEqual((FORMULAS.length - 2) * 6);
  });

  test('control characters and bidi overrides in cells are visible escapes, never raw', () => {
    const text = renderToString('csv', hostileReport);
    // LF (inside quoted cells), the CRLF record ends and tab are the only controls left.
    expect(text.replace(/\r\n/g, '\n')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const rows = parseCsv(text);
    const terminal = rows.find((r) => r[8]!.startsWith('terminal'))!;
    expect(terminal[8]).toContain('terminal \\x1b[31mRED\\x1b[0m\\x1b]0;title\\x07\\x1b[2J bidi abc\\u202eevil\\u202c nul \\x00 bell \\x07');
  });

  test('neutraliseFormula prefixes exactly the dangerous starts', () => {
    expect(['=1', '+1', '-1', '@x', '\t=1', '\r=1', '\u0000=1'].map(neutraliseFormula)).toEqual(["'=1", "'+1", "'-1", "'@x", "'\t=1", "'\r=1", "'\u0000=1"]);
    expect(['a=1', ' =1', '', "'x", '1-2', 'projects/x'].map(neutraliseFormula)).toEqual(['a=1', ' =1', '', "'x", '1-2', 'projects/x']);
  });
});
