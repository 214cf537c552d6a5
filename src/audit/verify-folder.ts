import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'csv-parse'
import { hashFile, type Level } from '../evidence/verify.js'
import type { AuditManifest } from './output.js'
import { AUDIT_FILES } from './output.js'
import { EXCEPTION_COLUMNS, POPULATION_COLUMNS, SAMPLE_COLUMNS } from './rows.js'
import { drawSample, sampleSize } from './sample.js'

/** True when `dir` holds an audit folder's manifest (not an evidence bundle's). */
export async function isAuditFolder(dir: string): Promise<boolean> {
  const text = await readFile(path.join(dir, 'manifest.json'), 'utf8').catch(() => undefined)
  if (text === undefined) return false
  try {
    return (JSON.parse(text) as { auditVersion?: unknown }).auditVersion !== undefined
  } catch {
    return false
  }
}

interface AuditJson {
  command?: { sample?: { n?: number; confidence?: number; tolerableRate?: number } }
  population?: { rows?: number; successful?: number; sha256?: string }
  exceptions?: { total?: number }
  sample?: { seed?: string; seedSource?: string; wanted?: number }
  reconciliation?: { deployments?: { createdInPeriod?: number } }[]
}

/**
 * `sox-gate verify DIR` on an audit folder: every file's sha256 and size against manifest.json
 * (none added, none missing), then what can be re-derived offline from the files themselves —
 * the seed from population.csv, the sample drawn again from the seed and the successful rows,
 * every exception and emergency change of the population added to the sample and listed in
 * exceptions.csv, and the counts audit.json reconciles. What it cannot re-derive offline: that
 * GitHub and the store answered what the files say (the queries in audit.json say what was asked).
 */
