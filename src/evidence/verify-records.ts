import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import type { ChangeRecord } from '../change/model.js'
import type { GateResult } from '../engine/result.js'
import { addCounts, emptyCounts, REDACTION_KINDS, type RedactionCounts, type RedactionKind, type SecretKindCounts } from '../reports/mask.js'
import type { Manifest } from './manifest.js'
import { stableJson } from './stable-json.js'

/** What nothing in the bundle can re-derive: said plainly whenever no expected hash is given. */
export const UNCHECKABLE_RUN_FIELDS = 'run.actor, run.ref, run.workflow, run.runId, run.runAttempt, run.event, run.serverUrl, mode, tool, the raw hashes of masked reports, and run.sha/run.repository beyond the change record'

/**
 * The manifest's own records against what re-performance found: the control map's hash and
 * size, each report's format and counts, each control's status, waiver, counts and matched tests,
 * the counts and totals, the redactions (the masks left in the kept reports), and a report's raw
 * hash wherever its kept copy is the raw file (nothing masked).
 */
export async function checkRecords(dir: string, manifest: Manifest, result: GateResult): Promise<{ findings: string[]; checked: string }> {
  const at = (rel: string): string => path.join(dir, ...rel.split('/'))
  const findings: string[] = []
  const differ = (what: string, recorded: unknown, found: unknown): void => {
    const [a, b] = [canonical(recorded), canonical(found)]
    if (a !== b) findings.push(`manifest ${what}: recorded ${a}, re-performance finds ${b}`)
  }

  const mapBytes = await readFile(at(manifest.controlMap.bundlePath))
  differ('controlMap.sha256', manifest.controlMap.sha256, sha256(mapBytes))
  differ('controlMap.size', manifest.controlMap.size, mapBytes.length)

  differ('decision', manifest.decision, result.decision)
  differ('counts', manifest.counts, result.counts)
  differ('totals', manifest.totals, result.totals)
  differ('controls (ids in order)', manifest.controls.map((c) => c.id), result.controls.map((c) => c.id))
  const found = new Map(result.controls.map((c) => [c.id, c]))
  for (const c of manifest.controls) {
    const r = found.get(c.id)
    if (!r) continue
    differ(`control ${c.id} status`, c.status, r.status)
    differ(`control ${c.id} waiver`, c.waiver ?? null, r.waiver ?? null)
    differ(`control ${c.id} tests`, c.tests, r.tests)
    const [recorded, matched] = [new Set(c.matchedTests), new Set(r.matchedTests)]
    const extra = c.matchedTests.filter((t) => !matched.has(t))
    const lost = r.matchedTests.filter((t) => !recorded.has(t))
    if (extra.length || lost.length) {
      findings.push(`manifest control ${c.id} matchedTests: ${[...extra.slice(0, 3).map((t) => `"${t}" recorded but not matched`), ...lost.slice(0, 3).map((t) => `"${t}" matched but not recorded`)].join('; ')}`)
    } else differ(`control ${c.id} matchedTests (order)`, c.matchedTests, r.matchedTests)
  }

  let verbatim = 0
  const marks = emptyCounts()
  for (const [i, r] of manifest.reports.entries()) {
    const redone = result.reports[i]
    if (redone) {
      for (const key of ['format', 'cases', 'passed', 'failed', 'errors', 'skipped', 'notes'] as const) differ(`report ${r.path} ${key}`, r[key], redone[key])
    }
    const kept = await scanKept(at(r.bundlePath))
    addCounts(marks, kept.marks)
    // A copy with no mask and no replaced byte is the raw file, up to the byte-order mark the
    // reader drops: its hash must be the recorded raw hash in one of those encodings.
    if (REDACTION_KINDS.every((k) => kept.marks[k] === 0) && !kept.replacement) {
      const match = kept.candidates.find((c) => c.sha256 === r.sha256 && c.size === r.size)
      if (match) verbatim++
      else findings.push(`manifest report ${r.path} sha256/size: recorded ${r.sha256.slice(0, 12)}…/${r.size}, but its kept copy is unmasked and hashes to ${kept.candidates[0]?.sha256.slice(0, 12)}…/${kept.candidates[0]?.size}`)
    }
  }
  for (const k of REDACTION_KINDS) {
    if (marks[k] !== manifest.redactions[k]) findings.push(`manifest redactions.${k}: recorded ${manifest.redactions[k]}, the kept reports hold ${marks[k]} [REDACTED-${k.toUpperCase()}…] mark${marks[k] === 1 ? '' : 's'}`)
  }
  findings.push(...checkSecretKinds(manifest.redactions.secretKinds, marks.secretKinds))
  const masked = manifest.reports.length - verbatim
  const checked = `control map sha256 and size, decision, counts, totals, every control's status, waiver, test counts and matched tests, every report's format and counts, redactions, and the raw sha256 of ${verbatim} of ${manifest.reports.length} reports${masked ? ` (${masked} kept masked: their raw sha256 is bound only by the expected hash or the signature)` : ''}`
  return { findings, checked }
}

