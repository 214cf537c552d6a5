import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ROOT } from './helpers/corpus.js'
import { CHROMIUM, describeWhen, NO_CHROMIUM } from './helpers/prerequisites.js'
import { runCli, workspace } from './helpers/run.js'

/** Named so a skipped run says why (helpers/skip-reporter.mjs lists it at the end). */
const describeBrowser = describeWhen(NO_CHROMIUM)

function chromium(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const profile = mkdtempSync(path.join(tmpdir(), 'sox-chromium-'))
  // Flags that keep Chromium off the network (this machine has none) and out of sandbox/GPU trouble as root.
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`]
  const r = spawnSync(CHROMIUM as string, [...flags, ...args], { encoding: 'utf8', timeout: 60_000 })
  return { stdout: r.stdout, stderr: r.stderr, status: r.status }
}

describeBrowser(`report.html in a real browser (${CHROMIUM ?? 'chromium not installed: apt-get install chromium'})`, () => {
  const ev = path.join(workspace({}), 'ev')
  beforeAll(() => {
    const r = runCli(['check', '--controls', 'examples/sox-controls.yml', '--change', 'examples/change.json', '--now', '2026-11-22T12:00:00Z', '--evidence', ev], ROOT)
    expect(r.code).toBe(0)
  })

  test('the rendered DOM holds the decision, every control, the authors and approvers, and the input hashes', () => {
    const r = chromium(['--dump-dom', `file://${path.join(ev, 'report.html')}`])
    expect(r.status).toBe(0)
    const dom = r.stdout
    expect(dom).toMatch(/<span id="decision" class="decision allow">ALLOW<\/span>/)
    // The example's change record names the map that judged it: SOX-GATE-INTEGRITY is a row too.
    expect(dom).toContain('ALLOW: 5 of 5 controls passed, 0 failed, 0 waived')
    // Every control passes, so the rows keep the map's order, SOX-GATE-INTEGRITY first; every key control is marked.
    expect([...dom.matchAll(/<tr data-control="([^"]+)"( data-key="true")?>/g)].map((m) => `${m[1]}${m[2] ? ' (key)' : ''}`)).toEqual(['SOX-GATE-INTEGRITY (key)', 'CM-01 (key)', 'CM-03 (key)', 'CM-04', 'CM-02 (key)'])
    expect(dom).toContain('<p id="trust">Judged by the trusted control map (base 2b9e4a7 of pull request #1287;')
    // From examples/change.json: alice opened and wrote it, bo co-authored the head commit, carol approved the head.
    expect(dom).toMatch(/<table id="authors">.*<td>alice<\/td><td>PR author, author of 8e7d6c5, committer of 8e7d6c5, author of 4f1d2c3<\/td>.*<td>bo<\/td><td>co-author of 4f1d2c3<\/td>/s)
    expect(dom).toMatch(/<table id="approvals">.*<td>bo<\/td><td>APPROVED<\/td>.*<td>carol<\/td><td>APPROVED<\/td><td><code>4f1d2c3b5a69788796a5b4c3d2e1f00112233445<\/code>/s)
    // Each review says whether it counted, and why not.
    expect(dom).toContain('<td class="fail">does not count: bo is an author of the change (co-author of 4f1d2c3)</td>')
    expect(dom).toContain('<td class="pass">counts: an independent approval of the head</td>')
    const mapHash = createHash('sha256').update(readFileSync(path.join(ROOT, 'examples/sox-controls.yml'))).digest('hex')
    expect(dom).toContain(`<code>${mapHash}</code>`)
    // Self-contained: nothing to fetch.
    expect(readFileSync(path.join(ev, 'report.html'), 'utf8')).not.toMatch(/<(script|link|img)\b|https?:\/\/(?!github\.com\/acme)/i)
  })

  test('it renders to a page-sized screenshot', () => {
    const png = path.join(path.dirname(ev), 'report.png')
    const r = chromium(['--window-size=1280,1600', `--screenshot=${png}`, `file://${path.join(ev, 'report.html')}`])
    expect(r.status).toBe(0)
    const bytes = readFileSync(png)
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(bytes.readUInt32BE(16)).toBe(1280)
    expect(statSync(png).size).toBeGreaterThan(20_000)
  })
})

