import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { loadChangeRecord } from '../change/load.js'
import type { ChangeRecord } from '../change/model.js'
import { loadControlMap } from '../controls/load.js'
import type { ControlMap } from '../controls/model.js'
import { Evaluation } from '../engine/evaluate.js'
import { decideJudge } from '../engine/judge.js'
import { mapSha256 } from '../engine/trust.js'
import type { GateResult } from '../engine/result.js'
import { ConfigError, formatProblem } from '../errors.js'
import { decodeChunks } from '../reports/decode.js'
import { emptyCounts } from '../reports/mask.js'
import { readReport } from '../reports/read.js'
import { validateManifest } from '../schemas.js'
import type { Manifest } from './manifest.js'
import { ADDED_LATER, renderBundleFiles } from './render-files.js'
import { ATTESTATION_FILE, checkAttestation } from './signature.js'
import { checkRecords, checkRunAgainstChange, SHA_DIFFERS, UNCHECKABLE_RUN_FIELDS } from './verify-records.js'
import { TOOL_VERSION } from './version.js'

export interface VerifyOptions {
  /** The manifest's sha256 as published elsewhere (the `evidence-sha256` output, the attestation's subject). */
  expectSha256?: string
  /** A Sigstore trusted root (trusted_root.json) to check attestation.sigstore.json against, offline. */
  trustedRoot?: string
  /** A regular expression the signing certificate's identity (SAN) must match. */
  certificateIdentity?: string
}

/** One level of the verification: what was checked and what it found, or why it was not checked. */
export interface Level {
  name: string
  status: 'ok' | 'failed' | 'not checked'
  detail: string
}

export interface Verification {
  /** One line per finding; empty when every level that was checked holds. */
  findings: string[]
  levels: Level[]
  manifest?: Manifest
  manifestSha256?: string
}

/**
 * What an auditor runs (`sox-gate verify DIR`), level by level (SPEC §11 "What verify proves"):
 * the manifest's hash against the expected one; every file's hash; re-performance of the
 * evaluation from the bundle's own inputs (loaders, readers and engine directly, never the gate);
 * every rendered file re-rendered from that result and compared byte for byte; the manifest's
 * records against what re-performance found; the run against the change record; and the
 * attestation, when there is one. Callable on any local directory (the S3 store reuses it).
 */
