import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES_DIR } from '../../paths.js';
import { UserError } from '../../errors.js';
import type { Report } from '../../model/finding.js';
import { applyBaseline, FORMAT_EXTENSIONS, formatters, summaryLine, validateReport, type Format, type RenderOptions } from '../../report/index.js';
import { RULES } from '../../checks/index.js';
import { exitCodeFor, type FailOn } from '../exit-codes.js';
import { checkOutputDir, checkOutputFile, isStdout, writeChunks } from '../output.js';
import { StagedFiles } from '../../files/safe-write.js';
import { ensureDirectory } from '../../files/targets.js';
import { isGcsUrl, parseGcsUrl } from '../../google/gcs-url.js';
import { contentTypeFor, uploadReportObjects, type GcsConnectionArgs } from '../gcs-output.js';
import { isJsonLog, recordSummary } from '../log.js';
import { runSummary } from '../run-summary.js';
import { tableWidth, widthFlag } from '../width.js';

export interface ReportArgs extends GcsConnectionArgs {
  rules?: string;
  format?: string | string[];
  output?: string;
  'output-dir'?: string;
  baseline?: string;
  'fail-on'?: string;
  'allow-incomplete'?: boolean;
  'sarif-location'?: string;
  quiet?: boolean;
  width?: number;
}


export function formatsFrom(args: ReportArgs): Format[] {
  const raw = args.format === undefined ? ['table'] : Array.isArray(args.format) ? args.format : [args.format];
  const formats = [...new Set(raw.flatMap((f) => f.split(',')).map((f) => f.trim()))] as Format[];
  for (const f of formats) {
    if (!(f in formatters)) throw new UserError('USAGE', `--format must be one of ${Object.keys(formatters).join(', ')}, got ${JSON.stringify(f)}`);
  }
  if (formats.length > 1 && args['output-dir'] === undefined) {
    throw new UserError('USAGE', 'several --format values need --output-dir DIR (one file per format)');
  }
  if (args.output !== undefined && args['output-dir'] !== undefined) {
    throw new UserError('USAGE', '--output and --output-dir cannot be combined');
  }
  const dir = args['output-dir'];
  if (dir !== undefined && isGcsUrl(dir)) parseGcsUrl(dir, '--output-dir');
  widthFlag(args.width);
  return formats;
}

/**
 * The report flags checked, and the places the reports will go proven writable, before any scanning: a bad
 * `--output` or `--output-dir` costs a second, not the whole scan. Returns the formats.
 */
export function checkReportArgs(args: ReportArgs): Format[] {
  const formats = formatsFrom(args);
  checkOutputFile(args.output, { suggestOutputDir: true });
  checkOutputDir(args['output-dir'], formats.map((f) => FORMAT_EXTENSIONS[f]));
  return formats;
}

/** Reads and validates a previous JSON report (for --baseline and `diff`). */
export function readReport(file: string, flag: string): Report {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(e as Error).message})`;
    throw new UserError('INPUT', `${flag} ${file}: ${reason}`);
  }
  const check = validateReport(data);
  if (!check.valid) {
    throw new UserError('INPUT', `${flag} ${file}: not a cloudrun-auditor JSON report (${check.errors[0] ?? 'schema mismatch'})`);
  }
  return data as Report;
}

function renderOptions(args: ReportArgs, toTerminal: boolean): RenderOptions {
  const noColor = process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '';
  const sarifFile = args['sarif-location'] ?? args.rules;
  return {
    color: toTerminal && process.stdout.isTTY === true && !noColor,
    failOn: (args['fail-on'] ?? 'high') as FailOn,
    width: toTerminal ? tableWidth(args.width, process.env, process.stdout.isTTY === true ? process.stdout.columns : undefined) : (args.width ?? 100),
    // Only a file the user named: the bundled rules file is not in their repository.
    ...(sarifFile !== undefined ? { sarifLocation: sarifFile } : {}),
    rulesMeta: RULES.map((r) => ({
      id: r.id,
      title: r.title,
      defaultSeverity: r.defaultSeverity,
      summary: r.summary,
      docPath: join(RULES_DIR, `${r.id}.md`),
    })),
  };
}

/** Applies a baseline, renders every requested format, writes them and sets the exit code. Shared by `audit` and `demo`. */
export async function emitReport(
  report: Report,
  args: ReportArgs,
  opts: { gate?: boolean; baseline?: Report | undefined } = {},
): Promise<Report> {
  const formats = formatsFrom(args);
  if (opts.baseline !== undefined) report = applyBaseline(report, opts.baseline);
  const dir = args['output-dir'];
  let written: string[] = [];
  if (dir !== undefined && isGcsUrl(dir)) {
    const stamp = report.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const objects = formats.flatMap((format) => {
      const ext = FORMAT_EXTENSIONS[format];
      const body = [...formatters[format](report, renderOptions(args, false))].join('');
      const contentType = contentTypeFor(ext);
      return [
        { name: `cloudrun-audit-${stamp}.${ext}`, body, contentType },
        { name: `latest.${ext}`, body, contentType },
      ];
    });
    written = await uploadReportObjects(dir, objects, args);
  } else if (dir !== undefined) {
    // Every format is rendered and written aside first, then all are renamed into place together: a format that
    // fails leaves every earlier report and latest.* as they were, which is what exit 2 promises.
    const stamp = report.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    ensureDirectory(dir);
    const files = new StagedFiles();
    try {
      for (const format of formats) {
        const ext = FORMAT_EXTENSIONS[format];
        const file = join(dir, `cloudrun-audit-${stamp}.${ext}`);
        const latest = join(dir, `latest.${ext}`);
        await files.add(file, formatters[format](report, renderOptions(args, false)));
        files.copyOf(file, latest);
        written.push(file, latest);
      }
    } catch (e) {
      files.discard();
      throw e;
    }
    files.commit();
  } else {
    const format = formats[0]!;
    await writeChunks(formatters[format](report, renderOptions(args, isStdout(args.output))), args.output);
  }
  const toTerminal = dir === undefined && isStdout(args.output) && formats[0] === 'table';
  const failOn = (args['fail-on'] ?? 'high') as FailOn;
  recordSummary(runSummary(report, failOn, written));
  if (!args.quiet && !toTerminal && !isJsonLog()) process.stderr.write(summaryLine(report, { failOn }) + '\n');
  if (opts.gate !== false) {
    process.exitCode = exitCodeFor({
      findings: report.findings,
      errorCount: report.errors.length,
      failOn,
      allowIncomplete: args['allow-incomplete'] ?? false,
    });
  }
  return report;
}
