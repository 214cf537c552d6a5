import { ghWorkflow, ghWorkflowRun, type WorkflowRun } from './fake-github-lifecycle.js'
import { githubContext, type RunContext, type SimCore } from './workflow-sim-core.js'
import { textValue } from './workflow-sim-expr.js'
import { inputsOf, runJobs } from './workflow-sim-job.js'
import { workflowRunPayload } from './workflow-sim-payloads.js'
import type { SimJob, SimRun } from './workflow-sim-types.js'
import { child, parseWorkflowFile, triggers, type Workflow } from './workflow-sim-workflow.js'

// From an event to runs, as GitHub does it: every workflow of the definition commit whose `on:`
// takes the event gets a run, all of them registered at once (queued, visible in the API), then
// each runs (in_progress, then completed with a conclusion); each state change is a workflow_run
// event for the default branch's listeners, at most three levels deep.

/** An event as the runs it causes see it. */
export interface Delivery {
  event: string
  action?: string
  payload: Record<string, unknown>
  /** GITHUB_SHA, GITHUB_REF. */
  sha: string
  ref: string
  /** Whose workflow files are read. */
  definition: string
  /** The run's head commit and branch (its record in the API). */
  headSha: string
  headBranch: string
  /** What `branches:` and `paths:` filters see. */
  filterBranch?: string
  files?: string[]
  workflowName?: string
  actor: string
  triggeredBy?: SimRun
  depth: number
}

const WORKFLOW_FILE = /^\.github\/workflows\/[^/]+\.ya?ml$/
let runIds = 8_800_000_100

interface Planned {
  workflow: Workflow
  delivery: Delivery
  run: SimRun
  record: WorkflowRun
}

export class Dispatcher {
  /** Every run so far, oldest first. */
  readonly runs: SimRun[] = []
  private readonly parsed = new Map<string, Promise<Workflow>>()
  private readonly workflowIds = new Map<string, number>()
  private readonly planned = new Map<number, Planned>()

  constructor(private readonly core: SimCore) {}

  /** A workflow file, parsed and validated once per content. */
  workflow(path: string, text: string): Promise<Workflow> {
    const key = `${path}\n${text}`
    if (!this.parsed.has(key)) this.parsed.set(key, parseWorkflowFile(path, text))
    return this.parsed.get(key) as Promise<Workflow>
  }

  /** The events of one webhook (a pull request's pull_request and pull_request_target): every run registered, then each run. */
  async deliver(...deliveries: Delivery[]): Promise<SimRun[]> {
    const planned: Planned[] = []
    for (const d of deliveries) {
      const tree = this.core.repo.commits.get(d.definition)?.tree ?? {}
      for (const path of Object.keys(tree).filter((p) => WORKFLOW_FILE.test(p)).sort()) {
        const workflow = await this.workflow(path, tree[path] as string)
        if (triggers(workflow, { name: d.event, action: d.action, branch: d.filterBranch, files: d.files, workflowName: d.workflowName })) planned.push(this.register(workflow, d))
      }
    }
    const out: SimRun[] = []
    for (const p of planned) out.push(...(await this.execute(p, false)))
    return out
  }

  /** One workflow, whatever its `on:` (workflow_dispatch, after the caller checked it may be dispatched). */
  async deliverTo(workflow: Workflow, d: Delivery): Promise<SimRun[]> {
    return this.execute(this.register(workflow, d), false)
  }

  /** "Re-run all jobs": the same run, event, commit and definition, its next attempt. */
  async rerun(runId: number): Promise<SimRun[]> {
    const p = this.planned.get(runId)
    if (!p) throw new Error(`no run ${runId}`)
    Object.assign(p.record, { status: 'queued', conclusion: null, run_attempt: p.run.attempt + 1 })
    return this.execute(p, true)
  }

  private workflowId(workflow: Workflow): number {
    let id = this.workflowIds.get(workflow.path)
    if (id === undefined) {
      id = 6_100_000 + this.workflowIds.size
      this.workflowIds.set(workflow.path, id)
      ;(this.core.scenario.workflows ??= []).push(ghWorkflow(id, workflow.name, workflow.path))
    }
    return id
  }

