import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runActionInPullRequest } from './helpers/gate-run.js'
import { startFakeResults, unzip, type FakeResults } from './helpers/fake-results.js'
import { runCli, workspace } from './helpers/run.js'

/*
 * Issue 22, item 1, from the attacker's side: the change commits symbolic links inside (or
 * above) evidence-dir, hoping the bundle — and the report copy the attacker wrote — lands outside
 * it. Each link is built here by hand; nothing may be written through any of them.
 */

const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ tag: CM-01 }] }
`
const REPORT = '<testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>\n'
const NOW = '2026-11-22T12:00:00Z'
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

/** A folder outside the workspace, where the attacker wants the bundle to land. */
const outside = (): string => mkdtempSync(path.join(tmpdir(), 'sox-gate-outside-'))
const gate = (): string => workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': REPORT })
const check = (dir: string, evidence = 'sox-evidence'): ReturnType<typeof runCli> => runCli(['check', '--now', NOW, '--evidence', evidence], dir)
const LINK_WORDS = 'is a symbolic link'

function expectRefused(r: ReturnType<typeof runCli>, line: string | RegExp): void {
  expect(r.code).toBe(2)
  // One line, no stack trace, no "internal error".
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
  expect(r.stderr).not.toContain('internal error')
  if (typeof line === 'string') expect(r.stderr).toContain(line)
  else expect(r.stderr).toMatch(line)
}

describe('a symbolic link committed in or above evidence-dir is refused, and nothing is written through it', () => {
  test('sox-evidence/oscal -> a folder outside: refused naming the link, the folder stays empty', () => {
    const dir = gate()
    const target = outside()
    mkdirSync(path.join(dir, 'sox-evidence'))
    symlinkSync(target, path.join(dir, 'sox-evidence/oscal'))
    expectRefused(check(dir), `sox-evidence/oscal ${LINK_WORDS} (to ${target})`)
    expect(readdirSync(target)).toEqual([])
    expect(existsSync(path.join(dir, 'sox-evidence/manifest.json'))).toBe(false)
  })

  test('sox-evidence itself -> a folder outside: refused, nothing written there', () => {
    const dir = gate()
    const target = outside()
    symlinkSync(target, path.join(dir, 'sox-evidence'))
    expectRefused(check(dir), `sox-evidence ${LINK_WORDS} (to ${target})`)
    expect(readdirSync(target)).toEqual([])
  })

  test('a link where the report copy goes (dangling, so an O_CREAT would make its target): refused, the target never made', () => {
    const dir = gate()
    const victim = path.join(outside(), 'planted.xml')
    mkdirSync(path.join(dir, 'sox-evidence/inputs/reports'), { recursive: true })
    symlinkSync(victim, path.join(dir, 'sox-evidence/inputs/reports/001-r.xml'))
    expectRefused(check(dir), `sox-evidence/inputs/reports/001-r.xml ${LINK_WORDS}`)
    expect(existsSync(victim)).toBe(false)
  })

  test('sox-evidence/inputs/reports -> outside: refused before any report copy is placed', () => {
    const dir = gate()
    const target = outside()
    mkdirSync(path.join(dir, 'sox-evidence/inputs'), { recursive: true })
    symlinkSync(target, path.join(dir, 'sox-evidence/inputs/reports'))
    expectRefused(check(dir), `sox-evidence/inputs/reports ${LINK_WORDS} (to ${target})`)
    expect(readdirSync(target)).toEqual([])
  })

  test('a link in a folder above evidence-dir inside the workspace (out -> outside, evidence-dir out/ev): refused naming out', () => {
    const dir = gate()
    const target = outside()
    symlinkSync(target, path.join(dir, 'out'))
    expectRefused(check(dir, 'out/ev'), `out ${LINK_WORDS} (to ${target})`)
    expect(readdirSync(target)).toEqual([])
  })

  test('a committed signature link (attestation.sigstore.json -> a file outside) is refused, the file untouched', () => {
    const dir = gate()
    const victim = path.join(outside(), 'victim.txt')
    writeFileSync(victim, 'precious\n')
    mkdirSync(path.join(dir, 'sox-evidence'))
    symlinkSync(victim, path.join(dir, 'sox-evidence/attestation.sigstore.json'))
    expectRefused(check(dir), `sox-evidence/attestation.sigstore.json ${LINK_WORDS}`)
    expect(readFileSync(victim, 'utf8')).toBe('precious\n')
  })

  test('a forged earlier manifest listing a file behind a link: the file behind it is not deleted', () => {
    const dir = gate()
    const target = outside()
    const content = 'the auditor\'s copy\n'
    writeFileSync(path.join(target, 'assessment-results.json'), content)
    const manifest = JSON.stringify({ tool: { name: 'sox-gate' }, files: [{ path: 'oscal/assessment-results.json', sha256: sha256(content), size: content.length }] })
    mkdirSync(path.join(dir, 'sox-evidence'))
    writeFileSync(path.join(dir, 'sox-evidence/manifest.json'), manifest)
    symlinkSync(target, path.join(dir, 'sox-evidence/oscal'))
    expectRefused(check(dir), `sox-evidence/oscal ${LINK_WORDS} (to ${target})`)
    expect(readFileSync(path.join(target, 'assessment-results.json'), 'utf8')).toBe(content)
    expect(readFileSync(path.join(dir, 'sox-evidence/manifest.json'), 'utf8')).toBe(manifest)
  })

  test('a manifest.json that is a link is neither read as the earlier bundle nor replaced', () => {
    const dir = gate()
    const fake = path.join(outside(), 'manifest.json')
    writeFileSync(fake, JSON.stringify({ tool: { name: 'sox-gate' }, files: [] }))
    mkdirSync(path.join(dir, 'sox-evidence'))
    symlinkSync(fake, path.join(dir, 'sox-evidence/manifest.json'))
    expectRefused(check(dir), `sox-evidence/manifest.json ${LINK_WORDS}`)
    expect(JSON.parse(readFileSync(fake, 'utf8'))).toEqual({ tool: { name: 'sox-gate' }, files: [] })
  })

  test('links elsewhere in the workspace, away from the bundle\'s paths, are left alone (evidence-dir "." still works)', () => {
    const dir = gate()
    symlinkSync('reports', path.join(dir, 'reports-link'))
    const r = check(dir, '.')
    expect(r.code).toBe(0)
    expect(existsSync(path.join(dir, 'manifest.json'))).toBe(true)
  })
})

describe('the action refuses the same links (exit 2, one line naming the link, no evidence outputs)', () => {
  let results: FakeResults | undefined
  afterEach(async () => {
    await results?.close()
    results = undefined
  })

  test('sox-evidence/oscal -> outside in a pull request: blocked as a configuration error, nothing outside', async () => {
    const dir = gate()
    const target = outside()
    mkdirSync(path.join(dir, 'sox-evidence'))
    symlinkSync(target, path.join(dir, 'sox-evidence/oscal'))
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false' })
    expect(r.code).toBe(2)
    expect(r.outputs.decision).toBe('block')
    expect(r.outputs['evidence-sha256']).toBeUndefined()
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`could not write the evidence bundle to sox-evidence: sox-evidence/oscal ${LINK_WORDS} (to ${target})`)
    expect(readdirSync(target)).toEqual([])
  })

  test('the upload carries the bundle\'s own files only, never a link the change put beside them', async () => {
    results = await startFakeResults()
    const dir = gate()
    mkdirSync(path.join(dir, 'sox-evidence'))
    const secret = path.join(outside(), 'runner-secret.txt')
    writeFileSync(secret, 'ghs_notforthe_artifact\n')
    symlinkSync(secret, path.join(dir, 'sox-evidence/notes.txt'))
    const r = await runActionInPullRequest(dir, {}, { ACTIONS_RUNTIME_TOKEN: results.token, ACTIONS_RESULTS_URL: `${results.url}/`, GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '777', GITHUB_RUN_ATTEMPT: '2' })
    expect(r.code).toBe(0)
    const zipped = unzip(results.blob())
    const manifest = JSON.parse(readFileSync(path.join(dir, 'sox-evidence/manifest.json'), 'utf8')) as { files: { path: string }[] }
    expect([...zipped.keys()].sort()).toEqual(['manifest.json', ...manifest.files.map((f) => f.path)].sort())
    for (const bytes of zipped.values()) expect(bytes.toString('utf8')).not.toContain('ghs_notforthe_artifact')
  })
})

describe('where folders cannot be held open (macOS, Windows): the same links refused by checked paths', () => {
  const platform = Object.getOwnPropertyDescriptor(process, 'platform') as PropertyDescriptor
  beforeAll(() => Object.defineProperty(process, 'platform', { value: 'darwin' }))
  afterAll(() => Object.defineProperty(process, 'platform', platform))

  test('a link above, at, or in evidence-dir is refused; a clean folder is made and written', async () => {
    const { BundleDir } = await import('../src/evidence/bundle-dir.js')
    const target = outside()
    const ws = workspace({ 'keep.txt': 'x' })
    symlinkSync(target, path.join(ws, 'out'))
    await expect(BundleDir.open(path.join(ws, 'out/ev'), ws)).rejects.toThrow(`out ${LINK_WORDS} (to ${target})`)
    mkdirSync(path.join(ws, 'ev'))
    symlinkSync(target, path.join(ws, 'ev/oscal'))
    const dir = await BundleDir.open(path.join(ws, 'ev'), ws)
    await expect(dir.file('oscal/assessment-results.json')).rejects.toThrow(`ev/oscal ${LINK_WORDS} (to ${target})`)
    const at = (await dir.file('inputs/reports/001-r.xml')) as string
    expect(at).toBe(path.join(ws, 'ev/inputs/reports/001-r.xml'))
    writeFileSync(at, 'ok', { flag: 'wx' })
    dir.close()
    expect(readdirSync(target)).toEqual([])
  })
})
