import { createHash } from 'node:crypto'
import type { ChangedFile, ChangeRecord, TrustFacts } from '../change/model.js'
import { normalisePath } from '../controls/protected.js'
import type { RunContext } from './change.js'
import { describeApiError, type GitHubClient } from './client.js'

/** Where the trusted map lives: this repository (read at the change's base), or a policy repository. */
export type MapLocation = { kind: 'repository'; path: string } | { kind: 'policy'; owner: string; repo: string; path: string; ref: string }

export const DEFAULT_MAP_PATH = '.github/sox-controls.yml'

/** `OWNER/REPO/PATH@REF` names a map in a policy repository; anything else is a path in this one. */
export function parseMapLocation(input: string): MapLocation {
  const m = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)\/([^@]+)@([^@\s]+)$/.exec(input.trim())
  if (m) return { kind: 'policy', owner: m[1] as string, repo: m[2] as string, path: normalisePath(m[3] as string), ref: m[4] as string }
  return { kind: 'repository', path: input }
}

export function describeLocation(loc: MapLocation): string {
  return loc.kind === 'policy' ? `${loc.owner}/${loc.repo}/${loc.path}@${loc.ref}` : loc.path
}

/** The trusted map could not be read: the gate blocks, and never falls back to the workspace's copy. */
export class TrustedMapUnreadable extends Error {}

/** GitHub lists at most this many files of a compare or a commit, and 3,000 of a pull request. */
const COMPARE_FILE_LIMIT = 300
const PULL_FILE_LIMIT = 3000

export interface TrustRead {
  facts: TrustFacts
  /** The trusted map's text; null on first adoption. */
  trustedText: string | null
}

/**
 * Reads the facts that decide which map judges the change (SPEC §9): the base the map is read at,
 * the files the change touches, and the trusted map itself. An API failure reading the files is
 * recorded in the change's problems (SOX-GATE-INTEGRITY then fails); one reading the trusted map
 * throws TrustedMapUnreadable.
 */