  /** A new run, queued: in the API (newest first) and the results service from the moment GitHub creates it. */
  private register(workflow: Workflow, d: Delivery): Planned {
    const run: SimRun = {
      id: runIds++,
      attempt: 1,
      name: workflow.name,
      path: workflow.path,
      event: d.event,
      ...(d.action ? { action: d.action } : {}),
      payload: d.payload,
      sha: d.sha,
      ref: d.ref,
      headSha: d.headSha,
      headBranch: d.headBranch,
      status: 'queued',
      conclusion: null,
      jobs: [],
      ...(d.triggeredBy ? { triggeredBy: d.triggeredBy.id } : {}),
      depth: d.depth,
      legs: (id: string) => run.jobs.filter((j) => j.id === id),
      job: (id: string) => {
        const legs = run.legs(id)
        if (legs.length !== 1) throw new Error(`run ${run.id} (${run.name}) has ${legs.length} legs of job ${id}; it ran ${run.jobs.map((j) => j.name).join(', ') || 'no job'}`)
        return legs[0] as SimJob
      }
    }
    const workflowId = this.workflowId(workflow)
    const record = ghWorkflowRun(run.id, { id: workflowId, name: workflow.name, path: workflow.path } as Parameters<typeof ghWorkflowRun>[1], run.headSha, { status: 'queued', event: run.event, headBranch: run.headBranch, createdAt: this.core.repo.clock.peek() })
    ;(this.core.scenario.workflowRuns ??= []).unshift(record)
    this.runs.push(run)
    this.core.artifacts.registerRun(run.id, run.headSha, run.headBranch)
    const p = { workflow, delivery: d, run, record }
    this.planned.set(run.id, p)
    return p
  }

  /** Runs it: requested and in_progress told to listeners (not `requested` for a re-run), the jobs, completed. */
  private async execute(p: Planned, again: boolean): Promise<SimRun[]> {
    const { run, record, workflow, delivery: d } = p
    Object.assign(run, { attempt: again ? run.attempt + 1 : run.attempt, status: 'queued', conclusion: null, jobs: [] })
    const ctx: RunContext = { core: this.core, run, workflow, workflowSha: d.definition, actor: d.actor }
    const concurrency = child(workflow.root, 'concurrency')
    if (concurrency) run.concurrency = textValue(child(concurrency, 'group') ?? concurrency, { contexts: { github: githubContext(ctx, undefined, '', '', ''), inputs: inputsOf(ctx), vars: this.core.options.vars ?? {} }, status: { success: () => true, failure: () => false, cancelled: () => false } })
    const out: SimRun[] = [run]
    if (!again) out.push(...(await this.chain(p, 'requested')))
    run.status = 'in_progress'
    record.status = 'in_progress'
    out.push(...(await this.chain(p, 'in_progress')))
    run.jobs = await runJobs(ctx)
    run.status = 'completed'
    run.conclusion = run.jobs.some((j) => j.result === 'failure' || j.result === 'cancelled') ? 'failure' : run.jobs.every((j) => j.result === 'skipped') ? 'skipped' : 'success'
    Object.assign(record, { status: 'completed', conclusion: run.conclusion })
    out.push(...(await this.chain(p, 'completed')))
    return out
  }

  /** workflow_run: every default-branch workflow listening to this run's workflow name. */
  private chain(p: Planned, action: string): Promise<SimRun[]> {
    const { run } = p
    if (run.depth >= 3) return Promise.resolve([])
    const { repo } = this.core
    const main = repo.branches.get(repo.defaultBranch) as string
    const actor = p.delivery.actor
    return this.deliver({ event: 'workflow_run', action, payload: workflowRunPayload(repo, run, this.workflowId(p.workflow), action, actor), sha: main, ref: `refs/heads/${repo.defaultBranch}`, definition: main, headSha: main, headBranch: repo.defaultBranch, filterBranch: run.headBranch, workflowName: run.name, actor, triggeredBy: run, depth: run.depth + 1 })
  }
}
