import picomatch from 'picomatch'
import type { ChangeRecord } from '../change/model.js'
import { loadControlMap } from '../controls/load.js'
import { normalisePath } from '../controls/protected.js'
import { ConfigError } from '../errors.js'
import { headApprovals } from '../engine/independent-approvals.js'
import { readPullRequest } from '../github/change.js'
import { describeApiError, type GitHubClient } from '../github/client.js'
import { readMap } from '../github/trust.js'
import { iso } from './deployments.js'
import { ApiFailure, graphql, nextCursor, nodesOf, type Page } from './graphql.js'
import type { AuditException } from './model.js'
import type { QueryLog } from './query-log.js'

/**
 * How far before the period the history is read: a pull request merged with a merge commit keeps
 * its commits' own (earlier) dates, so a change that landed in the period can carry a date before it.
 */
export const LOOKBACK_DAYS = 90

interface HistoryNode {
  oid: string
  committedDate: string
  messageHeadline: string
  parents: Page<{ oid: string }>
  associatedPullRequests: Page<{ number: number; merged: boolean; mergedAt: string | null; repository: { nameWithOwner: string } }> | null
}

const HISTORY = `query AuditGateConfig($owner: String!, $name: String!, $path: String, $since: GitTimestamp, $until: GitTimestamp, $after: String) {
  repository(owner: $owner, name: $name) {
    defaultBranchRef { name target { ... on Commit {
      history(path: $path, since: $since, until: $until, first: 100, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        nodes { oid committedDate messageHeadline parents(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { oid } } associatedPullRequests(first: 10) { totalCount pageInfo { hasNextPage endCursor } nodes { number merged mergedAt repository { nameWithOwner } } } }
      }
    } } }
  }
}`

/** One change of the gate's configuration that landed on the default branch in the period. */
export interface ConfigChange {
  /** `#12` or the commit's sha. */
  id: string
  pullRequest?: number
  commits: string[]
  landedAt: string
  paths: string[]
  /** The trusted map's control owners that approved it independently; empty: none did. */
  approvedBy: string[]
  finding: string
}

/** The literal folder (or file) a glob starts with: what `history(path:)` can follow. */
export function literalPrefix(glob: string): string {
  const parts = normalisePath(glob).split('/')
  const i = parts.findIndex((p) => /[*?[\]{}!()+@]/.test(p))
  return (i < 0 ? parts : parts.slice(0, i)).join('/')
}

/**
 * `gate-config-changed` (SPEC §14): every change of the control map and of the map's
 * `protected-paths` on the default branch that landed in [from, to), each with the control owner
 * of the trusted map (the map at the change's base) who approved it independently — the engine's
 * rule (headApprovals), as SOX-GATE-INTEGRITY applies it — or the finding that none did.
 */
