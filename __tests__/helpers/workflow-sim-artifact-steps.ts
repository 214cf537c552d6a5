import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import archiver from 'archiver'
import fg from 'fast-glob'
import picomatch from 'picomatch'
import { unzip } from './fake-results.js'
import { ArtifactConflict, type StoredArtifact } from './workflow-sim-artifacts.js'
import { jobBackendId, type JobRuntime, type StepCall, type StepOutcome } from './workflow-sim-core.js'

// actions/upload-artifact@v4 and actions/download-artifact@v4, as they behave: the files a path
// names (globs, `!` exclusions, hidden files left out), zipped relative to the search paths'
// least common ancestor (src/shared/search.ts), `if-no-files-found` (warn by default, error
// failing the step), one name per run attempt; download by name into `path`, or every artifact
// into `path/<name>/`, from this run or (run-id + github-token, actions: read) another.

const GLOB = /[*?[\]{}]/

/** The literal directory a pattern searches from (@actions/glob's search path). */
function searchPath(pattern: string): string {
  const segments = pattern.split('/')
  const literal = segments.findIndex((s) => GLOB.test(s))
  return path.normalize(literal < 0 ? pattern : segments.slice(0, literal).join('/') || '.').replace(/\/$/, '')
}

/** The least common ancestor of the search paths (upload-artifact's getMultiPathLCA). */
function commonAncestor(paths: string[]): string {
  const split = paths.map((p) => p.split(path.sep))
  const common: string[] = []
  for (let i = 0; split.every((s) => i < s.length && s[i] === (split[0] as string[])[i]); i++) common.push((split[0] as string[])[i] as string)
  return common.join(path.sep) || path.sep
}

export function findFilesToUpload(workspace: string, spec: string, includeHidden: boolean): { files: string[]; root: string } {
  const lines = spec.split('\n').map((l) => l.trim()).filter((l) => l !== '')
  const includes = lines.filter((l) => !l.startsWith('!')).map((l) => path.resolve(workspace, l))
  const excludes = lines.filter((l) => l.startsWith('!')).map((l) => path.resolve(workspace, l.slice(1)))
  const found = new Set<string>()
  for (const p of includes) {
    // A directory means everything beneath it (implicitDescendants); a file, itself.
    const matched = GLOB.test(p) ? fg.sync(p, { dot: true, onlyFiles: false }) : statSafe(p) ? [p] : []
    for (const m of matched) {
      if (statSafe(m)?.isDirectory()) for (const f of fg.sync(`${fg.escapePath(m)}/**`, { dot: true, onlyFiles: true })) found.add(f)
      else found.add(m)
    }
  }
  const excluded = (f: string) => excludes.some((x) => fg.sync(GLOB.test(x) ? x : `${fg.escapePath(x)}{,/**}`, { dot: true }).includes(f))
  const searchPaths = includes.map(searchPath)
  let files = [...found].filter((f) => !excluded(f)).sort()
  let root = searchPaths.length > 1 ? commonAncestor(searchPaths) : (searchPaths[0] as string)
  // A single file named without a wildcard keeps no folders: its root is its own folder.
  if (searchPaths.length === 1 && files.length === 1 && files[0] === searchPaths[0]) root = path.dirname(files[0] as string)
  // upload-artifact v4.4+: hidden files and folders are left out unless include-hidden-files.
  if (!includeHidden) files = files.filter((f) => !path.relative(root, f).split(path.sep).some((s) => s.startsWith('.')))
  return { files, root }
}

function statSafe(p: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(p)
  } catch {
    return undefined
  }
}

async function zip(files: string[], root: string, level: number): Promise<Buffer> {
  const archive = archiver('zip', { zlib: { level } })
  const chunks: Buffer[] = []
  archive.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve())
    archive.on('error', reject)
  })
  for (const f of files) archive.append(readFileSync(f), { name: path.relative(root, f).split(path.sep).join('/') })
  await archive.finalize()
  await done
  return Buffer.concat(chunks)
}

export async function uploadArtifact(rt: JobRuntime, call: StepCall): Promise<StepOutcome> {
  const name = call.with.name || 'artifact'
  const spec = call.with.path
  if (!spec) return { ok: false, error: "Input required and not supplied: path" }
  const mode = call.with['if-no-files-found'] || 'warn'
  if (!['warn', 'error', 'ignore'].includes(mode)) return { ok: false, error: `Unrecognized if-no-files-found input. Provided: ${mode}. Available options: warn, error, ignore` }
  const { files, root } = findFilesToUpload(rt.workspace, spec, call.with['include-hidden-files'] === 'true')
  if (files.length === 0) {
    const message = `No files were found with the provided path: ${spec}. No artifacts will be uploaded.`
    if (mode === 'error') return { ok: false, error: message, annotations: [{ level: 'error', message }] }
    return { ok: true, annotations: mode === 'warn' ? [{ level: 'warning', message }] : [] }
  }
  const { run } = rt.ctx
  const service = rt.ctx.core.artifacts
  let stored: StoredArtifact
  try {
    if (call.with.overwrite === 'true') service.remove(run.id, jobBackendId(rt), name)
    stored = service.store(run.id, jobBackendId(rt), name, await zip(files, root, Number(call.with['compression-level'] || 6)))
  } catch (e) {
    if (e instanceof ArtifactConflict) return { ok: false, error: e.message }
    throw e
  }
  return { ok: true, outputs: { 'artifact-id': String(stored.id), 'artifact-url': `https://github.com/acme/ledger/actions/runs/${run.id}/artifacts/${stored.id}`, 'artifact-digest': stored.digest.replace(/^sha256:/, '') } }
}

export async function downloadArtifact(rt: JobRuntime, call: StepCall): Promise<StepOutcome> {
  const { core, run } = rt.ctx
  const runId = call.with['run-id'] ? Number(call.with['run-id']) : run.id
  if (runId !== run.id) {
    // Another run's artifacts come through the REST API, with the token given (which needs actions: read).
    const token = call.with['github-token']
    if (!token) return { ok: false, error: 'github-token is required to download artifacts from another workflow run' }
    const r = await fetch(`${core.github.url}/repos/acme/ledger/actions/runs/${runId}/artifacts`, { headers: { authorization: `token ${token}` } })
    if (!r.ok) return { ok: false, error: `Unable to download artifact(s): ${r.status} ${((await r.json()) as { message?: string }).message ?? ''}` }
  }
  // The latest upload of each name (a re-run may have uploaded one again).
  const latest = new Map<string, StoredArtifact>()
  for (const a of core.artifacts.list(runId)) latest.set(a.name, a)
  const target = path.resolve(rt.workspace, call.with.path || '.')
  const name = call.with.name
  if (name) {
    const a = latest.get(name)
    if (!a) return { ok: false, error: `Unable to download artifact(s): Artifact not found for name: ${name}` }
    extract(a, target)
    return { ok: true, outputs: { 'download-path': target } }
  }
  const pattern = call.with.pattern
  const matches = [...latest.values()].filter((a) => !pattern || picomatch(pattern)(a.name))
  for (const a of matches) extract(a, call.with['merge-multiple'] === 'true' ? target : path.join(target, a.name))
  return { ok: true, outputs: { 'download-path': target } }
}

function extract(a: StoredArtifact, dir: string): void {
  for (const [file, bytes] of unzip(a.zip)) {
    const to = path.join(dir, file)
    mkdirSync(path.dirname(to), { recursive: true })
    writeFileSync(to, bytes)
  }
}
