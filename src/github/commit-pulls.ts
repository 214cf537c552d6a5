import type { RunContext } from './change.js'
import type { GitHubClient } from './client.js'

/** Commits asked about in one GraphQL query: GitHub allows far more, and 100 keeps each answer small. */
export const COMMITS_PER_QUERY = 100
/** Pull requests listed per commit; a commit with more is asked about again through REST, every page. */
const PULLS_PER_COMMIT = 10

interface PullNode {
  number: number
  merged: boolean
  repository: { nameWithOwner: string }
}
interface CommitPulls {
  associatedPullRequests: { totalCount: number; nodes: (PullNode | null)[] }
}
type Answer = { repository: Record<string, CommitPulls | Record<string, never> | null> | null }

/**
 * For each commit, the numbers of the merged pull requests that brought it (GitHub's
 * `associatedPullRequests`, the same answer as REST `commits/{sha}/pulls`), for up to
 * COMMITS_PER_QUERY commits a call instead of one call per commit. A commit GitHub does not know
 * is an error, not "no pull request": the caller fails closed on it.
 */
export async function mergedPullRequestsOf(client: GitHubClient, ctx: RunContext, shas: readonly string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>()
  const here = `${ctx.owner}/${ctx.repo}`.toLowerCase()
  const unique = [...new Set(shas)]
  for (let i = 0; i < unique.length; i += COMMITS_PER_QUERY) {
    const batch = unique.slice(i, i + COMMITS_PER_QUERY)
    const variables = Object.fromEntries(batch.map((sha, k) => [`c${k}`, sha]))
    const query = `query($owner: String!, $name: String!, ${batch.map((_, k) => `$c${k}: GitObjectID!`).join(', ')}) {
  repository(owner: $owner, name: $name) {
${batch.map((_, k) => `    c${k}: object(oid: $c${k}) { ... on Commit { associatedPullRequests(first: ${PULLS_PER_COMMIT}) { totalCount nodes { number merged repository { nameWithOwner } } } } }`).join('\n')}
  }
}`
    const answer = await client.graphql<Answer>(query, { owner: ctx.owner, name: ctx.repo, ...variables })
    if (!answer.repository) throw new Error(`GitHub's GraphQL API does not know the repository ${ctx.owner}/${ctx.repo}`)
    for (const [k, sha] of batch.entries()) {
      const found = answer.repository[`c${k}`]
      if (!found || !('associatedPullRequests' in found)) throw new Error(`GitHub's GraphQL API does not know commit ${sha} of ${ctx.owner}/${ctx.repo}`)
      const listed = found.associatedPullRequests
      const nodes = listed.nodes.filter((n): n is PullNode => n !== null)
      // A pull request of another repository of the network (an upstream of this fork) has a
      // number that means another pull request here: only this repository's count.
      const merged = nodes.filter((n) => n.merged && n.repository.nameWithOwner.toLowerCase() === here).map((n) => n.number)
      // Cut short with no merged one among those listed: ask REST for all of them rather than guess.
      if (merged.length === 0 && listed.totalCount > nodes.length) out.set(sha, await mergedThroughRest(client, ctx, sha))
      else out.set(sha, merged)
    }
  }
  return out
}

async function mergedThroughRest(client: GitHubClient, ctx: RunContext, sha: string): Promise<number[]> {
  const all = await client.paginate(client.rest.repos.listPullRequestsAssociatedWithCommit, { owner: ctx.owner, repo: ctx.repo, commit_sha: sha, per_page: 100 })
  return all.filter((p) => p.merged_at).map((p) => p.number)
}
