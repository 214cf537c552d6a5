import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runActionInPullRequest } from './helpers/gate-run.js'
import { runCli, workspace } from './helpers/run.js'

/*
 * Issue 14: every failing test of a failing control reaches a person, with its message and its
 * place, on every surface. Expected values are read off the inputs below by hand.
 */

const MAP = `version: 1
system: ledger
reports: ["reports/*.xml"]
controls:
  - id: CM-01
    title: Posting balances
    tests: [{ tag: CM-01 }]
`
// Line 2 of the report holds the failing case; its own place is Posting.java:42.
const POSTING = `<testsuite name="posting">
<testcase classname="ledger.PostingTest" name="balances [CM-01]" file="src/main/java/Posting.java" line="42"><failure message="expected 100.00 but was 99.99">at Posting.java:42</failure></testcase>
<testcase classname="ledger.PostingTest" name="posts [CM-01]"/>
</testsuite>
`
const NAME = 'posting › ledger.PostingTest › balances [CM-01]'
const MESSAGE = 'expected 100.00 but was 99.99'
const CSV_HEADER = 'control,test,file,line,message,report,report_line,kind'

/** `n` failing cases of CM-01, case i at src/T.java line i+1 failing with "boom i", then one passing case. */
function manyFailing(n: number): string {
  const cases = Array.from({ length: n }, (_, i) => `<testcase classname="T" name="case ${i} [CM-01]" file="src/T.java" line="${i + 1}"><failure message="boom ${i}"/></testcase>`)
  return `<testsuite name="many">\n${cases.join('\n')}\n<testcase classname="T" name="passes [CM-01]"/>\n</testsuite>\n`
}

const read = (dir: string, rel: string): string => readFileSync(path.join(dir, rel), 'utf8')
const csvRows = (csv: string): string[] => csv.split('\r\n').slice(1, -1)

interface Annotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: string
  title: string
  message: string
}
type ActionResult = Awaited<ReturnType<typeof runActionInPullRequest>>

function annotationsOf(r: ActionResult): Annotation[] {
  const run = r.server.checkRuns[0]
  if (!run) throw new Error('no check run was created')
  return [run.body, ...run.updates].flatMap((o) => (o.output as { annotations: Annotation[] }).annotations)
}

/** The requests that wrote the check run: one create, then one update per further 50 annotations. */
function checkRequests(r: ActionResult): string[] {
  return r.server.requests.filter((q) => q.path.startsWith('/repos/acme/ledger/check-runs')).map((q) => q.method)
}

