import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ChangeRecord } from '../change/model.js'
import type { ControlMap } from '../controls/model.js'
import type { GateResult } from '../engine/result.js'
import { ConfigError } from '../errors.js'
import { decodeChunks, REPORT_CHUNK } from '../reports/decode.js'
import { addCounts, emptyCounts, type RedactionCounts } from '../reports/mask.js'
import { MANIFEST_VERSION, type Manifest, type ManifestFile } from './manifest.js'
import { maskReportChunks } from './mask-stream.js'
import { BundleDir, CREATE_FLAGS } from './bundle-dir.js'
import { prepareEvidenceDir, SIGNATURE } from './prepare-dir.js'
import { placeCopy, type MaskedCopy } from './spool.js'
import { RENDERED_FILES, renderBundleFiles } from './render-files.js'
import type { RunMetadata } from './run-metadata.js'
import { stableJson, stableJsonPieces } from './stable-json.js'
import { TOOL_NAME, TOOL_VERSION } from './version.js'

export interface BundleInputs {
  /** Where the bundle goes (created; an earlier bundle's own files there are replaced, nothing else). */
  dir: string
  /**
   * The workspace: every folder between it and `dir` must be a real folder, never a link the change
   * committed (bundle-dir.ts). Default: the current directory, where both shells run.
   */
  workspace?: string
  /** The file each report was read from (result.reports' order): their shown paths may be masked. */
  sources: readonly string[]
  /** The masked text the gate spooled while reading each report (same order): copied, not re-read. */
  copies?: readonly (MaskedCopy | undefined)[]
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

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')

/**
 * Writes the evidence bundle (SPEC §6) and seals it: manifest.json lists every other file with
 * its sha256 and size. Same inputs and same evaluation time give the same bytes: keys and files
 * are sorted, and no clock but the evaluation's own is read.
 */
export async function writeBundle(x: BundleInputs): Promise<BundleWritten> {
  const reportPaths = x.result.reports.map((r, i) => `inputs/reports/${String(i + 1).padStart(3, '0')}-${path.basename(r.path).replace(/[^A-Za-z0-9._-]/g, '_')}`)
  const renderedNames = [...RENDERED_FILES, 'manifest.json']
  const inputs = ['inputs/control-map.yml', ...(x.trusted ? ['inputs/trusted-control-map.yml'] : []), ...reportPaths, ...(x.change ? ['change.json'] : [])]
  const dir = await BundleDir.open(x.dir, x.workspace ?? process.cwd())
  try {
    // The signature is planned too: the action writes it later, and never over a file already there.
    await prepareEvidenceDir(dir, [...inputs, ...renderedNames, SIGNATURE])
    return await writeInto(dir, x, reportPaths)
  } finally {
    dir.close()
  }
}

async function writeInto(dir: BundleDir, x: BundleInputs, reportPaths: readonly string[]): Promise<BundleWritten> {
  const files: ManifestFile[] = []
  const put = async (rel: string, content: string): Promise<void> => {
    // Encoded once for the file, its hash and its size (report.html can be tens of megabytes).
    const bytes = Buffer.from(content, 'utf8')
    await writeFile((await dir.file(rel)) as string, bytes, { flag: CREATE_FLAGS }).catch(refuseOverwrite(dir, rel))
    files.push({ path: rel, sha256: sha256(bytes), size: bytes.length })
  }

  await put('inputs/control-map.yml', x.proposed.source)
  if (x.trusted) await put('inputs/trusted-control-map.yml', x.trusted.source)
  const redactions = emptyCounts()
  const reports: Manifest['reports'] = []
  for (const [i, r] of x.result.reports.entries()) {
    const rel = reportPaths[i] as string
    const copy = x.copies?.[i]
    files.push(copy ? await placeSpooled(copy, dir, rel, redactions) : await copyMasked(x.sources[i] as string, dir, rel, redactions))
    reports.push({ ...r, bundlePath: rel })
  }
  if (x.change) await put('change.json', stableJson(x.change))
  const controlMapSha256 = sha256(x.map.source)
  const mapRecord = (m: ControlMap, bundlePath: string): Manifest['controlMap'] => ({ path: m.file, sha256: sha256(m.source), size: Buffer.byteLength(m.source), bundlePath })
  const controlMap = mapRecord(x.proposed, 'inputs/control-map.yml')
  const trustedControlMap = x.trusted ? mapRecord(x.trusted, 'inputs/trusted-control-map.yml') : null
  const kept = { controlMap, trustedControlMap, change: files.find((f) => f.path === 'change.json') ?? null }
  const rendered = renderBundleFiles({ map: x.map, result: x.result, change: x.change, run: x.run, toolVersion: TOOL_VERSION, controlMapSha256, redactions, mode: x.mode, reportFiles: reports.map((r) => r.bundlePath), manifestVersion: MANIFEST_VERSION, kept })
  for (const [rel, content] of rendered) await put(rel, content)

  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const manifest: Manifest = {
    manifestVersion: MANIFEST_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    run: x.run,
    mode: x.mode,
    evaluatedAt: x.result.evaluatedAt,
    decision: x.result.decision,
    counts: x.result.counts,
    controlMap,
    trustedControlMap,
    judgedBy: x.result.trust.judgedBy,
    emergency: x.result.emergency,
    reports,
    ...(x.change?.reportArtifacts ? { reportArtifacts: x.change.reportArtifacts } : {}),
    change: x.change ? { bundlePath: 'change.json' } : null,
    controls: x.result.controls.map((c) => ({ id: c.id, status: c.status, ...(c.waiver ? { waiver: c.waiver } : {}), ...(c.emergency ? { emergency: true } : {}), tests: c.tests, matchedTests: c.matchedTests })),
    totals: x.result.totals,
    redactions,
    files
  }
  const written = await writeManifest((await dir.file('manifest.json')) as string, manifest).catch(refuseOverwrite(dir, 'manifest.json'))
  return { dir: x.dir, manifestSha256: written.sha256, files: files.length + 1, bytes: files.reduce((n, f) => n + f.size, written.size) }
}

/**
 * manifest.json written and hashed piece by piece (stableJson's bytes): with every matched test
 * listed, a large run's manifest is tens of megabytes, too much to hold whole at the run's peak.
 */
async function writeManifest(full: string, manifest: Manifest): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256')
  let size = 0
  const handle = await open(full, CREATE_FLAGS)
  try {
    for (const piece of stableJsonPieces(manifest)) {
      const bytes = Buffer.from(piece, 'utf8')
      hash.update(bytes)
      size += bytes.length
      await handle.write(bytes)
    }
  } finally {
    await handle.close()
  }
  return { sha256: hash.digest('hex'), size }
}

