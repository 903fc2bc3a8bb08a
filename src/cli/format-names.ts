/** The report formats, kept apart from the formatters so that `--help` loads none of them (a test checks they agree). */
export const FORMAT_NAMES = ['table', 'json', 'csv', 'sarif', 'markdown', 'html', 'junit'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];
