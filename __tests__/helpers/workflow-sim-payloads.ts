import type { GitPerson } from './fake-github.js'
import type { SimPull, SimRepo } from './workflow-sim-repo.js'
import type { SimRun } from './workflow-sim-types.js'

// Event payloads as GitHub's webhooks deliver them to a workflow run (the fields recipes and the
// gate read, with GitHub's names and shapes: webhook review states are lower case, REST's upper).

const API = 'https://api.github.com/repos/acme/ledger'

export function repository(repo: SimRepo): Record<string, unknown> {
  return { id: 42, node_id: 'R_42', name: 'ledger', full_name: 'acme/ledger', private: true, visibility: 'private', owner: { login: 'acme', id: 100, type: 'Organization' }, html_url: 'https://github.com/acme/ledger', url: API, default_branch: repo.defaultBranch, fork: false }
}

export function sender(login: string): Record<string, unknown> {
  return { login, id: login.length * 1000 + login.charCodeAt(0), type: login.endsWith('[bot]') ? 'Bot' : 'User' }
}

/** The pull request object of pull_request* and workflow_run payloads. */
export function pullRequest(repo: SimRepo, pr: SimPull): Record<string, unknown> {
  const rest = repo.restPull(pr)
  const side = (ref: string, sha: string) => ({ label: `acme:${ref}`, ref, sha, user: { login: 'acme', type: 'Organization' }, repo: repository(repo) })
  return {
    ...rest,
    url: `${API}/pulls/${pr.number}`,
    node_id: `PR_${pr.number}`,
    locked: false,
    draft: false,
    merged: pr.mergedAt !== null,
    closed_at: pr.state === 'closed' ? pr.mergedAt : null,
    head: side(pr.headRef, pr.headSha),
    base: side(pr.baseRef, pr.baseSha),
    author_association: 'MEMBER'
  }
}

export function pullRequestPayload(repo: SimRepo, pr: SimPull, action: string, by: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { action, number: pr.number, pull_request: pullRequest(repo, pr), repository: repository(repo), sender: sender(by), ...extra }
}

export function reviewPayload(repo: SimRepo, pr: SimPull, action: string, review: { id: number | bigint; user: { login: string } | null; state: string; commit_id: string | null; submitted_at?: string; body: string | null }, by: string): Record<string, unknown> {
  const webhookReview = { id: review.id, node_id: `PRR_${review.id}`, user: sender(review.user?.login ?? 'ghost'), body: review.body, commit_id: review.commit_id, submitted_at: review.submitted_at, state: review.state.toLowerCase(), html_url: `https://github.com/acme/ledger/pull/${pr.number}#pullrequestreview-${review.id}`, author_association: 'MEMBER' }
  return { action, review: webhookReview, pull_request: pullRequest(repo, pr), repository: repository(repo), sender: sender(by) }
}

export function pushPayload(repo: SimRepo, branch: string, before: string | undefined, after: string, pusher: GitPerson): Record<string, unknown> {
  const zero = '0'.repeat(40)
  const commits = before ? repo.between(before, after) : [repo.commits.get(after)].filter((c) => c !== undefined)
  const asPushed = (sha: string) => {
    const c = repo.commits.get(sha)
    if (!c) return null
    return { id: c.sha, tree_id: 'ab'.repeat(20), distinct: true, message: c.message, timestamp: c.at, url: `https://github.com/acme/ledger/commit/${c.sha}`, author: { name: c.author.name, email: c.author.email, username: c.author.login }, committer: { name: c.committer.name, email: c.committer.email, username: c.committer.login } }
  }
  return {
    ref: `refs/heads/${branch}`,
    before: before ?? zero,
    after,
    created: before === undefined,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/acme/ledger/compare/${(before ?? zero).slice(0, 12)}...${after.slice(0, 12)}`,
    commits: commits.map((c) => asPushed(c.sha)),
    head_commit: asPushed(after),
    pusher: { name: pusher.login ?? pusher.name, email: pusher.email },
    repository: repository(repo),
    sender: sender(pusher.login ?? pusher.name)
  }
}

/**
 * A workflow_run payload as GitHub builds it: the run (id, name, path, workflow_id, head commit and
 * branch, event, status, conclusion, attempt) and the open pull requests of this repository whose
 * head is the run's head branch and commit (a fork's are never listed).
 */
export function workflowRunPayload(repo: SimRepo, run: SimRun, workflowId: number, action: string, by: string): Record<string, unknown> {
  const pulls = [...repo.pulls.values()].filter((pr) => pr.state === 'open' && pr.headRef === run.headBranch && pr.headSha === run.headSha)
  const small = (ref: string, sha: string) => ({ ref, sha, repo: { id: 42, url: API, name: 'ledger' } })
  const status = action === 'requested' ? 'queued' : action === 'in_progress' ? 'in_progress' : 'completed'
  return {
    action,
    workflow_run: {
      id: run.id,
      name: run.name,
      node_id: `WFR_${run.id}`,
      path: run.path,
      workflow_id: workflowId,
      head_sha: run.headSha,
      head_branch: run.headBranch,
      event: run.event,
      status,
      conclusion: status === 'completed' ? run.conclusion : null,
      run_attempt: run.attempt,
      run_number: run.id % 1000,
      html_url: `https://github.com/acme/ledger/actions/runs/${run.id}`,
      url: `${API}/actions/runs/${run.id}`,
      artifacts_url: `${API}/actions/runs/${run.id}/artifacts`,
      pull_requests: pulls.map((pr) => ({ id: 1_000_000 + pr.number, number: pr.number, url: `${API}/pulls/${pr.number}`, head: small(pr.headRef, pr.headSha), base: small(pr.baseRef, pr.baseSha) })),
      head_commit: { id: run.headSha },
      repository: repository(repo),
      head_repository: repository(repo)
    },
    workflow: { id: workflowId, name: run.name, path: run.path, state: 'active' },
    repository: repository(repo),
    sender: sender(by)
  }
}
