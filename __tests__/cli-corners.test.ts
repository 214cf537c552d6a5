import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { ROOT } from './helpers/corpus.js'
import { runCli, workspace } from './helpers/run.js'

// The CLI corners a newcomer hits (issue 24), through the bundled dist/cli.js as a user runs it.
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

const MAP = `version: 1
system: ledger
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, key: true, tests: [{ tag: CM-01 }] }
  - { id: CM-03, title: Period close locks, tests: [{ tag: CM-03 }] }
`
const PASSING = '<testsuite name="s"><testcase name="balances [CM-01]"/><testcase name="locks [CM-03]"/></testsuite>\n'
const FAILING = '<testsuite name="s"><testcase name="balances [CM-01]"/><testcase name="locks [CM-03]"><failure message="period still open"/></testcase></testsuite>\n'
const NOW = ['--now', '2026-11-22T12:00:00Z']

describe('unknown options: exit 2, one line, nothing run and no usage printed as if it were help', () => {
  const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': PASSING })
  const cases: [string[], string][] = [
    [['-x'], 'sox-gate: unknown option -x (see sox-gate help)'],
    [['--frobnicate'], 'sox-gate: unknown option --frobnicate (see sox-gate help)'],
    [['help', '--frobnicate'], 'sox-gate: unknown option --frobnicate (see sox-gate help)'],
    [['check', '--frobnicate'], 'sox-gate: unknown option --frobnicate (see sox-gate help check)'],
    [['check', '-x'], 'sox-gate: unknown option -x (see sox-gate help check)'],
    [['--frobnicate', 'check'], 'sox-gate: unknown option --frobnicate (see sox-gate help check)'],
    [['validate', '--frobnicate'], 'sox-gate: unknown option --frobnicate (see sox-gate help validate)'],
    [['verify', 'ev', '--frobnicate'], 'sox-gate: unknown option --frobnicate (see sox-gate help verify)'],
    [['ledger', 's3://b/p/o/r', '-x'], 'sox-gate: unknown option -x (see sox-gate help ledger)'],
    [['check', '--help', '--frobnicate'], 'sox-gate: unknown option --frobnicate (see sox-gate help check)'],
    [['--version', '-x'], 'sox-gate: unknown option -x (see sox-gate help)']
  ]
  test.each(cases)('%j', (args, line) => {
    expect(runCli(args, dir)).toEqual({ code: 2, stdout: '', stderr: `${line}\n` })
  })

  test('an option of a command given without one is told where it belongs, not ignored', () => {
    expect(runCli(['--reports', 'reports/*.xml'], dir)).toEqual({ code: 2, stdout: '', stderr: 'sox-gate: --reports is an option of check: give the command first, as in sox-gate check --reports … (see sox-gate help)\n' })
  })

  test('with no argument at all it is help: the usage, exit 0', () => {
    const r = runCli([], dir)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^usage:\n {2}sox-gate check /)
  })
})

describe('-v, -V and --version print the version', () => {
  test.each([['-v'], ['-V'], ['--version'], ['--version', '--debug']])('%j', (...args) => {
    expect(runCli(args, workspace({}))).toEqual({ code: 0, stdout: `sox-gate ${VERSION}\n`, stderr: '' })
  })

  test('with a command, --version (or -v) is refused rather than ignored: `check -v` never checks quietly, nor exits 0 without checking', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': FAILING })
    for (const flag of ['-v', '--version', '-V']) {
      expect(runCli(['check', flag], dir)).toEqual({ code: 2, stdout: '', stderr: 'sox-gate: --version goes alone, without a command: sox-gate --version (see sox-gate help check)\n' })
    }
  })
})