describe('the failing case Posting.java:42 on every surface', () => {
  test('CLI: text names it with its message and place; --format json and the bundle carry it; verify re-renders failures.csv', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': POSTING })
    const text = runCli(['check', '--now', '2026-11-22T12:00:00Z', '--evidence', 'ev'], dir)
    expect(text.code).toBe(1)
    expect(text.stdout).toContain(`         - 1 of 2 matched tests failed: ${NAME}\n           ✗ ${NAME} — ${MESSAGE} — src/main/java/Posting.java:42 (report reports/r.xml:2)\n`)

    const json = runCli(['check', '--now', '2026-11-22T12:00:00Z', '--format', 'json'], dir)
    const decision = JSON.parse(json.stdout) as { controls: { id: string; reasons: { code: string; tests?: unknown[] }[] }[] }
    expect(decision.controls.find((c) => c.id === 'CM-01')?.reasons.find((x) => x.code === 'tests-failed')?.tests).toEqual([{ name: NAME, report: 'reports/r.xml', line: 2, file: 'src/main/java/Posting.java', fileLine: 42, message: MESSAGE }])
    expect(JSON.parse(read(dir, 'ev/decision.json'))).toEqual(decision)

    expect(read(dir, 'ev/failures.csv')).toBe(`${CSV_HEADER}\r\nCM-01,${NAME},src/main/java/Posting.java,42,${MESSAGE},reports/r.xml,2,failed\r\n`)
    // controls.csv names the failing tests of its control too (the first 20), in its last column.
    expect(read(dir, 'ev/controls.csv').split('\r\n').find((l) => l.startsWith('CM-01,'))).toMatch(new RegExp(`^CM-01,Posting balances,.*,fail,,2,1,1,0,0,1 of 2 matched tests failed: ${NAME.replace(/[[\]]/g, '\\$&')},${NAME.replace(/[[\]]/g, '\\$&')} — ${MESSAGE} — src/main/java/Posting\\.java:42$`))
    expect(read(dir, 'ev/summary.md')).toContain(`### Failing tests (1)\n\n**CM-01** Posting balances: 1 failing test\n\n- ❌ \`${NAME}\` — ${MESSAGE} — \`src/main/java/Posting.java:42\` (report \`reports/r.xml:2\`)\n`)
    const html = read(dir, 'ev/report.html')
    expect(html).toContain(`<details class="failures" id="failures-CM-01" open><summary>CM-01 Posting balances: 1 failing test</summary>`)
    expect(html).toContain(`<tr data-failure="CM-01"><td>1</td><td><code>${NAME}</code></td><td class="message">${MESSAGE}</td><td><code>src/main/java/Posting.java:42</code></td><td><code>reports/r.xml:2</code></td></tr>`)
    expect(html).toContain('<a href="#failures-CM-01">1 failing test: each with its message and place, below</a>')
    const manifest = JSON.parse(read(dir, 'ev/manifest.json')) as { files: { path: string }[] }
    expect(manifest.files.map((f) => f.path)).toContain('failures.csv')

    const verified = runCli(['verify', 'ev'], dir)
    expect(verified.stdout).toContain('rendered files: ok (decision.json, summary.md, controls.csv, failures.csv, report.html and OSCAL equal their re-rendering byte for byte)')
    expect(verified.code).toBe(0)
  })

  test('action: the annotation sits at Posting.java:42 with the message, and the job summary lists it', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': POSTING })
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false' })
    expect(r.code).toBe(1)
    expect(r.outputs.decision).toBe('block')
    expect(annotationsOf(r)).toEqual([
      expect.objectContaining({ path: '.github/sox-controls.yml', start_line: 5, title: 'SOX control CM-01 failed' }),
      { path: 'src/main/java/Posting.java', start_line: 42, end_line: 42, annotation_level: 'failure', title: `Test failed (control CM-01): ${NAME}`, message: MESSAGE }
    ])
    expect(r.summary).toContain(`- ❌ \`${NAME}\` — ${MESSAGE} — \`src/main/java/Posting.java:42\` (report \`reports/r.xml:2\`)`)
    expect((r.server.checkRuns[0]?.body.output as { summary: string }).summary).toContain(`— ${MESSAGE} — \`src/main/java/Posting.java:42\``)
    expect(read(dir, 'sox-evidence/failures.csv')).toContain(`CM-01,${NAME},src/main/java/Posting.java,42,${MESSAGE},reports/r.xml,2,failed\r\n`)
  })
})

