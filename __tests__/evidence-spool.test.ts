import { createHash } from 'node:crypto'
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadControlMap } from '../src/controls/load.js'
import { decideJudge } from '../src/engine/judge.js'
import { writeBundle } from '../src/evidence/bundle.js'
import { maskReportChunks } from '../src/evidence/mask-stream.js'
import { runMetadata } from '../src/evidence/run-metadata.js'
import { runGate } from '../src/pipeline/gate.js'
import { MaskedSpool, SpoolWriter } from '../src/evidence/spool.js'
import { decodeChunks } from '../src/reports/decode.js'
import { emptyCounts, type RedactionCounts } from '../src/reports/mask.js'
import { CORPUS, describeCorpus } from './helpers/corpus.js'
import { runCli, workspace } from './helpers/run.js'

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const NOW = '2026-11-22T12:00:00Z'
const MAP = `version: 1
system: s
controls:
  - id: ANY
    title: Every test
    tests: [{ name: "*" }]
    allow-skipped: true
`

/**
 * What the bundle kept before issue 13: the report read a second time, in 256 KB pieces,
 * decoded and masked again, and each masked piece encoded as UTF-8 in turn.
 */
async function previousCopy(file: string): Promise<{ bytes: Buffer; counts: RedactionCounts }> {
  const counts = emptyCounts()
  const parts: Buffer[] = []
  for await (const text of maskReportChunks(decodeChunks(createReadStream(file, { highWaterMark: 256 * 1024 })), counts)) parts.push(Buffer.from(text, 'utf8'))
  return { bytes: Buffer.concat(parts), counts }
}

interface ManifestSubset {
  files: { path: string; sha256: string; size: number }[]
  reports: { bundlePath: string }[]
  redactions: RedactionCounts
}

/** Runs `check --evidence` on one report in a fresh workspace (TMPDIR of its own); returns the bundle. */
function bundleFor(reportName: string, content: Buffer | string): { dir: string; tmp: string; manifest: ManifestSubset; kept: Buffer } {
  const dir = workspace({ 'map.yml': MAP, [`reports/${reportName}`]: content })
  const tmp = mkdtempSync(path.join(tmpdir(), 'sox-gate-tmp-'))
  const r = runCli(['check', '--controls', 'map.yml', '--reports', `reports/${reportName}`, '--now', NOW, '--evidence', 'ev'], dir, { TMPDIR: tmp })
  expect(r.stderr).toBe('')
  expect([0, 1]).toContain(r.code)
  const manifest = JSON.parse(readFileSync(path.join(dir, 'ev/manifest.json'), 'utf8')) as ManifestSubset
  const rel = (manifest.reports[0] as { bundlePath: string }).bundlePath
  return { dir, tmp, manifest, kept: readFileSync(path.join(dir, 'ev', rel)) }
}