describe('--mode report-only is said on every surface: text, --format json, decision.json', () => {
  test('a block: the line under the headline says it is not enforced, exit 0; JSON and decision.json say report-only', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': FAILING })
    const text = runCli(['check', ...NOW, '--mode', 'report-only', '--evidence', 'ev'], dir)
    expect(text.code).toBe(0)
    expect(text.stdout.split('\n').slice(0, 2)).toEqual([
      'sox-gate ledger: BLOCK: 2 of 3 controls passed, 1 failed, 0 waived',
      '  report-only, not enforced: the decision is BLOCK and is recorded, but it fails neither the step nor the command (exit 0); a check run concludes neutral'
    ])
    const json = runCli(['check', ...NOW, '--mode', 'report-only', '--format', 'json'], dir)
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ decision: 'block', mode: 'report-only' })
    expect(JSON.parse(readFileSync(path.join(dir, 'ev/decision.json'), 'utf8'))).toMatchObject({ decision: 'block', mode: 'report-only' })
    expect(runCli(['verify', 'ev'], dir).code).toBe(0)
  })

  test('an allow in report-only says what a block would have done; enforce prints no mode line, and JSON says enforce', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': PASSING })
    const text = runCli(['check', ...NOW, '--mode', 'report-only'], dir)
    expect(text.code).toBe(0)
    expect(text.stdout.split('\n')[1]).toBe('  report-only, not enforced: a block would have failed neither the step nor the command')
    const enforced = runCli(['check', ...NOW], dir)
    expect(enforced.stdout).not.toContain('report-only')
    expect(JSON.parse(runCli(['check', ...NOW, '--format', 'json'], dir).stdout).mode).toBe('enforce')
  })

  test('SOX-GATE-INTEGRITY failing: report-only does not apply, exit 1, and the line says why', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'base.yml': MAP.replace('key: true, ', ''), 'reports/r.xml': PASSING })
    const r = runCli(['check', ...NOW, '--base-controls', 'base.yml', '--mode', 'report-only'], dir)
    expect(r.code).toBe(1)
    expect(r.stdout.split('\n')[1]).toBe('  report-only does not apply: SOX-GATE-INTEGRITY failed, so this block fails the step and the command (exit 1), and a check run concludes failure — the mode itself may come from the change')
  })
})

describe('SOX-GATE-INTEGRITY: a row of every run, on every surface', () => {
  const surfaces = (dir: string, args: string[]): Record<string, string[]> => {
    const text = runCli(['check', ...NOW, ...args, '--evidence', 'ev'], dir).stdout
    const json = JSON.parse(runCli(['check', ...NOW, ...args, '--format', 'json'], dir).stdout) as { controls: { id: string }[]; counts: { controls: number } }
    const file = (rel: string): string => readFileSync(path.join(dir, 'ev', rel), 'utf8')
    const oscal = JSON.parse(file('oscal/assessment-results.json'))['assessment-results'].results[0]
    return {
      text: [...text.matchAll(/^ {2}(?:PASS|FAIL|WAIVED) +(\S+)/gm)].map((m) => m[1] as string),
      json: json.controls.map((c) => c.id),
      'decision.json': (JSON.parse(file('decision.json')) as { controls: { id: string }[] }).controls.map((c) => c.id),
      'summary.md': [...file('summary.md').matchAll(/^\| (?:🔑 )?\*\*([^*]+)\*\*/gm)].map((m) => m[1] as string),
      'controls.csv': file('controls.csv').split('\r\n').slice(1, -1).map((l) => l.split(',')[0] as string),
      'report.html': [...file('report.html').matchAll(/<tr data-control="([^"]+)"/g)].map((m) => m[1] as string),
      oscal: (oscal.findings as { title: string }[]).map((f) => f.title.split(':')[0] as string),
      'manifest.json': (JSON.parse(file('manifest.json')) as { controls: { id: string }[] }).controls.map((c) => c.id)
    }
  }

  test.each([
    ['one map, no change record (a laptop run)', [] as string[], {}],
    ['a change record written by hand, without trust', ['--change', 'change.json'], {}],
    ['a second map, the same as the first', ['--base-controls', 'base.yml'], {}]
  ])('%s: every surface lists it, and the counts count it', (_, args) => {
    const change = { version: 2, repository: 'acme/ledger', sha: 'a'.repeat(40), event: 'pull_request', pullRequest: { number: 1, author: { login: 'alice', type: 'User' }, headSha: 'a'.repeat(40) }, commits: [], commitsComplete: true, reviews: [], problems: [] }
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'base.yml': MAP, 'reports/r.xml': PASSING, 'change.json': JSON.stringify(change) })
    const all = surfaces(dir, args)
    for (const [surface, ids] of Object.entries(all)) expect({ surface, ids: [...ids].sort() }).toEqual({ surface, ids: ['CM-01', 'CM-03', 'SOX-GATE-INTEGRITY'] })
    const json = JSON.parse(runCli(['check', ...NOW, ...args, '--format', 'json'], dir).stdout)
    expect(json.counts).toEqual({ controls: 3, passed: 3, failed: 0, waived: 0 })
    const integrity = json.controls.find((c: { id: string }) => c.id === 'SOX-GATE-INTEGRITY')
    expect(integrity).toMatchObject({ key: true, status: 'pass' })
    expect(integrity.reasons.map((r: { code: string; effect: string }) => [r.code, r.effect])).toEqual([['trust-as-given', 'info']])
  })

  test('on a laptop run the text says what the passing row rests on: the map trusted as given', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': PASSING })
    const out = runCli(['check', ...NOW], dir).stdout
    expect(out).toMatch(/^ {2}PASS +SOX-GATE-INTEGRITY +Nothing in the change loosens the rules it is judged by +\[—\]\n {9}- no change record was given: the control map given \(\.github\/sox-controls\.yml, sha256 [0-9a-f]{7}\) is trusted as given$/m)
  })
})

