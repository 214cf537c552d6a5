import type { Account, ChangeCommit, ChangeRecord, ChangeReview } from '../../src/change/model.js'

export const HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
export const OLD = '1a2b3c4d5e6f708192a3b4c5d6e7f80912345678'

export const user = (login: string, type = 'User'): Account => ({ login, type })

/** A commit; GitHub signs what its web-flow commits, so those are verified unless `verified: false`. */
export function commit(sha: string, author: string | { email: string; name?: string }, options: { committer?: string; coAuthors?: { name: string; email: string }[]; verified?: boolean } = {}): ChangeCommit {
  const id = typeof author === 'string' ? { name: author, email: `${author}@example.com`, account: user(author) } : { ...author }
  const committer = options.committer === undefined ? { name: 'GitHub', email: 'noreply@github.com', account: user('web-flow') } : { name: options.committer, email: `${options.committer}@example.com`, account: user(options.committer) }
  return { sha, author: id, committer, verified: options.verified ?? options.committer === undefined, coAuthors: options.coAuthors ?? [] }
}

let reviewId = 1
export function review(login: string, state: ChangeReview['state'], commitId = HEAD, at = '2026-11-20T10:00:00Z', type = 'User'): ChangeReview {
  return { id: reviewId++, user: user(login, type), state, commitId, submittedAt: at }
}

/** Pull request #42 opened by `opener`, head HEAD, with the given commits and reviews. */
export function prChange(opener: string, commits: ChangeCommit[], reviews: ChangeReview[], extra: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    version: 1,
    repository: 'acme/ledger',
    sha: HEAD,
    event: 'pull_request',
    pullRequest: { number: 42, author: user(opener), headSha: HEAD, url: 'https://github.com/acme/ledger/pull/42', title: 'Post journal entries' },
    commits,
    commitsComplete: true,
    reviews,
    problems: [],
    ...extra
  }
}
