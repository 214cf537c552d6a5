import type { ReportsRun } from '../change/model.js'
import type { RunContext } from './change.js'
import { describeApiError, type GitHubClient } from './client.js'

/** The run whose artifacts hold the reports, or why there is none to judge yet (a block, never a pass). */
export type ReportsRunLookup = { found: ReportsRun } | { waiting: string; latest?: ReportsRun }

interface WorkflowRunPayload {
  id?: number
  path?: string
  workflow_id?: number
  head_sha?: string
  run_attempt?: number
  status?: string | null
  conclusion?: string | null
  event?: string
  html_url?: string
}

const short = (sha: string): string => sha.slice(0, 7)

/**
 * Which test run's reports stand for the evaluated head (SPEC §13). On the test workflow's own
 * completion (`workflow_run` of it) that run; on any other event — a review, a retarget, a push
 * to the pull request, a relay's `workflow_run` — the latest run of that workflow for the head
 * (`GET …/actions/workflows/{id}/runs?head_sha=`, newest first): none yet, or one not completed,
 * is a wait that blocks and says so. The workflow is matched by its file (its id), never by its
 * display name alone: another workflow could take the same name.
 */
export async function findReportsRun(client: GitHubClient, ctx: RunContext, headSha: string, workflow: string): Promise<ReportsRunLookup> {
  const repo = { owner: ctx.owner, repo: ctx.repo }
  const { id: workflowId, path } = await resolveWorkflow(client, ctx, workflow)
  const triggering = (ctx.payload as { workflow_run?: WorkflowRunPayload }).workflow_run
  if (ctx.eventName === 'workflow_run' && triggering?.id && (triggering.workflow_id === workflowId || (path !== undefined && triggering.path === path))) {
    if (triggering.head_sha !== headSha) throw new Error(`the triggering run ${triggering.id} of ${workflow} tested ${short(triggering.head_sha ?? '?')}, not the evaluated commit ${short(headSha)}`)
    return { found: toRun(workflow, { ...triggering, path: triggering.path ?? path }, 'triggering run') }
  }
  let runs: WorkflowRunPayload[]
  try {
    const { data } = await client.rest.actions.listWorkflowRuns({ ...repo, workflow_id: workflowId, head_sha: headSha, per_page: 20 })
    runs = data.workflow_runs
  } catch (e) {
    throw new Error(`cannot list the runs of ${workflow} for ${short(headSha)}: ${describeApiError(e)} (reports-workflow needs a github-token with actions: read)`, { cause: e })
  }
  // This run is never its own evidence (a gate job inside the test workflow, re-run on a review).
  const candidates = runs.filter((r) => r.id !== ctx.runId && r.head_sha === headSha)
  const latest = candidates[0]
  if (!latest?.id) return { waiting: `no completed run of ${workflow} for ${short(headSha)} yet: the gate judges the change when its tests have run` }
  const run = toRun(workflow, { ...latest, path: latest.path ?? path }, 'latest run for the head')
  if (latest.status !== 'completed') return { waiting: `the latest run of ${workflow} for ${short(headSha)} (run ${latest.id}, attempt ${latest.run_attempt ?? 1}) is ${latest.status ?? 'not completed'}: the gate judges the change when it completes`, latest: run }
  return { found: run }
}

/** A workflow's id (and path) from its file name, its path, or — when exactly one has it — its name. */
async function resolveWorkflow(client: GitHubClient, ctx: RunContext, workflow: string): Promise<{ id: number | string; path?: string }> {
  const file = workflow.replace(/^\.?\/?\.github\/workflows\//, '')
  if (/^[^/]+\.ya?ml$/.test(file)) return { id: file, path: `.github/workflows/${file}` }
  let listed: { id: number; name: string; path: string; state: string }[]
  try {
    listed = await client.paginate(client.rest.actions.listRepoWorkflows, { owner: ctx.owner, repo: ctx.repo, per_page: 100 })
  } catch (e) {
    throw new Error(`cannot list the workflows of ${ctx.owner}/${ctx.repo} to find "${workflow}": ${describeApiError(e)}`, { cause: e })
  }
  const named = listed.filter((w) => w.name === workflow && w.state === 'active')
  if (named.length !== 1) throw new Error(`reports-workflow "${workflow}": ${named.length === 0 ? 'no active workflow has that name' : `${named.length} workflows have that name (${named.map((w) => w.path).join(', ')})`}; give its file name (for example ci.yml)`)
  const only = named[0] as { id: number; path: string }
  return { id: only.id, path: only.path }
}

function toRun(workflow: string, r: WorkflowRunPayload, why: ReportsRun['why']): ReportsRun {
  return {
    workflow,
    id: r.id as number,
    attempt: r.run_attempt ?? 1,
    ...(r.path ? { path: r.path } : {}),
    headSha: r.head_sha ?? '',
    event: r.event ?? '',
    status: r.status ?? '',
    conclusion: r.conclusion ?? null,
    ...(r.html_url ? { url: r.html_url } : {}),
    why
  }
}