describe('what the README and action.yml tell a newcomer is what happens', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const flat = (s: string): string => s.replace(/\s+/g, ' ')

  test('npm start: the README says four controls and five rows, and the start script prints five rows, SOX-GATE-INTEGRITY among them', () => {
    const setup = flat(readme.slice(readme.indexOf('## Set-up: two commands'), readme.indexOf('## Use it in a workflow')))
    expect(setup).toContain('a small ledger service with four controls')
    expect(setup).toContain('`npm start` prints five rows, those four and `SOX-GATE-INTEGRITY`')
    const map = parse(readFileSync(path.join(ROOT, 'examples/sox-controls.yml'), 'utf8')) as { controls: unknown[] }
    expect(map.controls).toHaveLength(4)
    const start = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
    expect(start.startsWith('node dist/cli.js ')).toBe(true)
    const r = runCli(start.replace('node dist/cli.js ', '').split(' '), ROOT)
    expect(r.code).toBe(0)
    const rows = [...r.stdout.matchAll(/^ {2}(PASS|FAIL|WAIVED) +(\S+)/gm)].map((m) => m[2])
    expect(rows).toEqual(['SOX-GATE-INTEGRITY', 'CM-01', 'CM-03', 'CM-04', 'CM-02'])
  })

  test('action.yml says what the docs say: report-only when integrity fails, retention-days 1 to 90, evidence-required with the store', () => {
    const inputs = (parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { description: string }> }).inputs
    const described = (name: string): string => flat(inputs[name]?.description ?? '')
    // docs/github.md, "Making the gate itself trustworthy": the check concludes failure even in report-only mode; the step fails too.
    expect(flat(readFileSync(path.join(ROOT, 'docs/github.md'), 'utf8'))).toContain('concludes `failure` even in `report-only` mode (the mode itself may come from the change; the step fails too)')
    expect(described('mode')).toContain('except when SOX-GATE-INTEGRITY fails: then the check concludes failure and the step fails whatever the mode (the mode itself may come from the change)')
    // docs/action.md, the table of inputs.
    const inputsTable = readFileSync(path.join(ROOT, 'docs/action.md'), 'utf8')
    const row = (name: string): string => flat(new RegExp(`^\\| \`${name}\` \\|[^\\n]*`, 'm').exec(inputsTable)?.[0] ?? '')
    expect(row('retention-days')).toContain('| 1 to 90 |')
    expect(described('retention-days')).toContain('1 to 90')
    expect(row('evidence-required')).toContain('a bundle that cannot be written, uploaded or stored write-once fails the step')
    expect(described('evidence-required')).toContain('A bundle that cannot be written, uploaded or stored write-once (`evidence-store`) fails the step')
  })
})
