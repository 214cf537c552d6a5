import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { runActionInPullRequest } from './helpers/gate-run.js'
import { runCli, workspace } from './helpers/run.js'
import { SECRET_FIXTURES } from './helpers/secret-fixtures.js'

const SECRETS = {
  card: '4111 1111 1111 1111',
  cardInProperty: '5500000000000004',
  ssn: '123-45-6789',
  email: 'jane.doe@bank.example',
  iban: 'DE89 3704 0044 0532 0130 00',
  ghToken: 'ghp_' + 'Z9'.repeat(18),
  aws: 'AKIAIOSFODNN7EXAMPLE',
  bearer: 'Bearer abcdefghijklmnop1234',
  pemBody: 'MIIEowIBAAKCAQEAsecretkeymaterial'
}

const REPORT = `<?xml version="1.0"?>
<testsuite name="payments">
  <testcase name="charges card ${SECRETS.card} [CM-01]">
    <properties><property name="pan" value="${SECRETS.cardInProperty}"/></properties>
    <failure message="ssn ${SECRETS.ssn} for ${SECRETS.email} into ${SECRETS.iban}">stack</failure>
    <system-out>token ${SECRETS.ghToken} and ${SECRETS.aws}; Authorization: ${SECRETS.bearer}
-----BEGIN RSA PRIVATE KEY-----
${SECRETS.pemBody}
-----END RSA PRIVATE KEY-----
</system-out>
  </testcase>
</testsuite>
`
const MAP = `version: 1
system: payments
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Card payments are authorised, tests: [{ tag: CM-01 }] }
`

function expectNoSecret(where: string, text: string): void {
  for (const [kind, value] of Object.entries(SECRETS)) {
    if (text.includes(value)) throw new Error(`${kind} value leaked into ${where}`)
  }
  // Spaced card digits are also caught without their spaces.
  expect(text.includes('4111111111111111')).toBe(false)
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
}

describe('masking reaches every surface', () => {
  test('CLI text, CLI JSON and every file of the bundle; the manifest counts redactions, never values', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': REPORT })
    const text = runCli(['check', '--now', '2026-11-22T12:00:00Z'], dir)
    expect(text.code).toBe(1)
    expectNoSecret('CLI text output', text.stdout + text.stderr)
    expect(text.stdout).toContain('payments › charges card [REDACTED-CARD-1111] [CM-01]')
    const json = runCli(['check', '--now', '2026-11-22T12:00:00Z', '--format', 'json', '--evidence', 'ev'], dir)
    expectNoSecret('CLI JSON output', json.stdout + json.stderr)
    expect(JSON.parse(json.stdout).controls.find((c: { id: string }) => c.id === 'CM-01').reasons[0].tests[0].message).toBe('ssn [REDACTED-SSN] for [REDACTED-EMAIL] into [REDACTED-IBAN]')
    const files = allFiles(path.join(dir, 'ev'))
    // failures.csv (with the masked message) is one of them.
    expect(files.length).toBe(9)
    for (const f of files) expectNoSecret(path.relative(dir, f), readFileSync(f, 'utf8'))
    const manifest = JSON.parse(readFileSync(path.join(dir, 'ev/manifest.json'), 'utf8'))
    expect(manifest.redactions).toEqual({ card: 2, ssn: 1, iban: 1, email: 1, secret: 4, secretKinds: { 'github-token': 1, 'aws-access-key-id': 1, 'bearer-token': 1, 'private-key': 1 } })
    // The raw report is hashed before masking: the hash proves what was read.
    expect(manifest.reports[0].sha256).toBe(createHash('sha256').update(REPORT).digest('hex'))
    // The masked copy still reads, and re-performs to the same result.
    expect(runCli(['verify', 'ev'], dir).code).toBe(0)
  })

  test('the job summary, the check run and the logs of the action', async () => {
    {
      const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': REPORT })
      const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false' })
      const server = r.server
      expect(r.outputs.decision).toBe('block')
      expectNoSecret('the action log', r.stdout + r.stderr)
      expectNoSecret('the job summary', r.summary)
      expect(server.checkRuns).toHaveLength(1)
      expectNoSecret('the check run', JSON.stringify(server.checkRuns[0]?.body))
      expect(JSON.stringify(server.checkRuns[0]?.body)).toContain('[REDACTED-CARD-1111]')
    }
  })
})

describe('masking the kept copy of a JSON report', () => {
  test('strings are masked, numbers left alone (an epoch timestamp passing Luhn stays), the copy is valid JSON and verifies', () => {
    // 1700000000004 passes Luhn (checked independently); as a JSON number it is a timestamp, not a card.
    const ctrf = JSON.stringify({
      results: {
        tool: { name: 'jest' },
        summary: { tests: 1, passed: 0, failed: 1, start: 1700000000004, stop: 1700000000104 },
        tests: [{ name: 'refund to card [CM-01]', status: 'failed', duration: 100, message: 'refund to 4111111111111111 failed\nfor ops@bank.example' }]
      }
    })
    const dir = workspace({ '.github/sox-controls.yml': MAP.replace('reports/*.xml', 'reports/*.json'), 'reports/ctrf.json': ctrf })
    const r = runCli(['check', '--now', '2026-11-22T12:00:00Z', '--evidence', 'ev'], dir)
    expect(r.code).toBe(1)
    const kept = readFileSync(path.join(dir, 'ev/inputs/reports/001-ctrf.json'), 'utf8')
    const parsed = JSON.parse(kept)
    expect(parsed.results.summary.start).toBe(1700000000004)
    expect(parsed.results.tests[0].message).toBe('refund to [REDACTED-CARD-1111] failed\nfor [REDACTED-EMAIL]')
    expect(JSON.parse(readFileSync(path.join(dir, 'ev/manifest.json'), 'utf8')).redactions).toEqual({ card: 1, ssn: 0, iban: 0, email: 1, secret: 0, secretKinds: {} })
    expect(runCli(['verify', 'ev'], dir).code).toBe(0)
  })
})

