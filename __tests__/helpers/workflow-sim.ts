import { startFakeGitHub, type FakeGitHub, type GitPerson, type Scenario } from './fake-github.js'
import { newTokenRegistry } from './fake-github-permissions.js'
import { startFakeSigstore, type FakeSigstore } from './fake-sigstore.js'
import { workspace } from './run.js'
import { startArtifactService } from './workflow-sim-artifacts.js'
import type { SimCore } from './workflow-sim-core.js'
import { Dispatcher } from './workflow-sim-dispatch.js'
import { Outcome } from './workflow-sim-outcome.js'
import { pullRequestPayload, pushPayload, repository, reviewPayload, sender } from './workflow-sim-payloads.js'
import { bindScenario, Clock, person, SimRepo, type Files, type SimPull } from './workflow-sim-repo.js'
import type { SimJob, SimRun, SimulationOptions } from './workflow-sim-types.js'

export { Outcome } from './workflow-sim-outcome.js'
export { bash } from './workflow-sim-run.js'
export type { EnvironmentSettings, RunCommand, RunHandler, SimJob, SimRun, SimStep, SimulationOptions, TestCase } from './workflow-sim-types.js'

/*
 * A GitHub Actions simulator for tests (issues 20 and 24): the workflow files of the repository, as
 * a user copies them, run against the fake GitHub as GitHub would run them. GitHub's own parser
 * validates each file; triggers, `if:`s, outputs, matrices, environments (branch policies,
 * secrets, deployments), permissions (each job's GITHUB_TOKEN, enforced by the fake API) and
 * workflow_run chains are decided as GitHub decides them; checkout, jest + jest-junit, the
 * artifact actions and the gate (dist/index.js) run for real. Runs are sequential.
 *
 *   const sim = await startSimulation({ branches: { main: FILES }, tests: { '*': CASES } })
 *   const opened = await sim.openPullRequest({ head: 'feature/posting', by: 'alice', files: { 'src/a.ts': '…' } })
 *   expect(opened.gate('sox').decision).toBe('block')
 *   const approved = await sim.review(opened.number, { by: 'carol' })
 *   await sim.close()
 *
 * Every mutation (push, openPullRequest, review, dismissReview, retarget, merge, dispatch, rerun)
 * changes the fake GitHub's state as GitHub would, delivers the events GitHub would send, and
 * returns an Outcome: the runs they caused (workflow_run chains included), their jobs and steps,
 * the check runs posted. A jest run is the one thing faked: its JUnit report holds the cases the
 * test gives per commit. docs/workflow-simulator.md says what is simulated and what is not.
 */

export class Simulation {
  private readonly dispatcher: Dispatcher

  constructor(
    readonly github: FakeGitHub,
    readonly scenario: Scenario,
    readonly repo: SimRepo,
    private readonly core: SimCore
  ) {
    this.dispatcher = new Dispatcher(core)
  }

  /** Every run so far, oldest first. */
  get runs(): SimRun[] {
    return this.dispatcher.runs
  }

  /** The commit a branch points at. */
  head(branch: string): string {
    const sha = this.repo.branches.get(branch)
    if (!sha) throw new Error(`no branch ${branch}`)
    return sha
  }

  /** A commit with these changes (path → text; null deletes) on `branch` (created from `from` when new), and the push event; pull requests with that head get `synchronize`. */
  async push(o: { branch: string; files?: Record<string, string | null>; by: string; message?: string; from?: string }): Promise<Outcome> {
    const before = this.repo.branches.get(o.branch)
    const parent = before ?? this.repo.resolve(o.from ?? this.repo.defaultBranch)
    if (!parent) throw new Error(`push: no branch ${o.branch}, and no ${o.from ?? this.repo.defaultBranch} to start it from`)
    const who = this.core.person(o.by)
    const c = this.repo.commit([parent], applyChanges(this.repo.commits.get(parent)?.tree ?? {}, o.files ?? {}), who, who, o.message ?? `Change ${Object.keys(o.files ?? {}).join(', ')}`)
    this.repo.branches.set(o.branch, c.sha)
    return this.observe(async () => {
      const runs = await this.deliverPush(o.branch, before, c.sha, who)
      for (const pr of [...this.repo.pulls.values()].filter((p) => p.state === 'open' && p.headRef === o.branch)) {
        const was = pr.headSha
        pr.headSha = c.sha
        pr.baseSha = this.head(pr.baseRef)
        runs.push(...(await this.deliverPull(pr, 'synchronize', o.by, { before: was, after: c.sha })))
      }
      return runs
    })
  }

