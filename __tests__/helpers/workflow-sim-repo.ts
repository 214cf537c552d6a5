import { createHash } from 'node:crypto'
import type { components } from '@octokit/openapi-types'
import { ghBaseRefChanged } from './fake-github-lifecycle.js'
import { ghCommit, ghFile, ghPull, ghReview, WEB_FLOW, type GitPerson, type Scenario } from './fake-github.js'

// The repository the simulated GitHub holds: commits with their full trees, branches, pull
// requests with their reviews and timelines, and the test merge commits GitHub makes for them
// (refs/pull/N/merge). The fake GitHub API serves views of it (bindScenario), so every endpoint
// the gate reads answers from the same state the simulator's events change.

export type Files = Record<string, string>
type Review = components['schemas']['pull-request-review']
type TimelineEvent = components['schemas']['state-change-issue-event']

export interface SimCommit {
  sha: string
  tree: Files
  parents: string[]
  author: GitPerson
  committer: GitPerson
  message: string
  at: string
  verified: boolean
}

export interface SimPull {
  number: number
  title: string
  author: string
  headRef: string
  baseRef: string
  headSha: string
  /** The base branch's head when the pull request was last updated (REST `base.sha`). */
  baseSha: string
  state: 'open' | 'closed'
  mergedAt: string | null
  mergeCommitSha: string | null
  reviews: Review[]
  timeline: TimelineEvent[]
}

/**
 * GitHub's timestamps are whole seconds: what must be ordered (commits, reviews, base changes) gets
 * a second of its own, never going back; the rest (runs, deployments) reads the time without
 * taking one, so the clock stays near the real time the gate compares with.
 */
export class Clock {
  private last = 0
  now(): string {
    this.last = Math.max(Math.floor(Date.now() / 1000) * 1000, this.last + 1000)
    return this.peek()
  }

  peek(): string {
    return new Date(Math.max(Math.floor(Date.now() / 1000) * 1000, this.last)).toISOString().replace(/\.\d{3}Z$/, 'Z')
  }
}

/** A login as a git identity (an e-mail GitHub links to that account). */
export function person(who: string | GitPerson): GitPerson {
  return typeof who === 'string' ? { name: who, email: `${who}@acme.example`, login: who } : who
}

export class SimRepo {
  readonly commits = new Map<string, SimCommit>()
  readonly branches = new Map<string, string>()
  readonly pulls = new Map<number, SimPull>()
  private readonly merges = new Map<string, string>()

  constructor(
    readonly defaultBranch: string,
    readonly clock: Clock
  ) {}

  /** A new commit (its sha from its content and its place, as git's is). */
  commit(parents: string[], tree: Files, author: GitPerson, committer: GitPerson, message: string, verified = committer === WEB_FLOW): SimCommit {
    const at = this.clock.now()
    const sha = createHash('sha1').update(JSON.stringify([parents, tree, author, committer, message, at, this.commits.size])).digest('hex')
    const c: SimCommit = { sha, tree, parents, author, committer, message, at, verified }
    this.commits.set(sha, c)
    return c
  }

