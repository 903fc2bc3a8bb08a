import { oneLine, stripControls } from './text.js';

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return stripControls(s).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

/**
 * Inline Markdown text that renders literally in GitHub-flavoured Markdown, including inside a table cell:
 * one line, Markdown punctuation backslash-escaped, `<>&` as entities (so no tag or entity survives), and an
 * invisible word joiner after an `@` that could start a mention, so a label cannot ping a GitHub team.
 * Callers never put it at the start of a line, where a digit and a dot would still start a list.
 */
export function escapeMarkdown(s: string): string {
  return oneLine(s)
    .replace(/[\\`*_[\]()#!|~{}]/g, (c) => '\\' + c)
    .replace(/[&<>]/g, (c) => HTML_ENTITIES[c]!)
    .replace(/(^|[^A-Za-z0-9._%+-])@/g, '$1@\u2060');
}

/** A code fence longer than any backtick run in the text, so the text cannot close it. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}