export async function verifyBundle(dir: string, options: VerifyOptions = {}): Promise<Verification> {
  const levels: Level[] = []
  const findings: string[] = []
  const level = (name: string, found: string[], ok: string): void => {
    findings.push(...found)
    levels.push({ name, status: found.length ? 'failed' : 'ok', detail: found.length ? `${found.length} finding${found.length === 1 ? '' : 's'}` : ok })
  }
  let bytes: Buffer
  try {
    bytes = await readFile(path.join(dir, 'manifest.json'))
  } catch (e) {
    return { findings: [`manifest.json: cannot be read: ${(e as Error).message}`], levels }
  }
  const manifestSha256 = createHash('sha256').update(bytes).digest('hex')
  if (options.expectSha256 === undefined) {
    levels.push({ name: 'manifest hash', status: 'not checked', detail: `no --expect-sha256 (manifest sha256 ${manifestSha256}); ${UNCHECKABLE_RUN_FIELDS} are bound only by the expected hash or the signature` })
  } else {
    const expected = options.expectSha256.toLowerCase()
    level('manifest hash', expected === manifestSha256 ? [] : [`manifest.json: sha256 ${manifestSha256} is not the expected ${expected}`], `manifest.json sha256 equals --expect-sha256: every field it records is the one published`)
  }
  let manifest: Manifest
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as Manifest
  } catch (e) {
    findings.push(`manifest.json: not JSON: ${(e as Error).message}`)
    return { findings, levels, manifestSha256 }
  }
  if (!validateManifest(manifest)) {
    findings.push(...(validateManifest.errors ?? []).map((e) => `manifest.json: ${e.instancePath || '/'} ${e.message ?? ''} (not a sox-gate manifest)`))
    return { findings, levels, manifestSha256 }
  }
  level('files', await integrity(dir, manifest), `${manifest.files.length + 1} files match manifest.json, none added or missing`)

  const redone = await reperform(dir, manifest)
  if ('problems' in redone) {
    level('re-performance', redone.problems, '')
    for (const name of ['rendered files', 'manifest records']) levels.push({ name, status: 'not checked', detail: 're-performance failed' })
  } else {
    const { result, map, change } = redone
    const decisionFindings = result.decision === manifest.decision ? [] : [`re-performed decision ${result.decision.toUpperCase()} differs from the recorded ${manifest.decision.toUpperCase()}`]
    level('re-performance', decisionFindings, `decision ${result.decision.toUpperCase()} at ${manifest.evaluatedAt} re-performed from inputs/ and ${change ? 'change.json' : 'no change record'}`)
    level('rendered files', await compareRendered(dir, manifest, map, result, change), `decision.json, summary.md, controls.csv, ${manifest.files.some((f) => f.path === 'failures.csv') ? 'failures.csv, ' : ''}report.html and OSCAL equal their re-rendering byte for byte${manifest.manifestVersion === 1 ? ', as a version 1 bundle renders them' : ''}${manifest.tool.version === TOOL_VERSION ? '' : ` (made by ${manifest.tool.version}, re-rendered by ${TOOL_VERSION})`}`)
    const records = await checkRecords(dir, manifest, result)
    level('manifest records', records.findings, records.checked)
    const run = checkRunAgainstChange(manifest, change)
    if (run.status === 'not checked') levels.push({ name: 'run vs change record', status: 'not checked', detail: run.detail })
    else level('run vs change record', run.findings, run.detail)
  }

  const signature = await checkAttestation(dir, { manifestSha256, manifest, commit: evaluatedCommit(manifest, 'result' in redone ? redone.change : undefined), trustedRoot: options.trustedRoot, certificateIdentity: options.certificateIdentity })
  if (signature.status === 'not checked') levels.push({ name: 'signature', status: 'not checked', detail: signature.detail })
  else level('signature', signature.findings, signature.detail)
  return { findings, levels, manifest, manifestSha256 }
}

/** The commit the attestation must name: the change record's, or the run's own when GITHUB_SHA is the change. */
function evaluatedCommit(manifest: Manifest, change: ChangeRecord | undefined): string | undefined {
  if (change) return change.sha
  return manifest.run.event !== null && !SHA_DIFFERS.has(manifest.run.event) ? (manifest.run.sha ?? undefined) : undefined
}

async function integrity(dir: string, manifest: Manifest): Promise<string[]> {
  const findings: string[] = []
  const listed = new Set(manifest.files.map((f) => f.path))
  for (const f of manifest.files) {
    const full = path.join(dir, ...f.path.split('/'))
    const actual = await hashFile(full)
    if (!actual) findings.push(`missing: ${f.path}`)
    else if (actual.sha256 !== f.sha256 || actual.size !== f.size) findings.push(`changed: ${f.path} (sha256 ${actual.sha256.slice(0, 12)}…, recorded ${f.sha256.slice(0, 12)}…)`)
  }
  // The attestation signs the manifest, so it cannot be listed in it.
  for (const rel of await walk(dir)) if (rel !== 'manifest.json' && rel !== ATTESTATION_FILE && !listed.has(rel)) findings.push(`added: ${rel} (not in manifest.json)`)
  return findings
}

type Reperformed = { result: GateResult; map: ControlMap; change?: ChangeRecord } | { problems: string[] }

/**
 * The evaluation again, from the bundle's control map, masked reports and change record, at the
 * recorded time. The reports' raw hashes and sizes cannot be recomputed from masked copies, so
 * they are taken from the manifest (checked where possible in verify-records.ts).
 */