describe('the bundle keeps the text the gate read, spooled during the one read (issue 13)', () => {
  test('a report with a card number, an SSN and an e-mail address: masked as written by hand', () => {
    const report = `<testsuite name="pay">
  <testcase name="charges 4111 1111 1111 1111 once"/>
  <testcase name="notifies ops@example.com"><failure message="SSN 123-45-6789 leaked"/></testcase>
</testsuite>
`
    const { manifest, kept, tmp } = bundleFor('pay.xml', report)
    expect(kept.toString('utf8')).toBe(`<testsuite name="pay">
  <testcase name="charges [REDACTED-CARD-1111] once"/>
  <testcase name="notifies [REDACTED-EMAIL]"><failure message="SSN [REDACTED-SSN] leaked"/></testcase>
</testsuite>
`)
    expect(manifest.redactions).toEqual({ card: 1, ssn: 1, iban: 0, email: 1, secret: 0, secretKinds: {} })
    const entry = manifest.files.find((f) => f.path === manifest.reports[0]?.bundlePath)
    expect(entry).toEqual({ path: 'inputs/reports/001-pay.xml', sha256: sha256(kept), size: kept.length })
    // The spool is the run's own temporary folder, gone when the run ends.
    expect(readdirSync(tmp)).toEqual([])
  })

  test('a run that fails on a bad report leaves no spool behind', () => {
    const dir = workspace({ 'map.yml': MAP, 'reports/bad.xml': '<testsuite name="x"><testcase name="a">' })
    const tmp = mkdtempSync(path.join(tmpdir(), 'sox-gate-tmp-'))
    const r = runCli(['check', '--controls', 'map.yml', '--reports', 'reports/bad.xml', '--now', NOW, '--evidence', 'ev'], dir, { TMPDIR: tmp })
    expect(r.code).toBe(2)
    expect(readdirSync(tmp)).toEqual([])
  })

  test('the bundle takes the spooled text: it is written even when the report is gone after the read', async () => {
    const dir = workspace({ 'map.yml': MAP, 'reports/r.xml': '<testsuite name="s"><testcase name="mails a@example.com"/></testsuite>\n' })
    const map = loadControlMap(MAP, 'map.yml')
    const spool = await MaskedSpool.create()
    try {
      const run = await runGate({ map, trust: decideJudge(map, undefined, undefined), reportGlobs: ['reports/r.xml'], now: new Date(NOW), cwd: dir, spool })
      expect(run.copies).toHaveLength(1)
      rmSync(path.join(dir, 'reports/r.xml'))
      await writeBundle({ dir: path.join(dir, 'ev'), sources: run.sources, copies: run.copies, map, proposed: map, trusted: null, result: run.result, mode: 'enforce', run: runMetadata({}) })
      expect(readFileSync(path.join(dir, 'ev/inputs/reports/001-r.xml'), 'utf8')).toBe('<testsuite name="s"><testcase name="mails [REDACTED-EMAIL]"/></testsuite>\n')
    } finally {
      await spool.dispose()
    }
  })

  test('a spooled copy is given only when the reader took every chunk', async () => {
    const spool = await MaskedSpool.create()
    try {
      async function* three(): AsyncGenerator<string> {
        yield 'a'
        yield 'b'
        yield 'c'
      }
      const whole = new SpoolWriter(spool.fileOf(0))
      const seen: string[] = []
      for await (const t of whole.tee(three())) seen.push(t)
      expect(seen).toEqual(['a', 'b', 'c'])
      const copy = whole.finish()
      expect(copy && readFileSync(copy.file, 'utf8')).toBe('abc')
      expect(copy?.size).toBe(3)
      expect(copy?.sha256).toBe(sha256(Buffer.from('abc')))

      const cut = new SpoolWriter(spool.fileOf(1))
      for await (const t of cut.tee(three())) if (t === 'b') break
      // Stopped early: the bundle must read the report itself rather than keep half of it.
      expect(cut.finish()).toBeUndefined()
    } finally {
      await spool.dispose()
    }
  })
})

describeCorpus('on the corpus files where masking finds something, the bundle copy equals the previous copy byte for byte', () => {
  const files = [
    'junit-xml/junit2html__junit-sonobouy.xml',
    'nunit3-xml/dorny__dotnet-nunit.xml',
    'nunit3-xml/enricomi__NUnit-issue44527.xml',
    'nunit3-xml/enricomi__clicketyclackety.xml',
    'nunit3-xml/xunit-plugin__nunit3_testcase1_input.xml',
    'trx/dorny__FluentValidation.Tests.trx'
  ]
  test.each(files)('%s', async (rel) => {
    const source = path.join(CORPUS, rel)
    const previous = await previousCopy(source)
    // Each of these has something masked, or the comparison would prove little.
    const { card, ssn, iban, email, secret } = previous.counts
    expect(card + ssn + iban + email + secret).toBeGreaterThan(0)
    const { manifest, kept } = bundleFor(path.basename(rel), readFileSync(source))
    expect(kept.equals(previous.bytes)).toBe(true)
    expect(manifest.redactions).toEqual(previous.counts)
    const entry = manifest.files.find((f) => f.path === manifest.reports[0]?.bundlePath)
    expect(entry?.sha256).toBe(sha256(previous.bytes))
    expect(entry?.size).toBe(previous.bytes.length)
  })
})