describe('no list is cut at 10', () => {
  test('130 failing tests: 130 annotations (plus the control) in three requests, 130 rows in failures.csv and report.html, one count everywhere', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': manyFailing(130) })
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false' })
    expect(r.outputs.decision).toBe('block')
    const annotations = annotationsOf(r)
    expect(annotations).toHaveLength(131)
    expect(annotations.filter((a) => a.path === 'src/T.java')).toHaveLength(130)
    // Case 129 is on line 131 of the report (the suite opens on line 1) and on line 130 of src/T.java.
    expect(annotations.at(-1)).toEqual({ path: 'src/T.java', start_line: 130, end_line: 130, annotation_level: 'failure', title: 'Test failed (control CM-01): many › T › case 129 [CM-01]', message: 'boom 129' })
    expect(checkRequests(r)).toEqual(['POST', 'PATCH', 'PATCH'])
    expect(r.server.checkRuns[0]?.updates.map((u) => (u.output as { annotations: unknown[] }).annotations.length)).toEqual([50, 31])

    const rows = csvRows(read(dir, 'sox-evidence/failures.csv'))
    expect(rows).toHaveLength(130)
    expect(rows[129]).toBe('CM-01,many › T › case 129 [CM-01],src/T.java,130,boom 129,reports/r.xml,131,failed')
    const html = read(dir, 'sox-evidence/report.html')
    expect(html.match(/<tr data-failure="CM-01">/g)).toHaveLength(130)
    // More than 100: the list starts folded.
    expect(html).toContain('<details class="failures" id="failures-CM-01"><summary>CM-01 Posting balances: 130 failing tests</summary>')
    // The reason's sentence names 10 and counts the rest; the summary lists all 130.
    // The action's first row is SOX-GATE-INTEGRITY (which map judged the change).
    const decision = JSON.parse(read(dir, 'sox-evidence/decision.json')) as { controls: { id: string; tests: { failed: number }; reasons: { code: string; message: string; tests?: unknown[] }[] }[] }
    const cm01 = decision.controls.find((c) => c.id === 'CM-01')
    const failed = cm01?.reasons.find((x) => x.code === 'tests-failed')
    expect(failed?.message).toMatch(/^130 of 131 matched tests failed: many › T › case 0 \[CM-01\];.*; and 120 more$/)
    expect(failed?.tests).toHaveLength(130)
    expect(cm01?.tests.failed).toBe(130)
    expect(r.summary).toContain('### Failing tests (130)')
    expect(r.summary.match(/^- ❌ /gm)).toHaveLength(130)
    expect(r.summary).not.toContain('more failing test')
  })

  test('1,200 failing tests: 1,000 annotated, one notice saying 200 more and where they are; the decision and every other surface keep all 1,200', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': manyFailing(1200) })
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false' })
    expect(r.code).toBe(1)
    expect(r.outputs.decision).toBe('block')
    const annotations = annotationsOf(r)
    expect(annotations.filter((a) => a.path === 'src/T.java')).toHaveLength(1000)
    expect(annotations.filter((a) => a.annotation_level === 'notice')).toEqual([
      {
        path: '.github/sox-controls.yml',
        start_line: 1,
        end_line: 1,
        annotation_level: 'notice',
        title: '200 more failing tests are not annotated',
        message: '1200 failing tests: 1000 are annotated, 200 more are not (GitHub shows only so many): failures.csv in the evidence bundle lists every one, with its message and place.'
      }
    ])
    // 1 control + 1,000 tests + 1 notice = 1,002 annotations: a create and 20 updates of at most 50.
    expect(annotations).toHaveLength(1002)
    expect(checkRequests(r)).toEqual(['POST', ...Array<string>(20).fill('PATCH')])
    expect((r.server.checkRuns[0]?.body.output as { text: string }).text).toMatch(/^1200 failing tests: 1000 are annotated, 200 more are not/)

    expect(csvRows(read(dir, 'sox-evidence/failures.csv'))).toHaveLength(1200)
    expect(read(dir, 'sox-evidence/report.html').match(/<tr data-failure="CM-01">/g)).toHaveLength(1200)
    const decision = JSON.parse(read(dir, 'sox-evidence/decision.json')) as { controls: { id: string; reasons: { code: string; tests?: unknown[] }[] }[] }
    expect(decision.controls.find((c) => c.id === 'CM-01')?.reasons.find((x) => x.code === 'tests-failed')?.tests).toHaveLength(1200)
    // The job summary (1 MiB) holds all of them; the check run's summary (65,535 characters) says where the rest are.
    expect(r.summary.match(/^- ❌ /gm)).toHaveLength(1200)
    const checkSummary = (r.server.checkRuns[0]?.body.output as { summary: string }).summary
    expect(checkSummary.length).toBeLessThanOrEqual(65_535)
    const shown = (checkSummary.match(/^- ❌ /gm) ?? []).length
    expect(shown).toBeGreaterThan(100)
    expect(checkSummary).toContain(`… ${1200 - shown} more failing tests not shown here: see failures.csv in the evidence bundle`)

    // The CLI names 20 and counts the rest.
    const text = runCli(['check', '--controls', '.github/sox-controls.yml'], dir)
    expect(text.stdout.match(/^ {11}✗ /gm)).toHaveLength(20)
    expect(text.stdout).toContain('           … and 1180 more (failures.csv in the evidence bundle and --format json list all 1200)\n')
  }, 60_000)

  test('past 1 MiB the job summary stops at a whole item and counts the rest', () => {
    const long = 'x'.repeat(480)
    const cases = Array.from({ length: 2500 }, (_, i) => `<testcase classname="T" name="case ${i} [CM-01]"><failure message="${long} ${i}"/></testcase>`)
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': `<testsuite name="big">\n${cases.join('\n')}\n</testsuite>\n` })
    expect(runCli(['check', '--now', '2026-11-22T12:00:00Z', '--evidence', 'ev'], dir).code).toBe(1)
    const summary = read(dir, 'ev/summary.md')
    expect(Buffer.byteLength(summary)).toBeLessThan(1024 * 1024)
    const shown = (summary.match(/^- ❌ /gm) ?? []).length
    expect(shown).toBeGreaterThan(1000)
    expect(shown).toBeLessThan(2500)
    expect(summary).toContain(`\n… ${2500 - shown} more failing tests not shown here: see failures.csv in the evidence bundle (every failing test, with its message and place).\n`)
    expect(csvRows(read(dir, 'ev/failures.csv'))).toHaveLength(2500)
  }, 60_000)
})

