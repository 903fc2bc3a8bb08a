import { safeLine, safeText } from './sanitize.js';

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content or a quoted attribute value: sanitised (sanitize.ts), then entities. */
export function escapeHtml(s: string): string {
  return safeText(s).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

// What GitHub turns into a link without any Markdown syntax (its "extended autolinks"): a scheme and `//`,
// `www.`, or mailto:/xmpp:. The match stops at whitespace, a backtick or a table pipe; trailing punctuation is
// left outside, as GitHub does.
const BARE_URL = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.|(?:mailto|xmpp):)[^\s`|]*/gi;
const TRAILING = /[.,;:!?'")\]}*_~]+$/;

/**
 * Inline Markdown text that renders literally in GitHub-flavoured Markdown, including inside a table cell:
 * one line, Markdown punctuation backslash-escaped, `<>&` as entities (so no tag or entity survives), and an
 * invisible word joiner after an `@` that could start a mention, so a label cannot ping a GitHub team.
 * A bare URL goes into a code span, where GitHub shows it as text instead of autolinking it.
 * Callers never put it at the start of a line, where a digit and a dot would still start a list.
 */
export function escapeMarkdown(s: string): string {
  return splitUrls(safeLine(s))
    .map((p) => (p.url ? '`' + p.text + '`' : escapeInline(p.text)))
    .join('');
}

/**
 * One line of HTML inside Markdown (a <summary>): entities as escapeHtml, and bare URLs inside <code>, which
 * GitHub neither autolinks nor lets a link filter touch.
 */
export function escapeHtmlLine(s: string): string {
  return splitUrls(safeLine(s))
    .map((p) => (p.url ? `<code>${escapeHtml(p.text)}</code>` : escapeHtml(p.text)))
    .join('');
}

/** The text in pieces, each bare URL (as GitHub would autolink it) its own piece. */
function splitUrls(line: string): { text: string; url: boolean }[] {
  const parts: { text: string; url: boolean }[] = [];
  let at = 0;
  for (const m of line.matchAll(BARE_URL)) {
    const url = m[0].replace(TRAILING, '');
    if (url === '' || /^(?:www\.|[a-z][a-z0-9+.-]*:(?:\/\/)?)$/i.test(url)) continue;
    if (m.index > at) parts.push({ text: line.slice(at, m.index), url: false });
    parts.push({ text: url, url: true });
    at = m.index + url.length;
  }
  if (at < line.length || parts.length === 0) parts.push({ text: line.slice(at), url: false });
  return parts;
}

function escapeInline(s: string): string {
  return s
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