export async function verifyAuditFolder(dir: string, expectSha256?: string): Promise<{ findings: string[]; levels: Level[]; manifest?: AuditManifest }> {
  const findings: string[] = []
  const levels: Level[] = []
  const level = (name: string, found: string[], ok: string): void => {
    findings.push(...found)
    levels.push({ name, status: found.length ? 'failed' : 'ok', detail: found.length ? `${found.length} finding${found.length === 1 ? '' : 's'}` : ok })
  }
  const bytes = await readFile(path.join(dir, 'manifest.json'))
  const manifestSha256 = createHash('sha256').update(bytes).digest('hex')
  if (expectSha256 === undefined) levels.push({ name: 'manifest hash', status: 'not checked', detail: `no --expect-sha256 (manifest sha256 ${manifestSha256})` })
  else level('manifest hash', expectSha256.toLowerCase() === manifestSha256 ? [] : [`manifest.json: sha256 ${manifestSha256} is not the expected ${expectSha256.toLowerCase()}`], 'manifest.json sha256 equals --expect-sha256')
  let manifest: AuditManifest
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as AuditManifest
  } catch (e) {
    return { findings: [...findings, `manifest.json: not JSON: ${(e as Error).message}`], levels }
  }
  if (manifest.auditVersion !== 1 || !Array.isArray(manifest.files)) return { findings: [...findings, 'manifest.json: not a sox-gate audit manifest (auditVersion 1 with files[])'], levels }

  const fileFindings: string[] = []
  const listed = new Set(manifest.files.map((f) => f.path))
  for (const name of AUDIT_FILES) if (!listed.has(name)) fileFindings.push(`manifest.json does not list ${name}`)
  for (const f of manifest.files) {
    const actual = await hashFile(path.join(dir, f.path))
    if (!actual) fileFindings.push(`missing: ${f.path}`)
    else if (actual.sha256 !== f.sha256 || actual.size !== f.size) fileFindings.push(`changed: ${f.path} (sha256 ${actual.sha256.slice(0, 12)}…, recorded ${f.sha256.slice(0, 12)}…)`)
  }
  for (const name of (await readdir(dir)).sort()) if (name !== 'manifest.json' && !listed.has(name)) fileFindings.push(`added: ${name} (not in manifest.json)`)
  level('files', fileFindings, `${manifest.files.length + 1} files match manifest.json, none added or missing`)
  if (fileFindings.length > 0) {
    levels.push({ name: 're-derivation', status: 'not checked', detail: 'the files do not match their manifest' })
    return { findings, levels, manifest }
  }

  const redo: string[] = []
  const audit = JSON.parse(await readFile(path.join(dir, 'audit.json'), 'utf8')) as AuditJson
  const population = await readCsv(path.join(dir, 'population.csv'), POPULATION_COLUMNS, redo)
  const sample = await readCsv(path.join(dir, 'sample.csv'), SAMPLE_COLUMNS, redo)
  const exceptions = await readCsv(path.join(dir, 'exceptions.csv'), EXCEPTION_COLUMNS, redo)
  const populationSha256 = (await hashFile(path.join(dir, 'population.csv')))?.sha256
  const key = (r: Record<string, string>): string => `${r.repository} ${r.deployment_id}`

  if (audit.population?.rows !== population.length) redo.push(`audit.json counts ${audit.population?.rows} population rows; population.csv has ${population.length}`)
  const inPeriod = (audit.reconciliation ?? []).reduce((n, r) => n + (r.deployments?.createdInPeriod ?? 0), 0)
  if (inPeriod !== population.length) redo.push(`audit.json reconciles ${inPeriod} deployments created in the period; population.csv has ${population.length} rows`)
  if (audit.exceptions?.total !== exceptions.length) redo.push(`audit.json counts ${audit.exceptions?.total} exceptions; exceptions.csv has ${exceptions.length}`)

  // The seed, and the draw from it.
  const seed = audit.sample?.seed
  if (audit.sample?.seedSource === 'the sha256 of population.csv' && seed !== populationSha256) redo.push(`the seed ${seed} is said to be population.csv's sha256, which is ${populationSha256}`)
  const rule = audit.command?.sample
  const wanted = rule?.n ?? (rule?.confidence !== undefined && rule.tolerableRate !== undefined ? sampleSize(rule.confidence, rule.tolerableRate) : undefined)
  if (wanted === undefined || wanted !== audit.sample?.wanted) redo.push(`the sample size ${audit.sample?.wanted} does not follow from the rule in audit.json (${wanted ?? 'none'})`)
  const frame = population.filter((r) => r.succeeded_at !== '')
  if (audit.population?.successful !== frame.length) redo.push(`audit.json counts ${audit.population?.successful} successful deployments; population.csv has ${frame.length}`)
  if (seed !== undefined && wanted !== undefined) {
    const drawn = drawSample(seed, frame.length, wanted).positions.map((p, k) => `${key(frame[p] as Record<string, string>)} #${k + 1}`)
    const kept = sample.filter((r) => r.draw !== '').map((r) => `${key(r)} #${r.draw}`)
    const missingDraws = drawn.filter((d) => !kept.includes(d))
    const extraDraws = kept.filter((d) => !drawn.includes(d))
    if (missingDraws.length) redo.push(`drawn again from the seed, these are missing from sample.csv: ${missingDraws.slice(0, 5).join(', ')}${missingDraws.length > 5 ? ', …' : ''}`)
    if (extraDraws.length) redo.push(`sample.csv says these were drawn, but the seed does not draw them: ${extraDraws.slice(0, 5).join(', ')}${extraDraws.length > 5 ? ', …' : ''}`)
  }
  // Every exception and emergency change on top; nothing else added.
  const inSample = new Set(sample.map(key))
  const flagged = population.filter((r) => r.exceptions !== '' || r.emergency === 'yes')
  for (const r of flagged) if (!inSample.has(key(r))) redo.push(`deployment ${key(r)} has ${r.exceptions ? `exceptions (${r.exceptions})` : 'an emergency change'} but is not in sample.csv`)
  const flaggedKeys = new Set(flagged.map(key))
  for (const r of sample) if (r.draw === '' && !flaggedKeys.has(key(r)) && !/found in the sample/.test(r.why ?? '')) redo.push(`sample.csv adds deployment ${key(r)} on top, but it has no exception and no emergency change`)
  // Each population row's exception codes are rows of exceptions.csv.
  const listedCodes = new Set(exceptions.map((x) => `${x.repository} ${x.deployment_id} ${x.code}`))
  for (const r of population) for (const code of r.exceptions ? r.exceptions.split(' ') : []) if (!listedCodes.has(`${key(r)} ${code}`)) redo.push(`deployment ${key(r)} is marked ${code} in population.csv, but exceptions.csv has no such row`)
  level('re-derivation', redo, `the seed, the ${wanted ?? '?'}-item draw from ${frame.length} successful deployments, the exceptions added on top and audit.json's counts all follow from the files`)
  return { findings, levels, manifest }
}

async function readCsv(file: string, columns: readonly string[], problems: string[]): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = []
  const parser = createReadStream(file).pipe(parse({ relax_column_count: false, bom: false }))
  let header: string[] | undefined
  for await (const record of parser as AsyncIterable<string[]>) {
    if (!header) {
      header = record
      if (header.join(',') !== columns.join(',')) problems.push(`${path.basename(file)}: its header is not ${columns.join(',')}`)
      continue
    }
    // The formula guard's apostrophe is the writer's, not the value's.
    rows.push(Object.fromEntries(header.map((h, i) => [h, (record[i] ?? '').replace(/^'(?=[=+\-@\t\r])/, '')])))
  }
  return rows
}
