import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { loadChangeRecord } from '../change/load.js'
import { loadControlMap } from '../controls/load.js'
import { validateManifest } from '../schemas.js'
import { Evaluation } from '../engine/evaluate.js'
import { ConfigError, formatProblem } from '../errors.js'
import { decodeChunks } from '../reports/decode.js'
import { readReport } from '../reports/read.js'
import type { Manifest } from './manifest.js'

export interface Verification {
  /** One line per finding; empty when the bundle is intact and re-performs to its record. */
  findings: string[]
  manifest?: Manifest
}

/**
 * What an auditor runs (`sox-gate verify DIR`): recompute every hash (a changed, added or
 * missing file is a finding), then re-perform the evaluation from the bundle's own inputs —
 * the control map, the masked reports, the change record — at the recorded time, and compare
 * the decision and every control's status with the manifest. Uses the loaders, readers and
 * engine directly, never the gate, so nothing here depends on how the bundle was made.
 */
export async function verifyBundle(dir: string): Promise<Verification> {
  let manifest: Manifest
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest
  } catch (e) {
    return { findings: [`manifest.json: cannot be read: ${(e as Error).message}`] }
  }
  if (!validateManifest(manifest)) {
    return { findings: (validateManifest.errors ?? []).map((e) => `manifest.json: ${e.instancePath || '/'} ${e.message ?? ''} (not a sox-gate manifest)`) }
  }
  const findings = await integrity(dir, manifest)
  findings.push(...(await reperform(dir, manifest)))
  return { findings, manifest }
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
  for (const rel of await walk(dir)) if (rel !== 'manifest.json' && !listed.has(rel)) findings.push(`added: ${rel} (not in manifest.json)`)
  return findings
}

async function reperform(dir: string, manifest: Manifest): Promise<string[]> {
  const at = (rel: string): string => path.join(dir, ...rel.split('/'))
  try {
    const mapText = await readFile(at(manifest.controlMap.bundlePath), 'utf8')
    const map = loadControlMap(mapText, manifest.controlMap.path)
    const change = manifest.change ? loadChangeRecord(await readFile(at(manifest.change.bundlePath), 'utf8'), manifest.change.bundlePath) : undefined
    const evaluation = new Evaluation({ map, now: new Date(manifest.evaluatedAt), change })
    for (const r of manifest.reports) {
      evaluation.beginReport()
      // Read under its original path, so every reason names the same report as the original run.
      const stats = await readReport(decodeChunks(createReadStream(at(r.bundlePath))), r.path, (tc) => evaluation.addCase(tc))
      evaluation.endReport(r.path, stats.crashes)
    }
    const result = evaluation.finish([])
    const findings: string[] = []
    if (result.decision !== manifest.decision) findings.push(`re-performed decision ${result.decision.toUpperCase()} differs from the recorded ${manifest.decision.toUpperCase()}`)
    const recorded = new Map(manifest.controls.map((c) => [c.id, c]))
    for (const c of result.controls) {
      const r = recorded.get(c.id)
      if (!r) findings.push(`control ${c.id}: re-performed ${c.status}, not in the manifest`)
      else if (r.status !== c.status) findings.push(`control ${c.id}: re-performed ${c.status}, recorded ${r.status}`)
      recorded.delete(c.id)
    }
    for (const id of recorded.keys()) findings.push(`control ${id}: recorded, but not in the bundle's control map`)
    return findings
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `re-performance failed: ${formatProblem(p)}`)
    return [`re-performance failed: ${(e as Error).message}`]
  }
}

async function hashFile(file: string): Promise<{ sha256: string; size: number } | undefined> {
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
