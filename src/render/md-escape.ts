/**
 * Text that came from a report or from the change (a test name, a classname, a suite, a failure
 * message, a file path, a pull request's title) as Markdown that renders as exactly that text on
 * GitHub (job summary, check run summary and text): no image, link, autolink, heading, HTML,
 * emphasis, math, mention or table break can come out of it (issue 22, docs/hostile-input.md).
 *
 * What opens or closes something in CommonMark or GFM is backslash-escaped (CommonMark lets any
 * ASCII punctuation be escaped, and shows it as itself): `\` and the code span's backtick,
 * emphasis `*` `_` `~`, links, images and footnotes `[` `]` (an image is `![`: its `[` is
 * enough), HTML and angle autolinks `<` `>`, entities `&`, table cells `|`, math `$`; the `:` of
 * `https://` and the dot of `www.` (GFM's literal autolinks), the `@` of a mention, and a `#`
 * that starts the text (a heading, wherever the text may land). Line breaks become spaces, so
 * nothing can start a block (a heading, a list, a quote) on a line of its own. The rest is left
 * as it is, so the raw Markdown (summary.md in the bundle) stays readable.
 */
export function mdText(s: string): string {
  return s
    .replace(/[\\`*_~[\]<>&|$]/g, (ch) => `\\${ch}`)
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/(www)\./gi, '$1\\.')
    .replace(/@(?=[\w-])/g, '\\@')
    .replace(/^#/, '\\#')
    .replace(/\r\n?|[\n\u2028\u2029]/g, ' ')
}

/**
 * Text inside a code span (`` `…` ``): nothing renders in one, but a backtick would close it
 * (it becomes `'`) and a line break would end the line. In a table cell a `|` still splits the
 * cell (GFM), so there it is escaped (`\|`, which GitHub shows as `|` even in code).
 */
export function mdCode(s: string, inTable = false): string {
  const text = s.replace(/`/g, "'").replace(/\r\n?|[\n\u2028\u2029]/g, ' ')
  return inTable ? text.replace(/\|/g, '\\|') : text
}