async function reperform(dir: string, manifest: Manifest): Promise<Reperformed> {
  const at = (rel: string): string => path.join(dir, ...rel.split('/'))
  try {
    const proposed = loadControlMap(await readFile(at(manifest.controlMap.bundlePath), 'utf8'), manifest.controlMap.path)
    const trustedRecord = manifest.trustedControlMap
    const trusted = trustedRecord ? loadControlMap(await readFile(at(trustedRecord.bundlePath), 'utf8'), trustedRecord.path) : undefined
    const change = manifest.change ? loadChangeRecord(await readFile(at(manifest.change.bundlePath), 'utf8'), manifest.change.bundlePath) : undefined
    // Which map judges is decided again from the bundle's own facts, exactly as the run decided it
    // (a version 1 bundle of one map and no change record had no SOX-GATE-INTEGRITY row).
    const trust = decideJudge(proposed, trusted, change, { rowOnPlainRun: manifest.manifestVersion !== 1, changeFile: manifest.change?.bundlePath })
    const map = trust.judging
    const evaluation = new Evaluation({ map, now: new Date(manifest.evaluatedAt), change, trust })
    const reports: GateResult['reports'] = []
    for (const r of manifest.reports) {
      evaluation.beginReport()
      // Read under its original path, so every reason names the same report as the original run.
      const stats = await readReport(decodeChunks(createReadStream(at(r.bundlePath))), r.path, (tc) => evaluation.addCase(tc))
      evaluation.endReport(r.path, stats.crashes)
      reports.push({ path: r.path, sha256: r.sha256, size: r.size, ...stats })
    }
    return { result: evaluation.finish(reports), map, change }
  } catch (e) {
    if (e instanceof ConfigError) return { problems: e.problems.map((p) => `re-performance failed: ${formatProblem(p)}`) }
    return { problems: [`re-performance failed: ${(e as Error).message}`] }
  }
}

/** Each rendered file against what the re-performed result renders; names the first difference. */
async function compareRendered(dir: string, manifest: Manifest, map: ControlMap, result: GateResult, change: ChangeRecord | undefined): Promise<string[]> {
  const rendered = renderBundleFiles({
    map,
    result,
    change,
    run: manifest.run,
    toolVersion: manifest.tool.version,
    // The judging map's, as the writer hashed it: the trusted map's whenever it judged.
    controlMapSha256: mapSha256(map),
    // In the writer's key order: manifest.json's keys are sorted, report.html lists them as counted.
    redactions: { ...emptyCounts(), ...manifest.redactions },
    mode: manifest.mode,
    reportFiles: manifest.reports.map((r) => r.bundlePath),
    manifestVersion: manifest.manifestVersion,
    kept: { controlMap: manifest.controlMap, trustedControlMap: manifest.trustedControlMap ?? null, change: manifest.files.find((f) => f.path === manifest.change?.bundlePath) ?? null }
  })
  const findings: string[] = []
  const listed = new Set(manifest.files.map((f) => f.path))
  for (const [rel, expected] of rendered) {
    // A bundle made before failures.csv existed does not list it; one that lists it must hold it, re-rendered exactly.
    if (ADDED_LATER.includes(rel) && !listed.has(rel)) continue
    const kept = await readFile(path.join(dir, ...rel.split('/')), 'utf8').catch(() => undefined)
    if (kept === undefined) findings.push(`rendered ${rel}: missing`)
    else if (kept !== expected) findings.push(`rendered ${rel} differs from its re-rendering from the re-performed result and the manifest: ${firstDifference(kept, expected)}`)
  }
  return findings
}

/** Where two texts first differ, with a little context on each side. */
export function firstDifference(kept: string, expected: string): string {
  let i = 0
  while (i < kept.length && i < expected.length && kept[i] === expected[i]) i++
  const line = kept.slice(0, i).split('\n').length
  const from = Math.max(0, i - 30)
  const show = (s: string): string => JSON.stringify(`${from > 0 ? '…' : ''}${s.slice(from, i + 40)}${s.length > i + 40 ? '…' : ''}`)
  return `line ${line}: kept ${show(kept)}, re-rendered ${show(expected)}`
}

export async function hashFile(file: string): Promise<{ sha256: string; size: number } | undefined> {
  try {
    const hash = createHash('sha256')
    let size = 0
    for await (const chunk of createReadStream(file)) {
      hash.update(chunk as Buffer)
      size += (chunk as Buffer).length
    }
    return { sha256: hash.digest('hex'), size }
  } catch {
    return undefined
  }
}

/** Every file below `dir`, as `/`-separated paths relative to it, sorted. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) for (const file of await walk(dir, rel)) out.push(file)
    else out.push(rel)
  }
  return out.sort()
}