describeBrowser('report.html of a blocked change, in a real browser: the failing tests, folded per control', () => {
  // CM-01 fails with 3 tests (one with its source place), CM-03 with 120 (folded: more than 100); CM-04 passes.
  const map = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Journal entries balance, key: true, tests: [{ tag: CM-01 }] }
  - { id: CM-03, title: Period close locks, tests: [{ suite: "close.*" }] }
  - { id: CM-04, title: Access reviews, tests: [{ tag: CM-04 }] }
`
  const few = [
    '<testcase classname="ledger.PostingTest" name="balances [CM-01]" file="src/main/java/Posting.java" line="42"><failure message="expected 100.00 but was 99.99"/></testcase>',
    '<testcase classname="ledger.PostingTest" name="rejects a one-sided entry [CM-01]" file="src/main/java/Posting.java" line="77"><failure message="expected IllegalArgumentException to be thrown, but nothing was thrown"/></testcase>',
    `<testcase classname="ledger.FxTest" name="converts EUR to USD at the booking date rate [CM-01]"><error message="java.lang.NullPointerException: Cannot invoke &quot;java.math.BigDecimal.multiply(java.math.BigDecimal)&quot; because the return value of &quot;ledger.fx.RateTable.rateOn(java.time.LocalDate)&quot; is null ${'and more detail '.repeat(12)}"/></testcase>`,
    '<testcase classname="ledger.PostingTest" name="posts [CM-01]"/>'
  ]
  const close = Array.from({ length: 120 }, (_, i) => `<testcase classname="close.PeriodTest" name="locks period ${i}"><failure message="period 2026-${String((i % 12) + 1).padStart(2, '0')} still open"/></testcase>`)
  const report = `<testsuites>\n<testsuite name="posting">\n${few.join('\n')}\n</testsuite>\n<testsuite name="close.PeriodTest">\n${close.join('\n')}\n</testsuite>\n<testsuite name="access"><testcase name="quarterly review signed [CM-04]"/></testsuite>\n</testsuites>\n`
  const dir = workspace({ 'm.yml': map, 'reports/r.xml': report })
  const html = path.join(dir, 'ev/report.html')
  beforeAll(() => {
    expect(runCli(['check', '--controls', 'm.yml', '--now', '2026-11-22T12:00:00Z', '--evidence', 'ev'], dir).code).toBe(1)
  })

  test('the DOM lists every failing test once, CM-01 open and CM-03 folded, with the message and place of each', () => {
    const r = chromium(['--dump-dom', `file://${html}`])
    expect(r.status).toBe(0)
    const dom = r.stdout
    expect(dom.match(/<tr data-failure="CM-01">/g)).toHaveLength(3)
    expect(dom.match(/<tr data-failure="CM-03">/g)).toHaveLength(120)
    expect(dom).toContain('<details class="failures" id="failures-CM-01" open=""><summary>CM-01 Journal entries balance: 3 failing tests</summary>')
    expect(dom).toContain('<details class="failures" id="failures-CM-03"><summary>CM-03 Period close locks: 120 failing tests</summary>')
    expect(dom).toContain('<td class="message">expected 100.00 but was 99.99</td><td><code>src/main/java/Posting.java:42</code></td><td><code>reports/r.xml:3</code></td>')
  })

  test('a screenshot shows the open list (in the test output folder: report-failures.png)', () => {
    const png = path.join(dir, 'report-failures.png')
    const r = chromium(['--window-size=1280,1500', `--screenshot=${png}`, `file://${html}`])
    expect(r.status).toBe(0)
    const bytes = readFileSync(png)
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(bytes.readUInt32BE(16)).toBe(1280)
    expect(statSync(png).size).toBeGreaterThan(20_000)
    console.log(`report.html screenshot: ${png}`)
  })
})

