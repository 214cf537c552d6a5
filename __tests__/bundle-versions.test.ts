import { createHash } from 'node:crypto'
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './helpers/corpus.js'
import { runCli, workspace } from './helpers/run.js'

// Bundles outlive the version that wrote them (issue 24): __fixtures__/bundles-v1 holds bundles
// written before manifestVersion 2 (decision.json without `mode`, report.html in map order, no
// SOX-GATE-INTEGRITY row on a one-map run). verify re-performs and re-renders each as its version
// made it, byte for byte — never by skipping a level, so a downgraded or edited bundle still fails.
const V1 = path.join(ROOT, '__fixtures__/bundles-v1')
const FIXTURES = readdirSync(V1, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort()

/** A copy of a fixture in a fresh folder (verify only reads, but a test never touches the fixtures). */
function copyOf(name: string): string {
  const dir = path.join(workspace({}), name)
  cpSync(path.join(V1, name), dir, { recursive: true })
  return dir
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')

/** Edits a file of a bundle and re-seals its files[] entry, as a forger without the expected hash would. */
function forge(dir: string, rel: string, edit: (text: string) => string): void {
  const file = path.join(dir, rel)
  const text = edit(readFileSync(file, 'utf8'))
  writeFileSync(file, text)
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string; size: number }[] }
  const entry = manifest.files.find((f) => f.path === rel)
  if (entry) Object.assign(entry, { sha256: sha256(text), size: Buffer.byteLength(text) })
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2))
}

function level(stdout: string, name: string): string | undefined {
  return stdout.split('\n').find((l) => l.startsWith(`${name}: `))
}

describe('bundles written before manifestVersion 2 still verify, level by level', () => {
  test('the fixtures are what they say: version 1, no mode in decision.json, the one-map run without an integrity row', () => {
    expect(FIXTURES).toEqual(['example-allow', 'plain-report-only-block', 'two-maps-block'])
    for (const name of FIXTURES) {
      const manifest = JSON.parse(readFileSync(path.join(V1, name, 'manifest.json'), 'utf8'))
      expect(manifest.manifestVersion).toBe(1)
      expect(JSON.parse(readFileSync(path.join(V1, name, 'decision.json'), 'utf8')).mode).toBeUndefined()
    }
    const plain = JSON.parse(readFileSync(path.join(V1, 'plain-report-only-block/manifest.json'), 'utf8'))
    expect(plain.controls.map((c: { id: string }) => c.id)).toEqual(['CM-01', 'CM-04', 'CM-03'])
  })

  test.each(FIXTURES)('%s: intact, re-performed and every rendered file re-rendered byte for byte', (name) => {
    const r = runCli(['verify', copyOf(name)], ROOT)
    expect(r.stderr).toBe('')
    expect(level(r.stdout, 're-performance')).toMatch(/^re-performance: ok/)
    expect(level(r.stdout, 'rendered files')).toMatch(/^rendered files: ok \(decision\.json, summary\.md, controls\.csv, failures\.csv, report\.html and OSCAL equal their re-rendering byte for byte, as a version 1 bundle renders them\)/)
    expect(level(r.stdout, 'manifest records')).toMatch(/^manifest records: ok/)
    expect(r.code).toBe(0)
  })

  test('two maps, the trusted one judging: the page and OSCAL carry the judging map\'s hash, and verify re-renders with it (it took the proposed map\'s before)', () => {
    const dir = copyOf('two-maps-block')
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'))
    expect(manifest.judgedBy).toBe('trusted')
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain(`<code>${manifest.trustedControlMap.sha256}</code>`)
    expect(runCli(['verify', dir], ROOT).code).toBe(0)
    // The same on a bundle written now.
    const fresh = workspace({ 'map.yml': readFileSync(path.join(dir, 'inputs/trusted-control-map.yml'), 'utf8'), 'proposed.yml': readFileSync(path.join(dir, 'inputs/control-map.yml'), 'utf8'), 'reports/r.xml': readFileSync(path.join(dir, 'inputs/reports/001-r.xml'), 'utf8') })
    expect(runCli(['check', '--controls', 'proposed.yml', '--base-controls', 'map.yml', '--now', '2026-11-22T12:00:00Z', '--evidence', 'ev'], fresh).code).toBe(1)
    expect(runCli(['verify', 'ev'], fresh).code).toBe(0)
  })

  test('a version 1 report.html edited (ALLOW painted over BLOCK) and re-sealed in files[]: the version 1 renderer catches it', () => {
    const dir = copyOf('plain-report-only-block')
    forge(dir, 'report.html', (html) => html.replace('<span id="decision" class="decision block">BLOCK</span>', '<span id="decision" class="decision allow">ALLOW</span>'))
    const r = runCli(['verify', dir], ROOT)
    expect(r.code).toBe(1)
    expect(level(r.stdout, 'files')).toMatch(/^files: ok/)
    expect(r.stdout).toMatch(/^rendered report\.html differs from its re-rendering/m)
  })

  test('a version 2 bundle passed off as version 1 (to be re-rendered by the older rules) fails: its files are not what version 1 renders', () => {
    const dir = workspace({ 'map.yml': readFileSync(path.join(V1, 'plain-report-only-block/inputs/control-map.yml'), 'utf8'), 'reports/r.xml': readFileSync(path.join(V1, 'plain-report-only-block/inputs/reports/001-r.xml'), 'utf8') })
    expect(runCli(['check', '--controls', 'map.yml', '--mode', 'report-only', '--now', '2026-11-22T12:00:00Z', '--evidence', 'ev'], dir).code).toBe(0)
    expect(runCli(['verify', 'ev'], dir).code).toBe(0)
    const manifestFile = path.join(dir, 'ev/manifest.json')
    writeFileSync(manifestFile, readFileSync(manifestFile, 'utf8').replace('"manifestVersion": 2', '"manifestVersion": 1'))
    const r = runCli(['verify', 'ev'], dir)
    expect(r.code).toBe(1)
    // Re-performed by version 1's rule, the one-map run has no integrity row, which the manifest records.
    expect(r.stdout).toMatch(/^rendered decision\.json differs/m)
    expect(r.stdout).toMatch(/^manifest controls \(ids in order\): recorded \["SOX-GATE-INTEGRITY","CM-01","CM-04","CM-03"\], re-performance finds \["CM-01","CM-04","CM-03"\]/m)
  })

  test('version 2: decision.json says the mode, and one edited to say enforce is caught', () => {
    const dir = workspace({ 'map.yml': readFileSync(path.join(V1, 'plain-report-only-block/inputs/control-map.yml'), 'utf8'), 'reports/r.xml': readFileSync(path.join(V1, 'plain-report-only-block/inputs/reports/001-r.xml'), 'utf8') })
    expect(runCli(['check', '--controls', 'map.yml', '--mode', 'report-only', '--now', '2026-11-22T12:00:00Z', '--evidence', 'ev'], dir).code).toBe(0)
    const decision = JSON.parse(readFileSync(path.join(dir, 'ev/decision.json'), 'utf8'))
    expect(decision).toMatchObject({ decision: 'block', mode: 'report-only' })
    expect(JSON.parse(readFileSync(path.join(dir, 'ev/manifest.json'), 'utf8'))).toMatchObject({ manifestVersion: 2, mode: 'report-only' })
    forge(path.join(dir, 'ev'), 'decision.json', (text) => text.replace('"mode": "report-only"', '"mode": "enforce"'))
    const r = runCli(['verify', 'ev'], dir)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^rendered decision\.json differs from its re-rendering/m)
  })
})