export async function configChanges(client: GitHubClient, repo: { owner: string; name: string; full: string; defaultBranch: string }, mapPath: string, period: { from: Date; to: Date }, log: QueryLog): Promise<{ changes: ConfigChange[]; exceptions: AuditException[]; globs: string[] }> {
  const path = normalisePath(mapPath)
  const current = await mapAt(client, repo, path, repo.defaultBranch)
  const globs = [path, ...(current?.protectedPaths ?? [])]
  const matchers = globs.map((g) => ({ glob: g, test: picomatch(g, { dot: true }) }))
  const since = new Date(period.from.getTime() - LOOKBACK_DAYS * 86_400_000)
  const from = period.from.toISOString()
  const to = period.to.toISOString()
  // Each commit that touched a followed path, once, with the globs it may match.
  const touched = new Map<string, { node: HistoryNode; globs: Set<string>; exact: boolean }>()
  for (const prefix of [...new Set(globs.map(literalPrefix))].sort()) {
    const record = log.start('POST /graphql: defaultBranchRef.target.history(path:) with each commit\'s associated pull requests', { repository: repo.full, branch: repo.defaultBranch, path: prefix || null, since: since.toISOString(), until: to, first: 100 })
    let after: string | null = null
    do {
      const data: { repository: { defaultBranchRef: { target: { history: Page<HistoryNode> } | null } | null } | null } = await graphql(client, `history of ${prefix || '/'} in ${repo.full}`, HISTORY, { owner: repo.owner, name: repo.name, path: prefix || null, since: since.toISOString(), until: to, after })
      const page = data.repository?.defaultBranchRef?.target?.history
      if (!page) throw new ApiFailure(`GitHub GraphQL (history of ${repo.full}): the default branch cannot be read`)
      record.pages += 1
      for (const node of nodesOf(page, `history of ${repo.full}`)) {
        record.received += 1
        const entry = touched.get(node.oid) ?? touched.set(node.oid, { node, globs: new Set(), exact: false }).get(node.oid) as { node: HistoryNode; globs: Set<string>; exact: boolean }
        for (const g of globs) if (literalPrefix(g) === prefix) entry.globs.add(g)
        if (prefix === path) entry.exact = true
      }
      after = nextCursor(page, `history of ${repo.full}`)
    } while (after !== null)
  }
  // A commit found through a folder may have touched only files the glob does not match: its files decide.
  const changes = new Map<string, ConfigChange & { bases: Set<string> }>()
  for (const { node, globs: candidates, exact } of [...touched.values()].sort((a, b) => a.node.committedDate.localeCompare(b.node.committedDate) || a.node.oid.localeCompare(b.node.oid))) {
    const paths = exact && candidates.size === 1 ? [path] : await matchedPaths(client, repo, node.oid, matchers.filter((m) => candidates.has(m.glob)))
    if (paths.length === 0) continue
    const prs = nodesOf(node.associatedPullRequests, `pull requests of ${node.oid}`).filter((p) => p.merged && p.mergedAt && p.repository.nameWithOwner.toLowerCase() === repo.full.toLowerCase())
    const pr = prs.sort((a, b) => (a.mergedAt as string).localeCompare(b.mergedAt as string))[0]
    const landedAt = iso(pr?.mergedAt ?? node.committedDate)
    if (landedAt < from || landedAt >= to) continue
    const id = pr ? `#${pr.number}` : node.oid
    const known = changes.get(id)
    if (known) {
      known.commits.push(node.oid)
      for (const p of paths) if (!known.paths.includes(p)) known.paths.push(p)
      continue
    }
    const parent = nodesOf(node.parents, `parents of ${node.oid}`)[0]?.oid
    changes.set(id, { id, ...(pr ? { pullRequest: pr.number } : {}), commits: [node.oid], landedAt, paths: [...paths], approvedBy: [], finding: '', bases: new Set(parent ? [parent] : []) })
  }
  const out: ConfigChange[] = []
  const exceptions: AuditException[] = []
  for (const c of [...changes.values()].sort((a, b) => a.landedAt.localeCompare(b.landedAt) || a.id.localeCompare(b.id))) {
    const { bases, ...change } = c
    const judged = await judge(client, repo, path, change, [...bases][0])
    out.push(judged)
    exceptions.push({ code: 'gate-config-changed', repository: repo.full, deploymentId: null, sha: change.commits[change.commits.length - 1] as string, at: change.landedAt, subject: change.pullRequest ? `pull request #${change.pullRequest}` : `commit ${change.id.slice(0, 7)}`, finding: judged.finding })
  }
  return { changes: out, exceptions, globs }
}

async function mapAt(client: GitHubClient, repo: { owner: string; name: string; full: string }, path: string, ref: string): Promise<ReturnType<typeof loadControlMap> | null> {
  let text: string | null
  try {
    text = await readMap(client, { owner: repo.owner, repo: repo.name }, path, ref)
  } catch (e) {
    throw new ApiFailure((e as Error).message)
  }
  if (text === null) return null
  try {
    return loadControlMap(text, `${repo.full}/${path}@${ref.slice(0, 12)}`)
  } catch (e) {
    // A map that does not load names no owners: nobody can have approved as one.
    if (e instanceof ConfigError) return { ...emptyMap(), file: path, source: text }
    throw e
  }
}