describe('report.html: the tests that proved a passing control', () => {
  test('listed by name up to 1,000, then counted, with where the rest are', () => {
    const cases = Array.from({ length: 1005 }, (_, i) => `<testcase classname="T" name="case ${String(i).padStart(4, '0')} [CM-01]"/>`)
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': `<testsuite name="ok">\n${cases.join('\n')}\n</testsuite>\n` })
    expect(runCli(['check', '--now', '2026-11-22T12:00:00Z', '--evidence', 'ev'], dir).code).toBe(0)
    const html = read(dir, 'ev/report.html')
    expect(html).toContain('<details class="tests"><summary>The tests that proved it (1005: 1005/1005 passed)</summary><ul><li><code>ok › T › case 0000 [CM-01]</code></li>')
    expect(html.match(/<li><code>ok › T › case \d{4} \[CM-01\]<\/code><\/li>/g)).toHaveLength(1000)
    expect(html).toContain('<li><code>ok › T › case 0999 [CM-01]</code></li><li class="info">… and 5 more: manifest.json lists all 1005 (controls[].matchedTests)</li></ul></details>')
    expect(html).not.toContain('Failing tests')
    expect(read(dir, 'ev/failures.csv')).toBe(`${CSV_HEADER}\r\n`)
  })
})

describe('what a message may hold', () => {
  test('a long message is its first line cut to 500 characters; a secret in it is masked on every surface; a formula is neutralised in failures.csv', async () => {
    // CTRF gives the message whole (JUnit's reader already cuts it): the bound is the gate's own.
    const token = 'ghp_' + 'A1b2C3d4E5'.repeat(3) + 'f6G7h8'
    const tests = [
      { name: 'secret [CM-01]', status: 'failed', duration: 1, message: `=HYPERLINK("x") token ${token} from bob@acme.example`, filePath: 'src/s.ts', line: 9 },
      { name: 'long [CM-01]', status: 'failed', duration: 1, message: `${'y'.repeat(800)}\nsecond line`, filePath: 'src/l.ts', line: 3 },
      // GitHub refuses a request whose annotation line is not a positive integer: these go to line 1.
      { name: 'line zero [CM-01]', status: 'failed', duration: 1, message: 'zero', filePath: 'src/z.ts', line: 0 },
      { name: 'line fraction [CM-01]', status: 'failed', duration: 1, message: 'fraction', filePath: 'src/f.ts', line: 2.5 },
      { name: 'ok [CM-01]', status: 'passed', duration: 1 }
    ]
    const ctrf = JSON.stringify({ results: { tool: { name: 'vitest' }, summary: { tests: 5, passed: 1, failed: 4, pending: 0, skipped: 0, other: 0, start: 0, stop: 1 }, tests } }, null, 1)
    const dir = workspace({ '.github/sox-controls.yml': MAP.replace('reports/*.xml', 'reports/*.json'), 'reports/r.json': ctrf })
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false' })
    expect(r.outputs.decision).toBe('block')
    const masked = '=HYPERLINK("x") token [REDACTED-SECRET-GITHUB-TOKEN] from [REDACTED-EMAIL]'
    const cut = `${'y'.repeat(499)}…`

    const rows = csvRows(read(dir, 'sox-evidence/failures.csv'))
    expect(rows[0]).toBe(`CM-01,secret [CM-01],src/s.ts,9,"'=HYPERLINK(""x"") token [REDACTED-SECRET-GITHUB-TOKEN] from [REDACTED-EMAIL]",reports/r.json,${lineOf(ctrf, 'secret [CM-01]')},failed`)
    expect(rows[1]).toBe(`CM-01,long [CM-01],src/l.ts,3,${cut},reports/r.json,${lineOf(ctrf, 'long [CM-01]')},failed`)
    const annotations = annotationsOf(r)
    expect(annotations.find((a) => a.path === 'src/s.ts')?.message).toBe(masked)
    expect(annotations.find((a) => a.path === 'src/l.ts')?.message).toBe(cut)
    expect(annotations.filter((a) => a.path === 'src/z.ts' || a.path === 'src/f.ts').map((a) => [a.path, a.start_line, a.end_line])).toEqual([['src/z.ts', 1, 1], ['src/f.ts', 1, 1]])
    expect(r.stdout).not.toContain('could not publish the check run')
    const surfaces = { stdout: r.stdout, summary: r.summary, checkRun: JSON.stringify(r.server.checkRuns), ...Object.fromEntries(['decision.json', 'summary.md', 'report.html', 'failures.csv', 'controls.csv', 'manifest.json'].map((f) => [f, read(dir, `sox-evidence/${f}`)])) }
    for (const [where, content] of Object.entries(surfaces)) {
      expect({ where, token: content.includes(token.slice(4)), email: content.includes('bob@acme.example'), second: content.includes('second line') }).toEqual({ where, token: false, email: false, second: false })
    }
    expect(read(dir, 'sox-evidence/report.html')).toContain(`<td class="message">=HYPERLINK(&quot;x&quot;) token [REDACTED-SECRET-GITHUB-TOKEN] from [REDACTED-EMAIL]</td>`)
    expect(read(dir, 'sox-evidence/summary.md')).toContain(`— =HYPERLINK("x") token \\[REDACTED-SECRET-GITHUB-TOKEN\\] from \\[REDACTED-EMAIL\\] — \`src/s.ts:9\``)
    expect(runCli(['verify', 'sox-evidence'], dir).code).toBe(0)
  })

  test('a flaky test (failed, then passed on a re-run) is listed with the failure it had, where flaky: fail', () => {
    const map = MAP.replace('tests: [{ tag: CM-01 }]', 'tests: [{ tag: CM-01 }]\n    flaky: fail')
    const report = `<testsuite name="s">
<testcase classname="C" name="retried [CM-01]" file="src/r.ts" line="5"><failure message="timeout after 5s"/></testcase>
<testcase classname="C" name="retried [CM-01]" file="src/r.ts" line="5"/>
</testsuite>
`
    const dir = workspace({ '.github/sox-controls.yml': map, 'reports/r.xml': report })
    const r = runCli(['check', '--now', '2026-11-22T12:00:00Z', '--evidence', 'ev'], dir)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('           ~ s › C › retried [CM-01] (flaky: passed on a re-run) — timeout after 5s — src/r.ts:5 (report reports/r.xml:2)\n')
    expect(csvRows(read(dir, 'ev/failures.csv'))).toEqual(['CM-01,s › C › retried [CM-01],src/r.ts,5,timeout after 5s,reports/r.xml,2,flaky'])
  })

  test('a test two controls select is one annotation naming both, and a row for each control in failures.csv', async () => {
    const map = `${MAP}  - id: CM-02\n    title: Posting audited\n    tests: [{ tag: CM-01 }]\n`
    const dir = workspace({ '.github/sox-controls.yml': map, 'reports/r.xml': POSTING })
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false' })
    const tests = annotationsOf(r).filter((a) => a.path === 'src/main/java/Posting.java')
    expect(tests).toEqual([expect.objectContaining({ start_line: 42, title: `Test failed (control CM-01, CM-02): ${NAME}`, message: MESSAGE })])
    expect(csvRows(read(dir, 'sox-evidence/failures.csv')).map((row) => row.split(',')[0])).toEqual(['CM-01', 'CM-02'])
  })
})