describe('report.html says what is true (issue 14)', () => {
  const example = (): string => {
    const ev = path.join(workspace({}), 'ev')
    expect(runCli(['check', '--controls', 'examples/sox-controls.yml', '--change', 'examples/change.json', '--now', '2026-11-22T12:00:00Z', '--evidence', ev], ROOT).code).toBe(0)
    return readFileSync(path.join(ev, 'report.html'), 'utf8')
  }

  test('no change record on a map with an approval control: it says the approval control fails for want of one, never that the map has none', () => {
    const map = 'version: 1\nsystem: s\nreports: ["r.xml"]\ncontrols:\n  - { id: CM-01, title: One, tests: [{ tag: CM-01 }] }\n  - { id: CM-02, title: Approved, approval: {} }\n'
    const dir = workspace({ 'm.yml': map, 'r.xml': '<testsuite name="s"><testcase name="a [CM-01]"/></testsuite>' })
    expect(runCli(['check', '--controls', 'm.yml', '--evidence', 'ev'], dir).code).toBe(1)
    const html = readFileSync(path.join(dir, 'ev/report.html'), 'utf8')
    expect(html).toContain('<p id="no-change">No change record was read (a run outside GitHub, and no <code>--change</code>): the approval control CM-02 fails for want of one.</p>')
    expect(html).not.toContain('has no approval control')
  })

  test('the mode, the totals with the unmapped tests, the tests that proved each passing control, and links to the pull request and its commits', () => {
    const html = example()
    expect(html).toContain('<p id="mode">Mode: <strong>enforce</strong> — a block fails the step and the required check.</p>')
    // examples/reports: 11 cases, 1 skipped (web: handles a SEPA batch), 2 selected by no control.
    expect(html).toContain('<p id="totals">3 reports, 11 test cases (10 passed, 0 failed, 0 errors, 1 skipped), 2 not mapped to any control: they ran, but prove nothing here.</p>')
    expect(html).toContain('<details class="tests"><summary>The tests that proved it (3: 3/3 passed)</summary><ul><li><code>com.example.ledger.posting.PostingServiceTest › Ledger posting in EUR balances</code></li><li><code>com.example.ledger.posting.PostingServiceTest › postsBalancedEntry [CM-01]</code></li><li><code>com.example.ledger.posting.PostingServiceTest › rejectsUnbalancedEntry</code></li></ul></details>')
    expect(html).toContain('<summary>The tests that proved it (3: 2/3 passed, 1 skipped)</summary>')
    expect(html).toContain('Pull request <a href="https://github.com/acme/ledger-service/pull/1287">#1287</a>')
    expect((html.match(/<a /g) ?? []).length).toBeGreaterThan(0)
  })

  test('with the run known (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID): the run, the commits and the reviewers are links', () => {
    const ev = path.join(workspace({}), 'ev')
    const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/ledger-service', GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '2', GITHUB_EVENT_NAME: 'pull_request', GITHUB_SHA: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432' }
    expect(runCli(['check', '--controls', 'examples/sox-controls.yml', '--change', 'examples/change.json', '--now', '2026-11-22T12:00:00Z', '--evidence', ev], ROOT, env).code).toBe(0)
    const html = readFileSync(path.join(ev, 'report.html'), 'utf8')
    expect(html).toContain('<dt>Run</dt><dd><a href="https://github.com/acme/ledger-service/actions/runs/77/attempts/2">77 (attempt 2)</a></dd>')
    expect(html).toContain('<a href="https://github.com/acme/ledger-service/commit/4f1d2c3b5a69788796a5b4c3d2e1f00112233445">4f1d2c3</a>')
    expect(html).toContain('<a href="https://github.com/carol">carol</a>')
    // What the page links to is re-rendered by verify from the manifest: the bundle stays intact.
    expect(runCli(['verify', ev], ROOT).code).toBe(0)
  })
})

