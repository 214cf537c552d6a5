import { lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { DefaultArtifactClient, FindOptions } from '@actions/artifact'
import picomatch from 'picomatch'
import type { ReportArtifact, ReportArtifacts } from '../change/model.js'
import { ConfigError, type InputProblem } from '../errors.js'
import { cjsExports } from '../lazy-import.js'
import { sha256File, unpackZip, ZipRefused } from './artifact-zip.js'

/** Where the artifacts' files are unpacked, relative to the workspace: one folder per artifact, named as it. */
export const ARTIFACTS_DIR = '.sox-gate/artifacts'

/** An artifact as the results service (or the REST API) lists it. */
export interface ListedArtifact {
  id: number
  name: string
  size: number
  digest: string | null
}

export interface ReportArtifactsRequest {
  /** `report-artifacts`: names or globs (picomatch), `!` excluding. */
  patterns: string[]
  min: number
  workspace: string
  owner: string
  repo: string
  /** This workflow run's id (GITHUB_RUN_ID). */
  currentRunId?: number
  /** `run-id`: another run's artifacts, read through the REST API with `token`. */
  otherRunId?: number
  /**
   * For another run, before anything is listed: the commit it tested, or a throw when its
   * reports cannot stand for this change. Kept in the record as `runHeadSha`.
   */
  otherRunHead: (runId: number) => Promise<string>
  token: string
  /** Where the zips wait before they are unpacked (RUNNER_TEMP). */
  tempDir?: string
  info?: (message: string) => void
}

/**
 * Lists the run's artifacts, keeps those the patterns name, and unpacks each into
 * `.sox-gate/artifacts/NAME/` in the workspace, before any report is read. Fails closed, with every
 * problem at once: a pattern that matched no artifact, fewer artifacts than `min` (a leg that
 * crashed before uploading is absent, not passing), an artifact that cannot be downloaded, whose
 * zip differs from the digest recorded at upload, or that is not a readable zip — one line each,
 * naming the artifact.
 */
export async function fetchReportArtifacts(request: ReportArtifactsRequest): Promise<ReportArtifacts> {
  const other = request.otherRunId !== undefined && request.otherRunId !== request.currentRunId
  const runId = other ? (request.otherRunId as number) : (request.currentRunId ?? null)
  const where = `workflow run ${runId ?? '(this run)'}${other ? ` of ${request.owner}/${request.repo}` : ''}`
  const runHeadSha = other ? await request.otherRunHead(runId as number) : undefined
  // Loaded on demand: @actions/artifact brings the Azure SDK, which a run without artifacts never needs.
  const { DefaultArtifactClient } = cjsExports(await import('@actions/artifact'), 'DefaultArtifactClient')
  const client = new DefaultArtifactClient()
  const findBy: FindOptions['findBy'] = other ? { token: request.token, workflowRunId: runId as number, repositoryOwner: request.owner, repositoryName: request.repo } : undefined
  let listed: ListedArtifact[]
  try {
    // latest: a re-run that uploaded a name again replaces the earlier upload, as download-artifact takes it.
    const { artifacts } = await client.listArtifacts({ latest: true, ...(findBy ? { findBy } : {}) })
    listed = artifacts.map((a) => ({ id: a.id, name: a.name, size: a.size, digest: a.digest ?? null }))
  } catch (e) {
    throw ConfigError.at('report-artifacts', `cannot list the artifacts of ${where}: ${oneLine(e)}${other ? ' (reading another run\'s artifacts needs a github-token with `actions: read`)' : ''}`)
  }
  const { selected, problems } = selectArtifacts(request.patterns, request.min, listed, where)
  if (problems.length > 0) throw new ConfigError(problems.map((message) => ({ file: 'report-artifacts', message })))

  const root = await prepareArtifactsDir(request.workspace)
  const temp = await mkdtemp(path.join(request.tempDir || os.tmpdir(), 'sox-gate-artifacts-'))
  const artifacts: ReportArtifact[] = []
  const failed: InputProblem[] = []
  try {
    for (const a of selected) {
      try {
        artifacts.push(await fetchOne(client, a, root, temp, findBy))
        request.info?.(`report artifact ${a.name} (id ${a.id}, ${a.size} bytes, ${a.digest ?? 'no digest'}) unpacked to ${ARTIFACTS_DIR}/${a.name}/`)
      } catch (e) {
        failed.push({ file: `${ARTIFACTS_DIR}/${a.name}`, message: `artifact "${a.name}" (id ${a.id}) ${e instanceof ArtifactRefused ? e.message : `could not be downloaded: ${oneLine(e)}`}` })
      }
    }
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
  if (failed.length > 0) throw new ConfigError(failed)
  return { repository: `${request.owner}/${request.repo}`, runId, otherRun: other, ...(runHeadSha === undefined ? {} : { runHeadSha }), patterns: request.patterns, min: request.min, artifacts }
}

/** Why one artifact was refused after it arrived, in words that follow its name. */
class ArtifactRefused extends Error {}

async function fetchOne(client: DefaultArtifactClient, a: ListedArtifact, root: string, temp: string, findBy: FindOptions['findBy']): Promise<ReportArtifact> {
  const zipDir = path.join(temp, String(a.id))
  await mkdir(zipDir)
  // skipDecompress: the zip is kept as it arrived, so its digest is checked and it is unpacked safely (artifact-zip.ts).
  await client.downloadArtifact(a.id, { path: zipDir, skipDecompress: true, ...(findBy ? { findBy } : {}) })
  const arrived = await readdir(zipDir)
  if (arrived.length !== 1) throw new ArtifactRefused(`was not downloaded as one zip (${arrived.length} files arrived)`)
  const zipFile = path.join(zipDir, arrived[0] as string)
  const downloadedSha256 = await sha256File(zipFile)
  if (a.digest !== null && a.digest.toLowerCase() !== `sha256:${downloadedSha256}`) {
    throw new ArtifactRefused(`is corrupt: the zip downloaded has sha256 ${downloadedSha256}, but ${a.digest} was recorded when it was uploaded`)
  }
  const dir = path.join(root, a.name)
  try {
    // Not recursive: two artifacts whose names one file system folds together (A and a) are refused, not merged.
    await mkdir(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ArtifactRefused(`shares its folder with another artifact (names that differ only in case?)`)
    throw e
  }
  let files: number
  try {
    files = await unpackZip(zipFile, dir)
  } catch (e) {
    if (e instanceof ZipRefused) throw new ArtifactRefused(`is corrupt: ${e.message}`)
    throw e
  }
  return { id: a.id, name: a.name, size: a.size, digest: a.digest, downloadedSha256, path: `${ARTIFACTS_DIR}/${a.name}`, files }
}

/**
 * The artifacts the patterns name. Every including pattern must match at least one artifact (a
 * literal name that matched nothing is a leg that did not upload), and together they must come to
 * `min`: never a pass on what did arrive.
 */
export function selectArtifacts(patterns: readonly string[], min: number, listed: readonly ListedArtifact[], where: string): { selected: ListedArtifact[]; problems: string[] } {
  const options = { dot: true, nonegate: true }
  const excludes = patterns.filter((p) => p.startsWith('!')).map((p) => ({ literal: p.slice(1), glob: picomatch(p.slice(1), options) }))
  const kept = listed.filter((a) => !excludes.some((x) => a.name === x.literal || x.glob(a.name)))
  const problems: string[] = []
  const selected = new Map<string, ListedArtifact>()
  for (const pattern of patterns.filter((p) => !p.startsWith('!'))) {
    // A name is also taken literally: `junit [linux]` names itself, not a character class.
    const glob = picomatch(pattern, options)
    const matches = kept.filter((a) => a.name === pattern || glob(a.name))
    if (matches.length === 0) problems.push(`${JSON.stringify(pattern)} matched no artifact of ${where}${excludes.length > 0 ? ' (after exclusions)' : ''}: ${present(listed)}`)
    for (const a of matches) selected.set(a.name, a)
  }
  const names = [...selected.keys()].sort()
  if (names.length < min) {
    problems.push(`${names.length} artifact${names.length === 1 ? '' : 's'} matched (${names.join(', ') || 'none'}) but report-artifacts-min is ${min}: ${min - names.length} missing — a job that failed or was cancelled before it uploaded its reports proves nothing; ${present(listed)}`)
  }
  const unsafe = names.filter((n) => !isFolderName(n))
  for (const n of unsafe) problems.push(`artifact name ${JSON.stringify(n)} cannot be used as a folder name under ${ARTIFACTS_DIR}`)
  return { selected: names.map((n) => selected.get(n) as ListedArtifact), problems }
}

function present(listed: readonly ListedArtifact[]): string {
  if (listed.length === 0) return 'the run has no artifact at all'
  const names = listed.map((a) => a.name).sort()
  return `the run has ${names.slice(0, 20).join(', ')}${names.length > 20 ? ` and ${names.length - 20} more` : ''}`
}

/** One path segment, nothing a file system reads otherwise (upload-artifact refuses most of these; another run's names are not trusted). */
function isFolderName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\u0000-\u001f]/.test(name)
}

/**
 * Empties `.sox-gate/artifacts/`: files left there by an earlier run (a self-hosted runner keeps
 * its workspace) or committed by the change would otherwise be read as this run's reports. The
 * gate owns that folder; `.sox-gate` itself must be a real folder, not a link out of the workspace.
 */
async function prepareArtifactsDir(workspace: string): Promise<string> {
  const parent = path.join(workspace, path.dirname(ARTIFACTS_DIR))
  const stat = await lstat(parent).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined
    throw e
  })
  if (stat && !stat.isDirectory()) throw ConfigError.at(path.dirname(ARTIFACTS_DIR), 'is not a folder (a symbolic link or a file): the gate unpacks report artifacts there and will not follow it out of the workspace')
  const root = path.join(workspace, ARTIFACTS_DIR)
  await rm(root, { recursive: true, force: true })
  await mkdir(root, { recursive: true })
  return root
}

function oneLine(e: unknown): string {
  return ((e as Error).message ?? String(e)).split(/\r?\n/).filter(Boolean)[0] ?? 'unknown error'
}
