import { recordJudgedAsPullRequest } from './events.js'
import { isWebFlow } from './identity.js'
import type { ChangeRecord, FileBlob, GitIdentity, MergeContent } from './model.js'

/** A commit that a merged pull request's merge produced: none of its reviewed commits, so only GitHub's making, or equal content, vouches for it. */
export interface MergeProduct {
  sha: string
  /** Position in the range (oldest first); -1 for the evaluated commit outside any range. */
  index: number
  /** True: GitHub's web-flow committed and signed it; false: someone else; undefined: the facts were not read. */
  byGitHub: boolean | undefined
  committer?: GitIdentity
  verified?: boolean
  /** Its first parent, when known: where a merge starting with it was made onto. */
  onto?: string
}

export interface PullRequestMerge {
  number: number
  headSha: string
  mergeCommitSha: string | null
  products: MergeProduct[]
}

/**
 * Every merged pull request whose merge produced commits that ship (SPEC §13): a commit of the
 * range that the gate counts for a pull request but that is none of the reviewed commits of any
 * pull request read (a merge commit, a squash, a rebase's copies), and the evaluated commit when
 * it is its pull request's `merge_commit_sha` and no range lists it. Version 3 records only.
 */
export function mergesToCheck(change: ChangeRecord): PullRequestMerge[] {
  const pr = change.pullRequest
  if (change.version < 3 || !pr || recordJudgedAsPullRequest(change)) return []
  const others = change.range?.pullRequests ?? []
  const reviewed = new Set([...change.commits, ...others.flatMap((o) => o.commits)].map((c) => c.sha))
  const byNumber = new Map<number, PullRequestMerge>()
  const of = (p: NonNullable<ChangeRecord['pullRequest']>): PullRequestMerge => {
    let m = byNumber.get(p.number)
    if (!m) byNumber.set(p.number, (m = { number: p.number, headSha: p.headSha, mergeCommitSha: p.mergeCommitSha ?? null, products: [] }))
    return m
  }
  const pulls = new Map([[pr.number, pr], ...others.map((o) => [o.pullRequest.number, o.pullRequest] as const)])
  for (const [index, c] of (change.range?.commits ?? []).entries()) {
    if (c.pullRequest === null || reviewed.has(c.sha)) continue
    const owner = pulls.get(c.pullRequest)
    // A commit counted for a pull request that was not read is failed elsewhere ("did not evaluate").
    if (!owner) continue
    of(owner).products.push({ sha: c.sha, index, byGitHub: c.committer ? isWebFlow(c.committer, c.verified) : undefined, committer: c.committer, verified: c.verified, onto: c.parents?.[0] })
  }
  const listed = change.range?.commits.some((c) => c.sha === change.sha) ?? false
  if (!listed && change.sha !== pr.headSha && change.sha === pr.mergeCommitSha && !reviewed.has(change.sha)) {
    const e = change.evaluatedCommit?.sha === change.sha ? change.evaluatedCommit : undefined
    of(pr).products.push({ sha: change.sha, index: -1, byGitHub: e ? isWebFlow(e.committer, e.verified) : undefined, committer: e?.committer, verified: e?.verified, onto: e?.parents[0] })
  }
  return [...byNumber.values()].filter((m) => m.products.length > 0)
}

/**
 * Where the content of a merge GitHub did not sign must be compared, or why it cannot be: from
 * the first parent of the first commit it produced, to its merge commit, which must be the last
 * commit it produced (so that every one of them lies inside the compared stretch).
 */
export function mergeStretch(m: PullRequestMerge): { onto: string; mergeCommit: string } | { problem: string } {
  const last = m.products[m.products.length - 1] as MergeProduct
  if (!m.mergeCommitSha || last.sha !== m.mergeCommitSha) {
    return { problem: `its merge commit ${m.mergeCommitSha ? m.mergeCommitSha.slice(0, 7) : '(none)'} is not the last commit the deployed range counts for it (${last.sha.slice(0, 7)})` }
  }
  const first = m.products[0] as MergeProduct
  if (!first.onto) return { problem: `the parent of ${first.sha.slice(0, 7)} is not known` }
  return { onto: first.onto, mergeCommit: m.mergeCommitSha }
}

/**
 * Whether a merge's content is the approved head merged as GitHub would merge it, as far as file
 * lists can show: the merge changed exactly the files the approved head changes, each to the
 * head's blob, and the base side changed none of them since the merge base (where both sides
 * changed a file, GitHub's merge of it is a new blob no list shows). Anything else is not shown
 * equal. File modes are not compared (a list gives blobs, not modes).
 */
export function mergeContentVerdict(c: MergeContent): { equal: true; files: number } | { equal: false; why: string } {
  if (!c.complete) return { equal: false, why: 'GitHub lists only the first 300 files of a comparison, so its content cannot be shown equal to the approved head' }
  const approved = blobs(c.approved)
  const merged = blobs(c.merged)
  const both = c.baseChanged.filter((p) => approved.has(p))
  if (both.length > 0) return { equal: false, why: `${list(both)} changed on the base branch too since the pull request's merge base, so GitHub's merge of ${both.length === 1 ? 'it' : 'them'} is unknown` }
  const extra = [...merged.keys()].filter((p) => !approved.has(p))
  if (extra.length > 0) return { equal: false, why: `it changes ${list(extra)}, which the approved head ${c.headSha.slice(0, 7)} does not change` }
  const differ = [...merged].filter(([p, blob]) => approved.get(p) !== blob).map(([p]) => p)
  if (differ.length > 0) return { equal: false, why: `${list(differ)} ${differ.length === 1 ? 'is' : 'are'} not as at the approved head ${c.headSha.slice(0, 7)}` }
  const dropped = [...approved.keys()].filter((p) => !merged.has(p))
  if (dropped.length > 0) return { equal: false, why: `the approved change to ${list(dropped)} is not in it` }
  return { equal: true, files: merged.size }
}

function blobs(files: readonly FileBlob[]): Map<string, string | null> {
  return new Map(files.map((f) => [f.path, f.blob]))
}

function list(paths: string[]): string {
  const shown = paths.slice(0, 5).join(', ')
  return paths.length > 5 ? `${shown} and ${paths.length - 5} more` : shown
}