/**
 * `redactions.secretKinds` against the kinds the kept reports' marks name. A bundle made before
 * secrets had kinds records none and its marks name none (`[REDACTED-SECRET]`): nothing to check.
 */
function checkSecretKinds(recorded: SecretKindCounts | undefined, found: SecretKindCounts): string[] {
  const named = Object.values(found).reduce((a, n) => a + n, 0)
  if (recorded === undefined) return named === 0 ? [] : [`manifest redactions.secretKinds: not recorded, but the kept reports hold ${named} [REDACTED-SECRET-<KIND>] mark${named === 1 ? '' : 's'}`]
  const findings: string[] = []
  for (const k of [...new Set([...Object.keys(recorded), ...Object.keys(found)])].sort() as (keyof SecretKindCounts)[]) {
    const [r, f] = [recorded[k] ?? 0, found[k] ?? 0]
    if (r !== f) findings.push(`manifest redactions.secretKinds.${k}: recorded ${r}, the kept reports hold ${f} [REDACTED-SECRET-${k.toUpperCase()}] mark${f === 1 ? '' : 's'}`)
  }
  return findings
}

/** A mark: a card's last four, a secret's kind (none in bundles made before kinds), or nothing. */
const MARK = /\[REDACTED-(SECRET|EMAIL|IBAN|SSN|CARD)(?:-(\d{4}|[0-9A-Z]+(?:-[0-9A-Z]+)*))?\]/g

/** Longer than any mark, so a mark cut in two by a chunk is still counted once. */
const MARK_MAX = 80

interface KeptScan {
  marks: RedactionCounts
  /** The text held U+FFFD: the raw file had bytes that are not text, so it cannot be rebuilt. */
  replacement: boolean
  /** The raw file as it may have been: UTF-8, UTF-8 with BOM, UTF-16LE with BOM, UTF-16BE with BOM. */
  candidates: { sha256: string; size: number }[]
}

/** One streaming pass over a kept report: its masks, and the hashes of every encoding it may have had. */
async function scanKept(file: string): Promise<KeptScan> {
  const marks = emptyCounts()
  const encodings = [
    { bom: Buffer.from([0xef, 0xbb, 0xbf]), encode: (s: string) => Buffer.from(s, 'utf8') },
    { bom: Buffer.from([0xff, 0xfe]), encode: (s: string) => Buffer.from(s, 'utf16le') },
    { bom: Buffer.from([0xfe, 0xff]), encode: (s: string) => Buffer.from(s, 'utf16le').swap16() }
  ]
  const plain = { hash: createHash('sha256'), size: 0 }
  const boms = encodings.map((e) => ({ ...e, hash: createHash('sha256').update(e.bom), size: e.bom.length }))
  const decoder = new StringDecoder('utf8')
  let replacement = false
  let tail = ''
  const text = (s: string): void => {
    if (s.includes('\uFFFD')) replacement = true
    // Marks are short; keep a little of the previous chunk so one cut in two is still counted once.
    const window = tail + s
    for (const m of window.matchAll(MARK)) {
      if ((m.index ?? 0) + m[0].length <= tail.length) continue
      const kind = (m[1] as string).toLowerCase() as RedactionKind
      marks[kind]++
      if (kind === 'secret' && m[2] !== undefined) {
        const secret = m[2].toLowerCase() as keyof SecretKindCounts
        marks.secretKinds[secret] = (marks.secretKinds[secret] ?? 0) + 1
      }
    }
    tail = window.slice(-MARK_MAX)
    for (const b of boms) {
      const bytes = b.encode(s)
      b.hash.update(bytes)
      b.size += bytes.length
    }
  }
  for await (const chunk of createReadStream(file)) {
    plain.hash.update(chunk as Buffer)
    plain.size += (chunk as Buffer).length
    text(decoder.write(chunk as Buffer))
  }
  text(decoder.end())
  return { marks, replacement, candidates: [{ sha256: plain.hash.digest('hex'), size: plain.size }, ...boms.map((b) => ({ sha256: b.hash.digest('hex'), size: b.size }))] }
}