export async function readTrust(
  clients: { repo: GitHubClient; policy: GitHubClient },
  ctx: RunContext,
  change: ChangeRecord,
  location: MapLocation,
  proposed: { path: string; text: string }
): Promise<TrustRead> {
  const repo = { owner: ctx.owner, repo: ctx.repo }
  const base = rangeBase(ctx, change)
  const { files, filesComplete } = await readFiles(clients.repo, ctx, change, base).catch((e: unknown) => {
    change.problems.push(`the files this change touches could not be read: ${describeApiError(e)}`)
    return { files: [] as ChangedFile[], filesComplete: false }
  })
  const proposedSha256 = createHash('sha256').update(proposed.text).digest('hex')
  const common = { proposedPath: normalisePath(proposed.path), proposedSha256, files, filesComplete }
  if (location.kind === 'policy') {
    const text = await readMap(clients.policy, { owner: location.owner, repo: location.repo }, location.path, location.ref)
    if (text === null) throw new TrustedMapUnreadable(`the policy control map ${describeLocation(location)} does not exist (404): the gate never falls back to the workspace's copy`)
    return { trustedText: text, facts: { ...common, source: 'policy', repository: `${location.owner}/${location.repo}`, path: location.path, ref: location.ref, sha256: sha256(text), note: `the policy repository ${location.owner}/${location.repo} at ${location.ref}` } }
  }
  if (!base) throw new TrustedMapUnreadable(`no base is known for this ${ctx.eventName} event, so the trusted control map cannot be read`)
  const path = normalisePath(location.path)
  const text = await readMap(clients.repo, repo, path, base.sha)
  const fullName = `${ctx.owner}/${ctx.repo}`
  if (text !== null) return { trustedText: text, facts: { ...common, source: 'base', repository: fullName, path, ref: base.sha, sha256: sha256(text), note: base.note } }
  // Absent at the base: first adoption only if this change adds it, and only if no map at the
  // default path would otherwise judge (a change must not redirect the gate to a map of its own).
  const added = files.some((f) => normalisePath(f.path) === path && f.status === 'added')
  if (!added) {
    throw new TrustedMapUnreadable(`the control map ${path} cannot be read at ${base.note} (404), and this change does not add it: the gate never falls back to the workspace's copy`)
  }
  if (path !== DEFAULT_MAP_PATH) {
    const fallback = await readMap(clients.repo, repo, DEFAULT_MAP_PATH, base.sha)
    if (fallback !== null) {
      return {
        trustedText: fallback,
        facts: { ...common, source: 'base', repository: fullName, path: DEFAULT_MAP_PATH, ref: base.sha, sha256: sha256(fallback), note: `${base.note} (the control-map input names ${path}, which this change introduces; the base's map at ${DEFAULT_MAP_PATH} is trusted)` }
      }
    }
  }
  return { trustedText: null, facts: { ...common, source: 'first-adoption', repository: fullName, path, ref: base.sha, sha256: null, note: `${base.note}, where ${path} does not exist yet` } }
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')
const short = (sha: string): string => sha.slice(0, 7)

/** The commit whose map is trusted, per event (SPEC §9); undefined when none can be known. */
function rangeBase(ctx: RunContext, change: ChangeRecord): { sha: string; note: string; kind: 'pull' | 'range' | 'parent' } | undefined {
  const p = ctx.payload as { pull_request?: { base?: { sha?: string } }; merge_group?: { base_sha?: string } }
  const pr = change.pullRequest
  if (p.pull_request?.base?.sha) return { sha: p.pull_request.base.sha, note: `base ${short(p.pull_request.base.sha)} of pull request #${pr?.number ?? '?'}`, kind: 'pull' }
  if (ctx.eventName === 'merge_group') return p.merge_group?.base_sha ? { sha: p.merge_group.base_sha, note: `base ${short(p.merge_group.base_sha)} of the merge queue entry`, kind: 'pull' } : undefined
  const range = change.range
  if (range) {
    const note =
      range.source === 'since'
        ? `the range start ${range.start} (${short(range.startSha)}, input since)`
        : range.source === 'deployment'
          ? `the range start ${short(range.startSha)}, the last successful deployment to ${range.deployment?.environment ?? '?'}`
          : `the push's range start ${short(range.startSha)}`
    return { sha: range.startSha, note, kind: 'range' }
  }
  if (pr?.baseSha) return { sha: pr.baseSha, note: `base ${short(pr.baseSha)} of merged pull request #${pr.number}`, kind: 'pull' }
  if (change.parentSha) return { sha: change.parentSha, note: `parent ${short(change.parentSha)} of ${short(change.sha)} (no pull request, no range start)`, kind: 'parent' }
  return undefined
}

async function readFiles(client: GitHubClient, ctx: RunContext, change: ChangeRecord, base: ReturnType<typeof rangeBase>): Promise<{ files: ChangedFile[]; filesComplete: boolean }> {
  const repo = { owner: ctx.owner, repo: ctx.repo }
  const toFile = (f: { filename: string; status: string; previous_filename?: string }): ChangedFile => ({ path: f.filename, status: f.status, ...(f.previous_filename ? { previousPath: f.previous_filename } : {}) })
  // A range's files came with its compare (SPEC §10): every commit shipped, not one pull request's.
  if (base?.kind === 'range' && change.range) return { files: change.range.files, filesComplete: change.range.filesComplete }
  const pr = change.pullRequest
  if (pr) {
    const listed = await client.paginate(client.rest.pulls.listFiles, { ...repo, pull_number: pr.number, per_page: 100 })
    const files = listed.map(toFile)
    return { files, filesComplete: files.length < PULL_FILE_LIMIT && (pr.changedFiles === undefined || files.length >= pr.changedFiles) }
  }
  const { data } = await client.rest.repos.getCommit({ ...repo, ref: change.sha })
  const files = (data.files ?? []).map(toFile)
  return { files, filesComplete: files.length < COMPARE_FILE_LIMIT }
}

/** A file's text at a ref through the contents API (raw media type); null when GitHub answers 404. */
export async function readMap(client: GitHubClient, repo: { owner: string; repo: string }, path: string, ref: string): Promise<string | null> {
  try {
    // The path is encoded here, segment by segment, and not left to the `{path}` template: that
    // one turns "/" into %2F, and a retried request would encode it once more (%252F: a 404).
    const url = `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}/contents/${path.split('/').map(encodeURIComponent).join('/')}`
    const { data } = (await client.request(`GET ${url}`, { ref, mediaType: { format: 'raw' } })) as { data: unknown }
    if (typeof data !== 'string') throw new TrustedMapUnreadable(`${repo.owner}/${repo.repo}/${path}@${ref} is not a file`)
    return data
  } catch (e) {
    if (e instanceof TrustedMapUnreadable) throw e
    if ((e as { status?: number }).status === 404) return null
    throw new TrustedMapUnreadable(`the trusted control map ${repo.owner}/${repo.repo}/${path}@${short(ref)} cannot be read: ${describeApiError(e)}; the gate never falls back to the workspace's copy`)
  }
}