describe('verify and failures.csv', () => {
  function bundle(): string {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': POSTING })
    expect(runCli(['check', '--now', '2026-11-22T12:00:00Z', '--evidence', 'ev'], dir).code).toBe(1)
    return dir
  }

  test('an edited failures.csv is caught (exit 1), as a changed file and as a rendering that differs', () => {
    const dir = bundle()
    const file = path.join(dir, 'ev/failures.csv')
    writeFileSync(file, readFileSync(file, 'utf8').replace(MESSAGE, 'flaky network, ignore'))
    const r = runCli(['verify', 'ev'], dir)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^changed: failures\.csv \(sha256 [0-9a-f]{12}…, recorded [0-9a-f]{12}…\)$/m)
    expect(r.stdout).toContain('rendered failures.csv differs from its re-rendering from the re-performed result and the manifest: line 2:')
  })

  test('a bundle made before failures.csv existed (not in its manifest) still verifies', () => {
    const dir = bundle()
    rmSync(path.join(dir, 'ev/failures.csv'))
    const manifestFile = path.join(dir, 'ev/manifest.json')
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { files: { path: string }[] }
    manifest.files = manifest.files.filter((f) => f.path !== 'failures.csv')
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2))
    const r = runCli(['verify', 'ev'], dir)
    expect(r.stdout).toContain('rendered files: ok (decision.json, summary.md, controls.csv, report.html and OSCAL equal')
    expect(r.code).toBe(0)
  })
})

/** The line (1-based) of the `}` that closes the test object holding `needle`: where the JSON reader records a test. */
function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf('}', text.indexOf(needle))).split('\n').length
}