/** Events whose GITHUB_SHA is not the commit the change record is about (a merge or deployment ref). */
export const SHA_DIFFERS = new Set(['pull_request', 'pull_request_target', 'merge_group', 'deployment', 'deployment_status', 'workflow_run'])

/** run.repository and run.sha against change.json, the one place in the bundle that also names them. */
export function checkRunAgainstChange(manifest: Manifest, change: ChangeRecord | undefined): { status: 'checked' | 'not checked'; findings: string[]; detail: string } {
  if (!change) return { status: 'not checked', findings: [], detail: 'no change.json: run.sha and run.repository are bound only by the expected hash or the signature' }
  const findings: string[] = []
  const run = manifest.run
  if (run.repository === null && run.sha === null) return { status: 'not checked', findings, detail: 'run.repository and run.sha not recorded (run outside Actions)' }
  if (run.repository !== null && run.repository !== change.repository) findings.push(`manifest run.repository "${run.repository}" is not change.json's "${change.repository}"`)
  let sha = 'run.sha is bound only by the expected hash or the signature'
  if (run.sha !== null && run.event !== null && !SHA_DIFFERS.has(run.event)) {
    if (run.sha !== change.sha) findings.push(`manifest run.sha ${run.sha} is not change.json's ${change.sha}`)
    sha = 'run.sha equals change.json'
  } else if (run.sha !== null) sha = `run.sha is the ${run.event ?? 'unknown'} event's ref commit, not the change's: bound only by the expected hash or the signature`
  const repo = run.repository === null ? 'run.repository not recorded' : 'run.repository equals change.json'
  return { status: 'checked', findings: [...findings, ...checkArtifacts(manifest, change)], detail: `${repo}; ${sha}${manifest.reportArtifacts || change.reportArtifacts ? '; reportArtifacts equals change.json and names every artifact a report came from' : ''}` }
}

/**
 * The artifacts the reports came from (`report-artifacts`): the manifest's record is change.json's,
 * and every report read from `.sox-gate/artifacts/NAME/` names an artifact that record lists.
 */
function checkArtifacts(manifest: Manifest, change: ChangeRecord): string[] {
  const findings: string[] = []
  if (canonical(manifest.reportArtifacts) !== canonical(change.reportArtifacts)) findings.push('manifest reportArtifacts is not change.json\'s')
  const other = change.reportArtifacts
  if (other?.otherRun && other.runHeadSha !== undefined && other.runHeadSha !== change.sha) {
    findings.push(`reportArtifacts came from run ${other.runId}, which tested ${other.runHeadSha}, not the evaluated commit ${change.sha}`)
  }
  const listed = new Set((manifest.reportArtifacts?.artifacts ?? []).map((a) => `${a.path}/`))
  for (const r of manifest.reports) {
    const from = /^\.sox-gate\/artifacts\/[^/]+\//.exec(r.path)?.[0]
    if (from && manifest.reportArtifacts && !listed.has(from)) findings.push(`manifest report ${r.path} lies in ${from} but reportArtifacts lists no such artifact`)
  }
  return findings
}

/** Compact JSON with sorted keys: equal data, equal text. */
const canonical = (value: unknown): string => JSON.stringify(JSON.parse(stableJson(value ?? null)))

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
