import { mergeStretch, mergesToCheck } from '../change/merges.js'
import type { ChangeRecord, CommitFacts, FileBlob, GitIdentity } from '../change/model.js'
import type { RunContext } from './change.js'
import type { GitHubClient } from './client.js'

/** GitHub lists at most this many files of a comparison (on its first page). */
const COMPARE_FILE_LIMIT = 300

interface ListedCommit {
  sha: string
  commit: { committer: { name?: string; email?: string } | null; verification?: { verified: boolean } }
  committer: { login: string; type: string } | Record<string, never> | null
  parents: { sha: string }[]
}

/** Who committed a commit, whether GitHub verified its signature, and its parents, as a compare or a commit lists them. */
export function commitFacts(c: ListedCommit): CommitFacts {
  const git = c.commit.committer
  const user = c.committer
  const committer: GitIdentity = {
    ...(git?.name ? { name: git.name } : {}),
    ...(git?.email ? { email: git.email } : {}),
    ...(user && 'login' in user && user.login ? { account: { login: user.login, type: user.type } } : {})
  }
  return { sha: c.sha, committer, verified: c.commit.verification?.verified === true, parents: c.parents.map((p) => p.sha) }
}

/**
 * For every merge whose commits GitHub did not all make (a rebase merge, which GitHub cannot sign,
 * or a merge someone made and pushed), the three comparisons its content is judged by (SPEC §13):
 * what the merge changed (`onto...mergeCommit`), what the approved head changes
 * (`onto...head`: from their merge base), and what the base side changed since that merge base
 * (`head...onto`). Three calls per such merge; none for a merge GitHub made.
 */
export async function readMergeContents(client: GitHubClient, ctx: RunContext, record: ChangeRecord): Promise<void> {
  for (const m of mergesToCheck(record)) {
    // Facts missing, or GitHub made every commit: nothing to read (the engine fails the first).
    if (m.products.every((p) => p.byGitHub === true) || m.products.some((p) => p.byGitHub === undefined)) continue
    const stretch = mergeStretch(m)
    if ('problem' in stretch) continue
    const merged = await changedFiles(client, ctx, stretch.onto, stretch.mergeCommit)
    const approved = await changedFiles(client, ctx, stretch.onto, m.headSha)
    const base = await changedFiles(client, ctx, m.headSha, stretch.onto)
    ;(record.merges ??= []).push({
      pullRequest: m.number,
      onto: stretch.onto,
      mergeCommit: stretch.mergeCommit,
      headSha: m.headSha,
      merged: merged.files,
      approved: approved.files,
      baseChanged: [...new Set(base.files.map((f) => f.path))],
      complete: merged.complete && approved.complete && base.complete
    })
  }
}

/** The files `compare/{base}...{head}` lists (from their merge base to head), each as head leaves it: a renamed file is its new path's blob and its old path gone. */
async function changedFiles(client: GitHubClient, ctx: RunContext, base: string, head: string): Promise<{ files: FileBlob[]; complete: boolean }> {
  const { data } = await client.rest.repos.compareCommitsWithBasehead({ owner: ctx.owner, repo: ctx.repo, basehead: `${base}...${head}`, per_page: 1 })
  const listed = data.files ?? []
  const files: FileBlob[] = []
  // A file GitHub lists without its blob cannot be shown equal to anything.
  let blobsKnown = true
  for (const f of listed) {
    if (f.status !== 'removed' && !f.sha) blobsKnown = false
    files.push({ path: f.filename, blob: f.status === 'removed' ? null : (f.sha ?? null) })
    if (f.previous_filename && f.status === 'renamed') files.push({ path: f.previous_filename, blob: null })
  }
  return { files, complete: blobsKnown && listed.length < COMPARE_FILE_LIMIT }
}