describeBrowser('report.html reads as the job summary does (issue 24): what blocks first, every key control marked, every input listed, one name', () => {
  // In map order a passing key control and a passing plain one come first, the failing ones last:
  // the page must open on CM-03 and CM-05, as summary.md does. A hand-written change record (no
  // trust facts), with the workflow artifact its reports came from, is an input like the others.
  const map = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Journal entries balance, key: true, tests: [{ tag: CM-01 }] }
  - { id: CM-04, title: Access reviews, tests: [{ tag: CM-04 }] }
  - { id: CM-03, title: Period close locks, key: true, tests: [{ tag: CM-03 }] }
  - { id: CM-05, title: Payment files reconcile, tests: [{ tag: CM-05 }] }
`
  const report = `<testsuite name="s">
<testcase name="balances [CM-01]"/>
<testcase name="review signed [CM-04]"/>
<testcase name="locks [CM-03]"><failure message="period still open"/></testcase>
<testcase name="reconciles [CM-05]"><failure message="one line unmatched"/></testcase>
</testsuite>
`
  const sha = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
  const zipSha = 'ab'.repeat(32)
  const change = {
    version: 2,
    repository: 'acme/ledger-service',
    sha,
    event: 'pull_request',
    pullRequest: { number: 42, author: { login: 'alice', type: 'User' }, headSha: sha },
    commits: [{ sha, author: { email: 'alice@acme.example', account: { login: 'alice', type: 'User' } }, committer: { email: 'alice@acme.example', account: { login: 'alice', type: 'User' } }, coAuthors: [] }],
    commitsComplete: true,
    reviews: [],
    problems: [],
    reportArtifacts: { repository: 'acme/ledger-service', runId: 77, otherRun: false, patterns: ['junit-*'], min: 1, artifacts: [{ id: 901, name: 'junit-linux', size: 4242, digest: `sha256:${zipSha}`, downloadedSha256: zipSha, path: '.sox-gate/artifacts/junit-linux', files: 1 }] }
  }
  const dir = workspace({ 'm.yml': map, 'base.yml': map.replace('Access reviews', 'Access reviews (the base)'), 'reports/r.xml': report, 'change.json': JSON.stringify(change) })
  const ev = path.join(dir, 'ev')
  let dom = ''
  beforeAll(() => {
    const r = runCli(['check', '--controls', 'm.yml', '--change', 'change.json', '--mode', 'report-only', '--now', '2026-11-22T12:00:00Z', '--evidence', 'ev'], dir)
    expect(r.code).toBe(0)
    const shown = chromium(['--dump-dom', `file://${path.join(ev, 'report.html')}`])
    expect(shown.status).toBe(0)
    dom = shown.stdout
  })

  test('failing controls first, then the passing ones, each group in map order: the order of summary.md, and the failing tests in that order too', () => {
    const rows = [...dom.matchAll(/<tr data-control="([^"]+)"/g)].map((m) => m[1])
    expect(rows).toEqual(['CM-03', 'CM-05', 'SOX-GATE-INTEGRITY', 'CM-01', 'CM-04'])
    const summary = readFileSync(path.join(ev, 'summary.md'), 'utf8')
    expect([...summary.matchAll(/^\| (?:🔑 )?\*\*([^*]+)\*\*/gm)].map((m) => m[1])).toEqual(rows)
    expect([...dom.matchAll(/<details class="failures" id="failures-([^"]+)"/g)].map((m) => m[1])).toEqual(['CM-03', 'CM-05'])
    expect(dom).toContain('Failing controls first, then waived, then passing, each group in the control map\'s order, as in the job summary;')
  })

  test('the key marks are the summary\'s: SOX-GATE-INTEGRITY, CM-01 and CM-03, each with a drawn key titled "key control"', () => {
    const summary = readFileSync(path.join(ev, 'summary.md'), 'utf8')
    const summaryKeys = [...summary.matchAll(/^\| 🔑 \*\*([^*]+)\*\*/gm)].map((m) => m[1])
    const pageKeys = [...dom.matchAll(/<tr data-control="([^"]+)" data-key="true"><td><svg class="key"[^>]*aria-label="key control"><title>key control<\/title>/g)].map((m) => m[1])
    expect(pageKeys).toEqual(['CM-03', 'SOX-GATE-INTEGRITY', 'CM-01'])
    expect(pageKeys).toEqual(summaryKeys)
    expect(dom).toContain("<small>key control · built in: the gate's own integrity</small>")
  })

  test('every input with its hash: the map, change.json (the sha256 of the kept file), the report artifact, the report', () => {
    const table = /<table id="inputs">.*?<\/table>/s.exec(dom)?.[0] ?? ''
    const rows = [...table.matchAll(/<tr><td>(.*?)(?:<br><small>kept as .*?<\/small>)?<\/td><td>(.*?)<\/td><td>(\d+)<\/td><td>.*?<\/td><td><code>([0-9a-f]{64})<\/code><\/td><\/tr>/g)].map((m) => [m[1], m[2], Number(m[3]), m[4]])
    const kept = (rel: string): [number, string] => {
      const bytes = readFileSync(path.join(ev, rel))
      return [bytes.length, createHash('sha256').update(bytes).digest('hex')]
    }
    expect(rows).toEqual([
      ['m.yml', 'control map', ...kept('inputs/control-map.yml')],
      ['change.json', 'change record (version 2)', ...kept('change.json')],
      ['junit-linux (artifact 901)', 'report artifact of workflow run 77, unpacked to .sox-gate/artifacts/junit-linux', 4242, zipSha],
      ['reports/r.xml', 'report (junit)', Buffer.byteLength(report), createHash('sha256').update(report).digest('hex')]
    ])
  })

  test('with a trusted map besides the proposed one, both are listed, saying which judged', () => {
    const r = runCli(['check', '--controls', 'm.yml', '--base-controls', 'base.yml', '--now', '2026-11-22T12:00:00Z', '--evidence', 'ev2'], dir)
    expect(r.code).toBe(1)
    const html = readFileSync(path.join(dir, 'ev2/report.html'), 'utf8')
    expect(html).toMatch(/<tr><td>base\.yml<br><small>kept as <code>inputs\/trusted-control-map\.yml<\/code><\/small><\/td><td>trusted control map: it judged<\/td>/)
    expect(html).toMatch(/<tr><td>m\.yml<br><small>kept as <code>inputs\/control-map\.yml<\/code><\/small><\/td><td>proposed control map \(the change&#39;s\)<\/td>/)
    expect(runCli(['verify', 'ev2'], dir).code).toBe(0)
  })

  test('one product name on every title and heading: report.html, summary.md and OSCAL say "SOX compliance gate"', () => {
    expect(dom).toContain('<title>SOX compliance gate — ledger-service — BLOCK</title>')
    expect(dom).toContain('<h1>SOX compliance gate — ledger-service</h1>')
    expect(readFileSync(path.join(ev, 'summary.md'), 'utf8').split('\n')[0]).toBe('## ⛔ SOX compliance gate — ledger-service')
    const oscal = JSON.parse(readFileSync(path.join(ev, 'oscal/assessment-results.json'), 'utf8'))
    expect(oscal['assessment-results'].results[0].title).toBe('SOX compliance gate: BLOCK')
    for (const f of ['report.html', 'summary.md', 'oscal/assessment-results.json', 'decision.json']) expect(readFileSync(path.join(ev, f), 'utf8')).not.toMatch(/change-management gate/i)
  })

  test('report-only is said under the decision, in a box, with what it did: recorded, not failed', () => {
    expect(dom).toContain('<p id="mode" class="not-enforced">Mode: report-only, not enforced: the decision is BLOCK and is recorded, but it fails neither the step nor the command (exit 0); a check run concludes neutral.</p>')
    expect(runCli(['verify', 'ev'], dir).code).toBe(0)
  })

  test('a screenshot opens on the failing controls (report-issue24.png in the test output folder)', () => {
    const png = path.join(dir, 'report-issue24.png')
    const r = chromium(['--window-size=1280,1100', `--screenshot=${png}`, `file://${path.join(ev, 'report.html')}`])
    expect(r.status).toBe(0)
    expect(readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG')
    console.log(`report.html screenshot: ${png}`)
  })
})
