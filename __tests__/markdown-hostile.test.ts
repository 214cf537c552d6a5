import { readFileSync } from 'node:fs'
import path from 'node:path'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { runActionInPullRequest } from './helpers/gate-run.js'
import { runCli, workspace } from './helpers/run.js'

/*
 * Issue 22, item 5, from the attacker's side: the change writes its test names, classnames,
 * suites, failure messages and file paths, and they are shown in the job summary and the check
 * run (summary and text), which GitHub renders as Markdown. Nothing of theirs may render as an
 * image, a link, an autolink, a heading, HTML or a table break. The rendered Markdown is checked
 * with micromark and its GFM extension (tables, autolink literals, raw HTML let through as
 * GitHub's renderer would before its sanitizer), not by looking for characters.
 */

const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ tag: CM-01 }] }
  - { id: CM-02, title: Other, tests: [{ tag: CM-02 }] }
`
const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

// What an attacker names their tests, by hand.
const NAMES = [
  '![x](https://evil.example/p.png)',
  '[click](javascript:alert(1))',
  '<img src=x onerror=alert(1)>',
  '# heading',
  '| col | x |',
  'a` ![i](https://evil.example/q.png) `b',
  'see https://evil.example/autolink and www.evil.example now',
  '<https://evil.example/angle>',
  '**bold** _em_ ~~gone~~ $\\href{https://evil.example}{math}$ @octocat :shipit:',
  '[ref]: https://evil.example/ref'
]
const CLASSNAME = '[cls](https://evil.example/cls)'
const SUITE = '<script>alert(1)</script> | suite'
const MESSAGE = '![msg](https://evil.example/m.png) <a href="https://evil.example/a">x</a> | cut'
const FILE = 'src/![f](https://evil.example/f.png)|x.ts'

const REPORT = [
  `<testsuite name="${xml(SUITE)}">`,
  '<properties><property name="control" value="CM-01"/></properties>',
  ...NAMES.map((n) => `<testcase classname="${xml(CLASSNAME)}" name="${xml(n)}" file="${xml(FILE)}" line="7"><failure message="${xml(MESSAGE)}"/></testcase>`),
  '</testsuite>',
  '<testsuite name="other"><testcase name="fine [CM-02]"/></testsuite>'
].join('\n')
const WRAPPED = `<testsuites>\n${REPORT}\n</testsuites>\n`

function render(markdown: string): string {
  return micromark(markdown, { allowDangerousHtml: true, allowDangerousProtocol: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] })
}

/** What the page shows as text (tags dropped, entities read). */
function shownText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

/** No element but the ones sox-gate writes: `headings` of its own, no image, link or raw HTML of the attacker's; every table row whole. */
function expectInert(markdown: string, headings: number): void {
  const html = render(markdown)
  expect(html).not.toMatch(/<img/i)
  expect(html).not.toContain('evil.example"')
  // The only links are the gate's own (the run's URL in the action's evidence note).
  for (const [, href] of html.matchAll(/<a\s+href="([^"]*)"/gi)) expect(href).toMatch(/^https:\/\/github\.com\/acme\/ledger\/actions\/runs\//)
  expect(html).not.toMatch(/<script/i)
  expect(html).not.toMatch(/<del>|<strong>bold|<em>em/i)
  expect(html.match(/<h[1-6]/g) ?? []).toHaveLength(headings)
  // Every row of the control table has its four cells: no `|` of the attacker's split one.
  const rows = html.match(/<tr>[\s\S]*?<\/tr>/g) ?? []
  expect(rows.length).toBeGreaterThan(0)
  for (const row of rows) expect((row.match(/<t[hd][ >]/g) ?? []).length).toBe(4)
  // And what they wrote is still there to read, as text.
  const text = shownText(html)
  for (const s of ['![x](https://evil.example/p.png)', '<img src=x onerror=alert(1)>', '# heading', '[click](javascript:alert(1))', 'www.evil.example']) expect(text).toContain(s)
  // GitHub's own extras micromark does not know (math, mentions): their characters arrive escaped.
  expect(markdown).toContain('\\$\\\\href{https\\://evil.example}{math}\\$ \\@octocat :shipit:')
}

describe('test-derived text renders as text on every Markdown surface', () => {
  test('the job summary kept in the bundle (summary.md, the same text as the job summary)', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': WRAPPED })
    const r = runCli(['check', '--now', '2026-11-22T12:00:00Z', '--evidence', 'ev'], dir)
    expect(r.code).toBe(1)
    // Our own headings: the title (h2) and "Failing tests" (h3).
    expectInert(readFileSync(path.join(dir, 'ev/summary.md'), 'utf8'), 2)
  })

  test('the action: job summary, check run summary and check run text', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': WRAPPED })
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false' })
    expect(r.code).toBe(1)
    expectInert(r.summary, 2)
    const output = r.server.checkRuns[0]?.body.output as { summary: string; text: string }
    expectInert(output.summary, 2)
    // The text has one heading of ours per control (`### CM-01 — FAIL`: CM-01, SOX-GATE-INTEGRITY, CM-02) and no table.
    const textHtml = render(output.text)
    expect(textHtml).not.toMatch(/<img|<a\s|<script|<table/i)
    expect(textHtml).not.toContain('evil.example"')
    expect(textHtml.match(/<h[1-6]/g) ?? []).toHaveLength(3)
    expect(shownText(textHtml)).toContain('![x](https://evil.example/p.png)')
  })

  test('a configuration error naming a file the change named: the summary line stays one code span', async () => {
    // A file name holds no `/`: the image points at a relative path, which GitHub would still load.
    const evil = 'reports/a`![e](evil.png)`.xml'
    const dir = workspace({ '.github/sox-controls.yml': MAP, [evil]: '' })
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false' })
    expect(r.code).toBe(2)
    const html = render(r.summary)
    expect(html).not.toMatch(/<img|<a\s/i)
    expect(shownText(html)).toContain("reports/a'![e](evil.png)'.xml empty report (0 bytes)")
  })
})