describe('every kind of secret is masked on every surface (issue 22)', () => {
  // One failing test per kind, its own control, with the fixture line as its name, its message
  // and its output: every surface that names a failing test (all of them) shows each masked.
  const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  const id = (i: number): string => `SEC-${String(i + 1).padStart(2, '0')}`
  const report = `<?xml version="1.0"?>
<testsuite name="secrets">
${SECRET_FIXTURES.map((f, i) => `  <testcase classname="leaks" name="${xml(`${f.line} [${id(i)}]`)}"><failure message="${xml(f.line)}">${xml(f.line)}</failure><system-out>${xml(f.line)}</system-out></testcase>`).join('\n')}
</testsuite>
`
  const map = `version: 1
system: payments
reports: ["reports/*.xml"]
controls:
${SECRET_FIXTURES.map((f, i) => `  - { id: ${id(i)}, title: "No ${f.kind} in the clear", tests: [{ tag: ${id(i)} }] }`).join('\n')}
`
  const mark = (kind: string): string => `[REDACTED-SECRET-${kind.toUpperCase()}]`
  /** Every fixture's value absent and its mark present (as the surface writes it: `escape` for HTML, JSON or Markdown). */
  function expectEveryKindMasked(where: string, text: string, escape: (s: string) => string = (s) => s): void {
    const leaked = SECRET_FIXTURES.filter((f) => text.includes(f.secret) || text.includes(escape(f.secret))).map((f) => f.kind)
    const unmarked = SECRET_FIXTURES.filter((f) => !text.includes(escape(mark(f.kind)))).map((f) => f.kind)
    expect({ where, leaked, unmarked }).toEqual({ where, leaked: [], unmarked: [] })
  }
  const markdown = (s: string): string => s.replace(/([[\]])/g, '\\$1')

  test('CLI: text, JSON, and each file of the bundle; the manifest counts each kind; the bundle verifies', () => {
    const dir = workspace({ '.github/sox-controls.yml': map, 'reports/r.xml': report })
    const text = runCli(['check', '--now', '2026-11-22T12:00:00Z'], dir)
    expect(text.code).toBe(1)
    expectEveryKindMasked('CLI text output', text.stdout + text.stderr)
    const json = runCli(['check', '--now', '2026-11-22T12:00:00Z', '--format', 'json', '--evidence', 'ev'], dir)
    expect(json.code).toBe(1)
    expectEveryKindMasked('CLI JSON output', json.stdout)
    const ev = (rel: string): string => readFileSync(path.join(dir, 'ev', rel), 'utf8')
    expectEveryKindMasked('decision.json', ev('decision.json'))
    expectEveryKindMasked('summary.md', ev('summary.md'), markdown)
    expectEveryKindMasked('report.html', ev('report.html'))
    expectEveryKindMasked('controls.csv', ev('controls.csv'))
    expectEveryKindMasked('failures.csv', ev('failures.csv'))
    expectEveryKindMasked('OSCAL', ev('oscal/assessment-results.json'))
    expectEveryKindMasked('the kept report', ev('inputs/reports/001-r.xml'))
    for (const f of allFiles(path.join(dir, 'ev'))) {
      const content = readFileSync(f, 'utf8')
      const leaked = SECRET_FIXTURES.filter((x) => content.includes(x.secret)).map((x) => x.kind)
      expect({ file: path.relative(dir, f), leaked }).toEqual({ file: path.relative(dir, f), leaked: [] })
    }
    // Each value four times in the report (the name, the message, the failure's text, the output), each its own kind.
    const manifest = JSON.parse(ev('manifest.json'))
    expect(manifest.redactions).toEqual({ card: 0, ssn: 0, iban: 0, email: 0, secret: 4 * SECRET_FIXTURES.length, secretKinds: Object.fromEntries(SECRET_FIXTURES.map((f) => [f.kind, 4])) })
    const verified = runCli(['verify', 'ev'], dir)
    expect(verified.stdout).toContain('intact')
    expect(verified.code).toBe(0)
  })

  test('the action: its log, the job summary and the check run', async () => {
    const dir = workspace({ '.github/sox-controls.yml': map, 'reports/r.xml': report })
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false' })
    expect(r.outputs.decision).toBe('block')
    expectEveryKindMasked('the action log', r.stdout + r.stderr)
    expectEveryKindMasked('the job summary', r.summary, markdown)
    expect(r.server.checkRuns).toHaveLength(1)
    expectEveryKindMasked('the check run', JSON.stringify(r.server.checkRuns[0]?.body), (s) => JSON.stringify(markdown(s)).slice(1, -1))
    for (const f of allFiles(path.join(dir, 'sox-evidence'))) {
      const content = readFileSync(f, 'utf8')
      expect({ file: path.relative(dir, f), leaked: SECRET_FIXTURES.filter((x) => content.includes(x.secret)).map((x) => x.kind) }).toEqual({ file: path.relative(dir, f), leaked: [] })
    }
  })
})