function emptyMap(): ReturnType<typeof loadControlMap> {
  return { file: '', source: '', version: 1, system: '', controlOwners: [], protectedPaths: [], trustedBranches: [], deployers: [], maxWaiverDays: 30, reports: [], committedReports: 'refuse', controls: [], waivers: [] }
}

async function matchedPaths(client: GitHubClient, repo: { owner: string; name: string }, sha: string, matchers: { glob: string; test: (p: string) => boolean }[]): Promise<string[]> {
  try {
    const { data } = await client.rest.repos.getCommit({ owner: repo.owner, repo: repo.name, ref: sha, per_page: 300 })
    const files = (data.files ?? []).flatMap((f) => (f.previous_filename ? [f.filename, f.previous_filename] : [f.filename]))
    return [...new Set(files.filter((f) => matchers.some((m) => m.test(f))))].sort()
  } catch (e) {
    throw new ApiFailure(`the files of ${sha.slice(0, 7)} cannot be read: ${describeApiError(e)}`)
  }
}

/** Who approved one change: the engine's independent approvals on its head, among the control owners of the map at its base. */
async function judge(client: GitHubClient, repo: { owner: string; name: string; full: string }, path: string, change: ConfigChange, parent: string | undefined): Promise<ConfigChange> {
  const what = `${change.paths.join(', ')} changed by ${change.pullRequest ? `pull request #${change.pullRequest}` : `commit ${change.id.slice(0, 7)}`} (landed ${change.landedAt})`
  if (!change.pullRequest) {
    return { ...change, finding: `${what}: a direct push, no pull request and no review: NO control owner approved it` }
  }
  let read
  try {
    read = await readPullRequest(client, { owner: repo.owner, repo: repo.name, eventName: 'push', payload: {}, sha: change.commits[0] as string }, change.pullRequest)
  } catch (e) {
    throw new ApiFailure(`pull request #${change.pullRequest} of ${repo.full} cannot be read: ${describeApiError(e)}`)
  }
  const base = read.pullRequest.baseSha ?? parent
  const trusted = base ? await mapAt(client, repo, path, base) : null
  const record: ChangeRecord = { version: 2, repository: repo.full, sha: read.pullRequest.mergeCommitSha ?? read.pullRequest.headSha, event: 'push', pullRequest: read.pullRequest, commits: read.commits, commitsComplete: read.commitsComplete, reviews: read.reviews, problems: [] }
  const approvals = headApprovals(record)
  const independent = [...approvals.independent].sort()
  const blockers = [...(read.commitsComplete ? [] : ['its commits cannot all be listed, so its authors cannot all be known']), ...approvals.unlinked.map((a) => `${a.label} has no GitHub account`)]
  if (!trusted) {
    // First adoption: no owners yet; the engine's rule is an independent approval of any kind.
    if (independent.length && !blockers.length) return { ...change, approvedBy: independent, finding: `${what}: the control map is introduced here (none at base ${(base ?? '?').slice(0, 7)}); approved independently by ${independent.join(', ')}` }
    return { ...change, finding: `${what}: the control map is introduced here (none at base ${(base ?? '?').slice(0, 7)}) and NO independent approval${blockers.length ? ` can be shown (${blockers.join('; ')})` : ' was given'}` }
  }
  const owners = trusted.controlOwners
  const approvedBy = owners.filter((o) => approvals.independent.has(o)).sort()
  if (approvedBy.length && !blockers.length) return { ...change, approvedBy, finding: `${what}: approved on its head by control owner ${approvedBy.join(', ')}, who is not an author` }
  const others = [...approvals.discounted.values(), ...independent.filter((l) => !owners.includes(l)).map((l) => `${l} approved but is not a control owner`)]
  return { ...change, finding: `${what}: NO control owner approved it independently (control owners at base ${(base ?? '?').slice(0, 7)}: ${owners.join(', ') || 'none named'}${blockers.length ? `; ${blockers.join('; ')}` : ''}${others.length ? `; ${others.join('; ')}` : ''})` }
}