  /** A ref as git and GitHub resolve it: a sha, a branch (`main`, `refs/heads/main`), `refs/pull/N/merge|head`, `HEAD`. */
  resolve(ref: string): string | undefined {
    if (this.commits.has(ref)) return ref
    if (ref === 'HEAD') return this.branches.get(this.defaultBranch)
    const pull = /^refs\/pull\/(\d+)\/(merge|head)$/.exec(ref)
    if (pull) {
      const pr = this.pulls.get(Number(pull[1]))
      if (!pr) return undefined
      return pull[2] === 'head' ? pr.headSha : this.testMerge(pr)
    }
    return this.branches.get(ref.replace(/^refs\/heads\//, ''))
  }

  tree(ref: string): Files | undefined {
    const sha = this.resolve(ref)
    return sha ? this.commits.get(sha)?.tree : undefined
  }

  /** Every commit reachable from `sha` (itself included). */
  ancestors(sha: string): Set<string> {
    const seen = new Set<string>()
    const stack = [sha]
    while (stack.length > 0) {
      const s = stack.pop() as string
      if (seen.has(s)) continue
      seen.add(s)
      stack.push(...(this.commits.get(s)?.parents ?? []))
    }
    return seen
  }

  /** The newest common ancestor of two commits. */
  mergeBase(a: string, b: string): string | undefined {
    const of = this.ancestors(a)
    return [...this.ancestors(b)].filter((s) => of.has(s)).sort((x, y) => this.order(y) - this.order(x))[0]
  }

  private order(sha: string): number {
    return [...this.commits.keys()].indexOf(sha)
  }

  /** Commits reachable from head and not from base, oldest first (what compare and a pull request list). */
  between(base: string, head: string): SimCommit[] {
    const excluded = this.ancestors(base)
    return [...this.ancestors(head)].filter((s) => !excluded.has(s)).sort((x, y) => this.order(x) - this.order(y)).map((s) => this.commits.get(s) as SimCommit)
  }

  /** Files that differ between two trees, as GitHub lists them. */
  diff(from: Files, to: Files): ReturnType<typeof ghFile>[] {
    const out = []
    for (const path of [...new Set([...Object.keys(from), ...Object.keys(to)])].sort()) {
      if (!(path in from)) out.push(ghFile(path, 'added'))
      else if (!(path in to)) out.push(ghFile(path, 'removed'))
      else if (from[path] !== to[path]) out.push(ghFile(path, 'modified'))
    }
    return out
  }

  /** A pull request's changes applied to a tree (what merging it gives, conflicts going the pull request's way). */
  private applyPull(pr: SimPull, baseHead: string): Files {
    const base = this.mergeBase(pr.headSha, baseHead) as string
    const before = this.commits.get(base)?.tree ?? {}
    const after = this.commits.get(pr.headSha)?.tree ?? {}
    const tree = { ...this.commits.get(baseHead)?.tree }
    for (const f of this.diff(before, after)) {
      if (f.status === 'removed') delete tree[f.filename]
      else tree[f.filename] = after[f.filename] as string
    }
    return tree
  }

  /** refs/pull/N/merge: GitHub's test merge of the head into the base branch's current head (made again when either moves). */
  testMerge(pr: SimPull): string {
    const baseHead = this.branches.get(pr.baseRef) as string
    const key = `${pr.headSha}:${baseHead}`
    let sha = this.merges.get(key)
    if (!sha) {
      sha = this.commit([baseHead, pr.headSha], this.applyPull(pr, baseHead), WEB_FLOW, WEB_FLOW, `Merge ${pr.headSha} into ${baseHead}`).sha
      this.merges.set(key, sha)
    }
    return sha
  }

  /** Merges the pull request as GitHub's merge button does: a commit GitHub's web-flow makes and signs. */
  mergePull(pr: SimPull, by: GitPerson, method: 'merge' | 'squash'): SimCommit {
    const baseHead = this.branches.get(pr.baseRef) as string
    const tree = this.applyPull(pr, baseHead)
    const c =
      method === 'merge'
        ? this.commit([baseHead, pr.headSha], tree, by, WEB_FLOW, `Merge pull request #${pr.number} from acme/${pr.headRef}\n\n${pr.title}`)
        : this.commit([baseHead], tree, person(pr.author), WEB_FLOW, `${pr.title} (#${pr.number})`)
    this.branches.set(pr.baseRef, c.sha)
    pr.state = 'closed'
    pr.mergedAt = c.at
    pr.mergeCommitSha = c.sha
    return c
  }

  /** The pull request's files (merge base to head), as GET …/pulls/{n}/files lists them. */
  pullFiles(pr: SimPull): ReturnType<typeof ghFile>[] {
    const base = this.mergeBase(pr.headSha, pr.baseSha) as string
    return this.diff(this.commits.get(base)?.tree ?? {}, this.commits.get(pr.headSha)?.tree ?? {})
  }

  /** The files a push changed (paths filters), from `before` (or the new branch's base) to `after`. */
  changedFiles(before: string | undefined, after: string): string[] {
    const from = before ? (this.commits.get(before)?.tree ?? {}) : {}
    return this.diff(from, this.commits.get(after)?.tree ?? {}).map((f) => f.filename)
  }

  pullCommits(pr: SimPull): SimCommit[] {
    return this.between(pr.baseSha, pr.headSha)
  }

  /** The pull request as REST gives it. */
  restPull(pr: SimPull): ReturnType<typeof ghPull> {
    const p = ghPull(pr.number, pr.author, pr.headSha, this.pullCommits(pr).length, pr.mergedAt ? { at: pr.mergedAt, sha: pr.mergeCommitSha as string } : undefined, pr.baseSha, this.pullFiles(pr).length)
    return { ...p, title: pr.title, state: pr.state, head: { sha: pr.headSha, ref: pr.headRef, label: `acme:${pr.headRef}` }, base: { sha: pr.baseSha, ref: pr.baseRef, label: `acme:${pr.baseRef}` } }
  }

  restCommit(c: SimCommit, withFiles = false): ReturnType<typeof ghCommit> {
    const files = withFiles ? this.diff(this.commits.get(c.parents[0] ?? '')?.tree ?? {}, c.tree) : undefined
    const rest = ghCommit(c.sha, c.author, c.committer, c.message, { parents: c.parents, verified: c.verified, ...(files ? { files } : {}) })
    rest.commit.author = { ...rest.commit.author, date: c.at }
    rest.commit.committer = { ...rest.commit.committer, date: c.at }
    return rest
  }

  review(pr: SimPull, by: string, state: Review['state'], commit: string): Review {
    const r = ghReview(by, state, commit, this.clock.now())
    const url = `https://github.com/acme/ledger/pull/${pr.number}#pullrequestreview-${r.id}`
    const api = `https://api.github.com/repos/acme/ledger/pulls/${pr.number}`
    const review = { ...r, html_url: url, pull_request_url: api, _links: { html: { href: url }, pull_request: { href: api } } }
    pr.reviews.push(review)
    return review
  }

  baseChanged(pr: SimPull, by: string): TimelineEvent {
    const e = ghBaseRefChanged(this.clock.now(), by)
    pr.timeline.push(e)
    return e
  }

  /** Pull requests GET …/commits/{sha}/pulls lists: the merged one that brought it to the default branch, else every one that has it. */
  commitPulls(sha: string): SimPull[] {
    const has = (pr: SimPull) => pr.mergeCommitSha === sha || this.pullCommits(pr).some((c) => c.sha === sha)
    const all = [...this.pulls.values()].filter(has)
    const onDefault = this.ancestors(this.branches.get(this.defaultBranch) as string).has(sha)
    return onDefault ? all.filter((pr) => pr.mergedAt !== null) : all
  }
}

/** An object whose keys and values are computed on each access (the fake reads the scenario as plain records). */
function view<V>(keys: () => string[], get: (key: string) => V | undefined): Record<string, V> {
  return new Proxy({} as Record<string, V>, {
    get: (_, key) => (typeof key === 'string' ? get(key) : undefined),
    has: (_, key) => typeof key === 'string' && get(key) !== undefined,
    ownKeys: () => keys(),
    getOwnPropertyDescriptor: (_, key) => (typeof key === 'string' && get(key) !== undefined ? { enumerable: true, configurable: true, value: get(key) } : undefined)
  })
}

/** Points the fake GitHub's scenario at the repository: every read answers from its current state. */
export function bindScenario(repo: SimRepo, scenario: Scenario): void {
  scenario.defaultBranch = repo.defaultBranch
  scenario.branches = view(() => [...repo.branches.keys()], (b) => repo.branches.get(b))
  scenario.commits = view(() => [...repo.commits.keys()], (sha) => {
    const c = repo.commits.get(sha)
    return c ? repo.restCommit(c, true) : undefined
  })
  scenario.contents = view(() => [], (key) => {
    const m = /^acme\/ledger@(.+)$/.exec(key)
    return m ? repo.tree(m[1] as string) : undefined
  })
  scenario.pulls = view(() => [...repo.pulls.keys()].map(String), (n) => {
    const pr = repo.pulls.get(Number(n))
    return pr ? { pr: repo.restPull(pr), reviews: pr.reviews, commits: repo.pullCommits(pr).map((c) => repo.restCommit(c)), files: repo.pullFiles(pr) } : undefined
  })
  scenario.commitPulls = view(() => [], (sha) => (repo.commits.has(sha) ? repo.commitPulls(sha).map((pr) => repo.restPull(pr)) : undefined))
  scenario.timelines = view(() => [...repo.pulls.keys()].map(String), (n) => repo.pulls.get(Number(n))?.timeline)
  scenario.compares = view(() => [], (basehead) => {
    const [base, head] = basehead.split('...').map((r) => repo.resolve(r))
    if (!base || !head) return undefined
    const mergeBase = repo.mergeBase(base, head) as string
    return { commits: repo.between(base, head).map((c) => repo.restCommit(c)), files: repo.diff(repo.commits.get(mergeBase)?.tree ?? {}, repo.commits.get(head)?.tree ?? {}) }
  })
}