  /** Opens a pull request (pushing `files` to its head branch first when given): the push, then `opened`. */
  async openPullRequest(o: { head: string; base?: string; by: string; files?: Record<string, string | null>; title?: string; number?: number }): Promise<Outcome & { number: number }> {
    const base = o.base ?? this.repo.defaultBranch
    const pushed = o.files ? await this.push({ branch: o.head, files: o.files, by: o.by, from: base }) : undefined
    const number = o.number ?? Math.max(41, ...this.repo.pulls.keys()) + 1
    const pr: SimPull = { number, title: o.title ?? `Change from ${o.head}`, author: o.by, headRef: o.head, baseRef: base, headSha: this.head(o.head), baseSha: this.head(base), state: 'open', mergedAt: null, mergeCommitSha: null, reviews: [], timeline: [] }
    this.repo.pulls.set(number, pr)
    const opened = await this.observe(() => this.deliverPull(pr, 'opened', o.by))
    return Object.assign(pushed ? Outcome.join(pushed, opened) : opened, { number })
  }

  /** A review (approve by default) on the pull request's head (or `commit`): `pull_request_review` submitted. */
  async review(number: number, o: { by: string; state?: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED'; commit?: string }): Promise<Outcome> {
    const pr = this.pull(number)
    const review = this.repo.review(pr, o.by, o.state ?? 'APPROVED', o.commit ?? pr.headSha)
    return this.observe(() => this.deliverReview(pr, 'submitted', review, o.by))
  }

  /** Dismisses a review (its state becomes DISMISSED): `pull_request_review` dismissed. */
  async dismissReview(number: number, reviewId: number, o: { by: string }): Promise<Outcome> {
    const pr = this.pull(number)
    const review = pr.reviews.find((r) => r.id === reviewId)
    if (!review) throw new Error(`pull request #${number} has no review ${reviewId}`)
    review.state = 'DISMISSED'
    return this.observe(() => this.deliverReview(pr, 'dismissed', review, o.by))
  }

  /** Changes the pull request's base branch: a `base_ref_changed` timeline event, and `pull_request` edited with changes.base. */
  async retarget(number: number, base: string, o: { by: string }): Promise<Outcome> {
    const pr = this.pull(number)
    const from = { ref: pr.baseRef, sha: pr.baseSha }
    pr.baseRef = base
    pr.baseSha = this.head(base)
    this.repo.baseChanged(pr, o.by)
    return this.observe(() => this.deliverPull(pr, 'edited', o.by, { changes: { base: { ref: { from: from.ref }, sha: { from: from.sha } } } }))
  }

  /** Merges with GitHub's button (a web-flow commit GitHub signs): `pull_request` closed (merged), then the push to the base. */
  async merge(number: number, o: { by: string; method?: 'merge' | 'squash' }): Promise<Outcome & { sha: string }> {
    const pr = this.pull(number)
    if (pr.state !== 'open') throw new Error(`pull request #${number} is not open`)
    const before = this.head(pr.baseRef)
    const c = this.repo.mergePull(pr, this.core.person(o.by), o.method ?? 'merge')
    const outcome = await this.observe(async () => [...(await this.deliverPull(pr, 'closed', o.by)), ...(await this.deliverPush(pr.baseRef, before, c.sha, this.core.person(o.by)))])
    return Object.assign(outcome, { sha: c.sha })
  }

  /** Re-runs a run (all its jobs) as GitHub's "Re-run all jobs": the same event, commit and definition, the next attempt. */
  async rerun(runId: number): Promise<Outcome> {
    return this.observe(() => this.dispatcher.rerun(runId))
  }

  /** Runs a workflow by hand (workflow_dispatch) on a branch, with inputs (defaults filled in, required ones checked), as GitHub's "Run workflow" does. */
  async dispatch(file: string, o: { by: string; ref?: string; inputs?: Record<string, string> }): Promise<Outcome> {
    const branch = o.ref ?? this.repo.defaultBranch
    const sha = this.head(branch)
    const path = `.github/workflows/${file}`
    const text = this.repo.commits.get(sha)?.tree[path]
    if (text === undefined) throw new Error(`dispatch: ${branch} has no ${path}`)
    const workflow = await this.dispatcher.workflow(path, text)
    const dispatchable = (workflow.template.events as { workflow_dispatch?: { inputs?: Record<string, { default?: unknown; required?: boolean }> } }).workflow_dispatch
    if (!dispatchable) throw new Error(`dispatch: Workflow does not have 'workflow_dispatch' trigger (${path} at ${branch})`)
    const inputs: Record<string, string> = {}
    for (const [name, input] of Object.entries(dispatchable.inputs ?? {})) {
      const value = o.inputs?.[name] ?? (input.default === undefined ? undefined : String(input.default))
      if (value === undefined && input.required) throw new Error(`dispatch: Required input '${name}' not provided`)
      if (value !== undefined) inputs[name] = value
    }
    const payload = { inputs, ref: `refs/heads/${branch}`, workflow: path, repository: repository(this.repo), sender: sender(o.by) }
    return this.observe(() => this.dispatcher.deliverTo(workflow, { event: 'workflow_dispatch', payload, sha, ref: `refs/heads/${branch}`, definition: sha, headSha: sha, headBranch: branch, actor: o.by, depth: 0 }))
  }

  /** Every `run:` step that ran this command (exactly), with its run and job: "deploy ran only for the push to main". */
  ran(command: string): { run: SimRun; job: SimJob }[] {
    return this.runs.flatMap((run) => run.jobs.filter((job) => job.steps.some((s) => s.run?.trim() === command && s.outcome !== 'skipped')).map((job) => ({ run, job })))
  }

  async close(): Promise<void> {
    await this.github.close()
    await this.core.artifacts.close()
    await (this.core as { closeSigstore?: () => Promise<void> }).closeSigstore?.()
  }

  private pull(number: number): SimPull {
    const pr = this.repo.pulls.get(number)
    if (!pr) throw new Error(`no pull request #${number}`)
    return pr
  }

  private async observe(act: () => Promise<SimRun[]>): Promise<Outcome> {
    const checks = this.github.checkRuns.length
    const runs = await act()
    return new Outcome(runs, this.github.checkRuns.slice(checks))
  }

  private deliverPush(branch: string, before: string | undefined, after: string, pusher: GitPerson): Promise<SimRun[]> {
    const since = before ?? this.repo.mergeBase(after, this.head(this.repo.defaultBranch))
    return this.dispatcher.deliver({ event: 'push', payload: pushPayload(this.repo, branch, before, after, pusher), sha: after, ref: `refs/heads/${branch}`, definition: after, headSha: after, headBranch: branch, filterBranch: branch, files: this.repo.changedFiles(since, after), actor: pusher.login ?? pusher.name, depth: 0 })
  }

  /** pull_request (the test merge's definition and commit; a merged one's: the merge) and pull_request_target (the default branch's). */
  private deliverPull(pr: SimPull, action: string, by: string, extra: Record<string, unknown> = {}): Promise<SimRun[]> {
    const payload = pullRequestPayload(this.repo, pr, action, by, extra)
    const files = this.repo.pullFiles(pr).map((f) => f.filename)
    const merged = pr.mergeCommitSha
    const sha = merged ?? this.repo.testMerge(pr)
    const ref = merged ? `refs/heads/${pr.baseRef}` : `refs/pull/${pr.number}/merge`
    const common = { action, payload, headSha: pr.headSha, headBranch: pr.headRef, filterBranch: pr.baseRef, files, actor: by, depth: 0 }
    const main = this.head(this.repo.defaultBranch)
    return this.dispatcher.deliver({ ...common, event: 'pull_request', sha, ref, definition: sha }, { ...common, event: 'pull_request_target', sha: main, ref: `refs/heads/${this.repo.defaultBranch}`, definition: main, headSha: main, headBranch: this.repo.defaultBranch })
  }

  private deliverReview(pr: SimPull, action: string, review: Parameters<typeof reviewPayload>[3], by: string): Promise<SimRun[]> {
    const sha = this.repo.testMerge(pr)
    return this.dispatcher.deliver({ event: 'pull_request_review', action, payload: reviewPayload(this.repo, pr, action, review, by), sha, ref: `refs/pull/${pr.number}/merge`, definition: sha, headSha: pr.headSha, headBranch: pr.headRef, actor: by, depth: 0 })
  }

}

function applyChanges(tree: Files, changes: Record<string, string | null>): Files {
  const next = { ...tree }
  for (const [file, text] of Object.entries(changes)) {
    if (text === null) delete next[file]
    else next[file] = text
  }
  return next
}

/** Starts the fake GitHub (with `scenario`'s extras: an App, faults), the results service, and the repository's first commits. */
export async function startSimulation(options: SimulationOptions): Promise<Simulation> {
  const defaultBranch = options.defaultBranch ?? 'main'
  if (!options.branches[defaultBranch]) throw new Error(`startSimulation: branches has no ${defaultBranch} (the default branch)`)
  const repo = new SimRepo(defaultBranch, new Clock())
  const admin = person('acme-admin')
  const workflows = Object.fromEntries(Object.entries(options.workflows ?? {}).map(([file, text]) => [`.github/workflows/${file}`, text]))
  const root = repo.commit([], { ...options.branches[defaultBranch], ...workflows }, admin, admin, 'Initial commit')
  repo.branches.set(defaultBranch, root.sha)
  // Other branches were cut from the default branch: they carry its workflows unless their files replace them.
  for (const [branch, files] of Object.entries(options.branches)) if (branch !== defaultBranch) repo.branches.set(branch, repo.commit([root.sha], { ...workflows, ...files }, admin, admin, `Start ${branch}`).sha)
  const scenario: Scenario = { ...options.scenario }
  const tokens = newTokenRegistry()
  const artifacts = await startArtifactService()
  Object.assign(scenario, { tokens, runArtifacts: artifacts.rest })
  bindScenario(repo, scenario)
  const github = await startFakeGitHub(scenario)
  let sigstore: Promise<FakeSigstore> | undefined
  const core: SimCore & { closeSigstore(): Promise<void> } = {
    repo,
    github,
    scenario,
    artifacts,
    tokens,
    options,
    person: (login) => options.people?.[login] ?? person(login),
    sigstore: () => (sigstore ??= startFakeSigstore(workspace({}))),
    closeSigstore: async () => (sigstore ? (await sigstore).close() : undefined)
  }
  return new Simulation(github, scenario, repo, core)
}
