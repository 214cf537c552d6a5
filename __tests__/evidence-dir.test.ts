import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runCli, workspace } from './helpers/run.js'

const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ tag: CM-01 }] }
`
const REPORT = `<testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>
`
const NOW = '2026-11-22T12:00:00Z'
const check = (dir: string, evidence: string): ReturnType<typeof runCli> => runCli(['check', '--now', NOW, '--evidence', evidence], dir)
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

describe('preparing evidence-dir deletes only what an earlier bundle wrote (SPEC §11)', () => {
  test("a user's files beside and inside an old bundle survive the next run", () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': REPORT })
    expect(check(dir, 'ev').code).toBe(0)
    writeFileSync(path.join(dir, 'ev/notes.txt'), 'mine')
    writeFileSync(path.join(dir, 'ev/inputs/reports/keep.xml'), 'mine too')
    expect(check(dir, 'ev').code).toBe(0)
    expect(readFileSync(path.join(dir, 'ev/notes.txt'), 'utf8')).toBe('mine')
    expect(readFileSync(path.join(dir, 'ev/inputs/reports/keep.xml'), 'utf8')).toBe('mine too')
    expect(existsSync(path.join(dir, 'ev/inputs/reports/001-r.xml'))).toBe(true)
  })

  test('evidence-dir "." leaves the workspace as it was, run after run', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': REPORT, 'src/app.ts': 'export {}\n', 'README.md': '# app\n' })
    expect(check(dir, '.').code).toBe(0)
    const first = readFileSync(path.join(dir, 'manifest.json'), 'utf8')
    expect(check(dir, '.').code).toBe(0)
    expect(readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe(first)
    expect(readFileSync(path.join(dir, 'src/app.ts'), 'utf8')).toBe('export {}\n')
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe('# app\n')
    expect(readFileSync(path.join(dir, 'reports/r.xml'), 'utf8')).toBe(REPORT)
    expect(readFileSync(path.join(dir, '.github/sox-controls.yml'), 'utf8')).toBe(MAP)
  })

  test('a listed file changed since the earlier bundle is refused, not deleted', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': REPORT })
    expect(check(dir, 'ev').code).toBe(0)
    writeFileSync(path.join(dir, 'ev/summary.md'), 'edited by hand')
    const r = check(dir, 'ev')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('summary.md was changed since the earlier bundle wrote it: not deleted')
    expect(readFileSync(path.join(dir, 'ev/summary.md'), 'utf8')).toBe('edited by hand')
  })

  test('a manifest listing a path outside the directory deletes nothing', () => {
    const outside = 'a file outside the evidence directory\n'
    const manifest = JSON.stringify({ tool: { name: 'sox-gate' }, files: [{ path: '../victim.txt', sha256: sha256(outside), size: outside.length }] })
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': REPORT, 'victim.txt': outside, 'ev/manifest.json': manifest })
    const r = check(dir, 'ev')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('the earlier manifest lists "../victim.txt", which is not a path inside the evidence directory')
    expect(readFileSync(path.join(dir, 'victim.txt'), 'utf8')).toBe(outside)
    expect(readFileSync(path.join(dir, 'ev/manifest.json'), 'utf8')).toBe(manifest)
  })

  test('a manifest.json that is not a sox-gate manifest is not replaced', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': REPORT, 'ev/manifest.json': '{"name": "my-app"}' })
    const r = check(dir, 'ev')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('manifest.json exists but is not a sox-gate manifest')
    expect(readFileSync(path.join(dir, 'ev/manifest.json'), 'utf8')).toBe('{"name": "my-app"}')
  })
})
