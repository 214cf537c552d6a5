import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ChangeRecord } from '../change/model.js'
import type { ControlMap } from '../controls/model.js'
import type { GateResult } from '../engine/result.js'
import { ConfigError } from '../errors.js'
import { decodeChunks } from '../reports/decode.js'
import { emptyCounts } from '../reports/mask.js'
import type { Manifest, ManifestFile } from './manifest.js'
import { maskChunks } from './mask-stream.js'
import { renderBundleFiles } from './render-files.js'
import type { RunMetadata } from './run-metadata.js'
import { stableJson } from './stable-json.js'
import { TOOL_NAME, TOOL_VERSION } from './version.js'

export interface BundleInputs {
  /** Where the bundle goes (created; a previous bundle there is replaced). */
  dir: string
  /** Where the reports' paths are relative to. */
  cwd: string
  /** The map that judged the change (SPEC §9). */
  map: ControlMap
  /** The workspace's map, and the trusted one read from outside the change (null when none). */
  proposed: ControlMap
  trusted: ControlMap | null
  result: GateResult
  change?: ChangeRecord
  mode: 'enforce' | 'report-only'
  run: RunMetadata
}

export interface BundleWritten {
  dir: string
  manifestSha256: string
  files: number
  bytes: number
}

/** Formats whose kept copy is masked as JSON (strings only). */
const JSON_FORMATS = new Set(['ctrf', 'jest', 'mocha', 'mochawesome', 'rspec', 'go-test-json', 'dart-json'])

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')

/**
 * Writes the evidence bundle (SPEC §6) and seals it: manifest.json lists every other file with
 * its sha256 and size. Same inputs and same evaluation time give the same bytes: keys and files
 * are sorted, and no clock but the evaluation's own is read.
 */
export async function writeBundle(x: BundleInputs): Promise<BundleWritten> {
  await prepareDir(x.dir)
  const files: ManifestFile[] = []
  const put = async (rel: string, content: string): Promise<void> => {
    const full = path.join(x.dir, ...rel.split('/'))
    await mkdir(path.dirname(full), { recursive: true })
    await writeFile(full, content)
    files.push({ path: rel, sha256: sha256(content), size: Buffer.byteLength(content) })
  }

  await put('inputs/control-map.yml', x.proposed.source)
  if (x.trusted) await put('inputs/trusted-control-map.yml', x.trusted.source)
  const redactions = emptyCounts()
  const reports: Manifest['reports'] = []
  for (const [i, r] of x.result.reports.entries()) {
    const rel = `inputs/reports/${String(i + 1).padStart(3, '0')}-${path.basename(r.path).replace(/[^A-Za-z0-9._-]/g, '_')}`
    files.push(await copyMasked(path.resolve(x.cwd, r.path), x.dir, rel, redactions, JSON_FORMATS.has(r.format) ? 'json' : 'text'))
    reports.push({ ...r, bundlePath: rel })
  }
  if (x.change) await put('change.json', stableJson(x.change))
  const controlMapSha256 = sha256(x.map.source)
  const mapRecord = (m: ControlMap, bundlePath: string): Manifest['controlMap'] => ({ path: m.file, sha256: sha256(m.source), size: Buffer.byteLength(m.source), bundlePath })
  const rendered = renderBundleFiles({ map: x.map, result: x.result, change: x.change, run: x.run, toolVersion: TOOL_VERSION, controlMapSha256, redactions, reportFiles: reports.map((r) => r.bundlePath) })
  for (const [rel, content] of rendered) await put(rel, content)

  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const manifest: Manifest = {
    manifestVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    run: x.run,
    mode: x.mode,
    evaluatedAt: x.result.evaluatedAt,
    decision: x.result.decision,
    counts: x.result.counts,
    controlMap: mapRecord(x.proposed, 'inputs/control-map.yml'),
    trustedControlMap: x.trusted ? mapRecord(x.trusted, 'inputs/trusted-control-map.yml') : null,
    judgedBy: x.result.trust.judgedBy,
    emergency: x.result.emergency,
    reports,
    change: x.change ? { bundlePath: 'change.json' } : null,
    controls: x.result.controls.map((c) => ({ id: c.id, status: c.status, ...(c.waiver ? { waiver: c.waiver } : {}), ...(c.emergency ? { emergency: true } : {}), tests: c.tests, matchedTests: c.matchedTests })),
    totals: x.result.totals,
    redactions,
    files
  }
  const manifestText = stableJson(manifest)
  await writeFile(path.join(x.dir, 'manifest.json'), manifestText)
  return { dir: x.dir, manifestSha256: sha256(manifestText), files: files.length + 1, bytes: files.reduce((n, f) => n + f.size, Buffer.byteLength(manifestText)) }
}

/** The report as read, masked, streamed to the bundle; returns its entry for files[]. */
async function copyMasked(source: string, dir: string, rel: string, redactions: ReturnType<typeof emptyCounts>, mode: 'text' | 'json'): Promise<ManifestFile> {
  const full = path.join(dir, ...rel.split('/'))
  await mkdir(path.dirname(full), { recursive: true })
  const hash = createHash('sha256')
  let size = 0
  async function* encoded(): AsyncGenerator<Buffer> {
    for await (const text of maskChunks(decodeChunks(createReadStream(source, { highWaterMark: 256 * 1024 })), redactions, mode)) {
      const bytes = Buffer.from(text, 'utf8')
      hash.update(bytes)
      size += bytes.length
      yield bytes
    }
  }
  await pipeline(Readable.from(encoded()), createWriteStream(full))
  return { path: rel, sha256: hash.digest('hex'), size }
}

/**
 * The bundle directory must be empty or hold a previous bundle (which is replaced): anything
 * else might be the user's own files, and they are never deleted.
 */
async function prepareDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[]
    throw e
  })
  if (entries.length > 0) {
    const manifest = await readFile(path.join(dir, 'manifest.json'), 'utf8').catch(() => '')
    if (!/"name": "sox-gate"/.test(manifest)) throw ConfigError.at(dir, 'evidence directory exists and holds files that are not a sox-gate bundle: choose an empty or new directory')
    await rm(dir, { recursive: true, force: true })
  }
  await mkdir(dir, { recursive: true })
}