/** The report masked exactly as the gate read it, streamed to the bundle; returns its entry for files[]. */
async function copyMasked(source: string, dir: BundleDir, rel: string, redactions: RedactionCounts): Promise<ManifestFile> {
  const hash = createHash('sha256')
  let size = 0
  async function* encoded(): AsyncGenerator<Buffer> {
    for await (const text of maskReportChunks(decodeChunks(createReadStream(source, { highWaterMark: REPORT_CHUNK })), redactions)) {
      const bytes = Buffer.from(text, 'utf8')
      hash.update(bytes)
      size += bytes.length
      yield bytes
    }
  }
  try {
    const handle = await open((await dir.file(rel)) as string, CREATE_FLAGS)
    await pipeline(Readable.from(encoded()), handle.createWriteStream())
  } catch (e) {
    refuseOverwrite(dir, rel)(e as NodeJS.ErrnoException)
  }
  return { path: rel, sha256: hash.digest('hex'), size }
}

/** The report's masked text as the gate read it (one decode, one mask per report); its entry for files[]. */
async function placeSpooled(copy: MaskedCopy, dir: BundleDir, rel: string, redactions: RedactionCounts): Promise<ManifestFile> {
  await placeCopy(copy, (await dir.file(rel)) as string).catch(refuseOverwrite(dir, rel))
  addCounts(redactions, copy.redactions)
  return { path: rel, sha256: copy.sha256, size: copy.size }
}

/**
 * Bundle files are created, never written over: a file already there is the user's, not ours. Any
 * other file-system problem (a full disk, a read-only one) is one line naming the file.
 */
function refuseOverwrite(dir: BundleDir, rel: string): (e: NodeJS.ErrnoException) => never {
  return (e) => {
    if (e.code === 'EEXIST') throw ConfigError.at(dir.dir, `${rel} already exists and is not a file of an earlier sox-gate bundle: not overwritten (choose an empty or new evidence-dir)`)
    throw dir.problem(e, rel, 'cannot write the evidence bundle\'s file')
  }
}
