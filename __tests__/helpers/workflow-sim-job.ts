import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { isBoolean, isMapping, isSequence, isString } from '@actions/workflow-parser'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import type { Job, Step } from '@actions/workflow-parser/model/workflow-template'
import { ghDeployment, ghDeploymentStatus } from './fake-github.js'
import type { TokenPermissions } from './fake-github-permissions.js'
import { githubContext, type JobRuntime, type RunContext } from './workflow-sim-core.js'
import { condition, ExpressionFailure, textMapping, textValue, tokenValue, type Scope, type Status } from './workflow-sim-expr.js'
import { runStep } from './workflow-sim-steps.js'
import type { SimJob, SimStep } from './workflow-sim-types.js'
import { child, jobPermissions, jobToken, matchesFilter, RESTRICTED } from './workflow-sim-workflow.js'

// A run's jobs as the runner runs them: in the order their `needs:` allow, each one's `if:` over
// the jobs it needs, matrix legs, the deployment environment (its branch policy, its secrets, its
// deployment), a GITHUB_TOKEN with the job's permissions, the steps, and the job's outputs.

type Result = SimJob['result']

/** Runs every job of the run, in needs order; returns them (a matrix job as its legs). */
export async function runJobs(ctx: RunContext): Promise<SimJob[]> {
  const jobs = ctx.workflow.template.jobs
  const done = new Map<string, SimJob[]>()
  const all: SimJob[] = []
  const pending = [...jobs]
  while (pending.length > 0) {
    const next = pending.findIndex((j) => (j.needs ?? []).every((n) => done.has(n.value)))
    if (next < 0) throw new Error(`${ctx.workflow.path}: jobs wait on each other (${pending.map((j) => j.id.value).join(', ')})`)
    const job = pending.splice(next, 1)[0] as (typeof jobs)[number]
    if (job.type !== 'job') throw new Error(`${ctx.workflow.path}: job ${job.id.value} calls a reusable workflow, which the simulator does not run`)
    const legs = await runJob(ctx, job, done)
    done.set(job.id.value, legs)
    all.push(...legs)
  }
  return all
}

/** A job's result as `needs.<id>.result` gives it: failure if a leg failed, cancelled if one was, skipped if all were. */
function aggregate(legs: SimJob[]): Result {
  if (legs.some((l) => l.result === 'failure')) return 'failure'
  if (legs.some((l) => l.result === 'cancelled')) return 'cancelled'
  if (legs.every((l) => l.result === 'skipped')) return 'skipped'
  return 'success'
}

function ancestors(ctx: RunContext, id: string, into = new Set<string>()): Set<string> {
  const job = ctx.workflow.template.jobs.find((j) => j.id.value === id)
  for (const n of job?.needs ?? []) {
    into.add(n.value)
    ancestors(ctx, n.value, into)
  }
  return into
}

async function runJob(ctx: RunContext, job: Job, done: Map<string, SimJob[]>): Promise<SimJob[]> {
  const id = job.id.value
  const needs = Object.fromEntries((job.needs ?? []).map((n) => {
    const legs = done.get(n.value) as SimJob[]
    return [n.value, { result: aggregate(legs), outputs: Object.assign({}, ...legs.map((l) => l.outputs)) as Record<string, string> }]
  }))
  // Job-level status functions look at every job this one depends on, directly or not.
  const upstream = [...ancestors(ctx, id)].map((a) => aggregate(done.get(a) as SimJob[]))
  const status: Status = { success: () => upstream.every((r) => r === 'success'), failure: () => upstream.includes('failure'), cancelled: () => false }
  const base = { github: githubContext(ctx, undefined, '', '', ''), needs, vars: ctx.core.options.vars ?? {}, inputs: inputsOf(ctx) }
  const scope: Scope = { contexts: base, status }
  const skeleton = (name: string, matrix?: Record<string, unknown>): SimJob => newJob(id, name, matrix, jobPermissions(ctx.workflow, id, defaultPermissions(ctx)))
  let run: boolean
  try {
    run = condition(job.if.expression, scope)
  } catch (e) {
    return [Object.assign(skeleton(id), { result: 'failure', error: (e as Error).message })]
  }
  if (!run) return [skeleton(id)]
  const strategy = (tokenValue(job.strategy, scope) ?? {}) as { matrix?: Record<string, unknown>; 'fail-fast'?: boolean }
  const legs = expandMatrix(strategy.matrix)
  const out: SimJob[] = []
  for (const [index, matrix] of legs.entries()) {
    const strategyContext = { 'fail-fast': strategy['fail-fast'] ?? true, 'job-index': index, 'job-total': legs.length, 'max-parallel': legs.length }
    const legScope: Scope = { contexts: { ...base, matrix: matrix ?? {}, strategy: strategyContext }, status }
    // A leg is shown by its job's name, else as `id (value, value)`.
    const named = child(jobToken(ctx.workflow, id), 'name') !== undefined
    const shown = named || !matrix ? (textValue(job.name, legScope) ?? id) : `${id} (${Object.values(matrix).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')})`
    // fail-fast: once a leg failed, the legs not yet finished are cancelled.
    if (strategyContext['fail-fast'] && out.some((l) => l.result === 'failure')) {
      out.push(Object.assign(skeleton(shown, matrix), { result: 'cancelled' as const }))
      continue
    }
    out.push(await runLeg(ctx, job, skeleton(shown, matrix), legScope))
  }
  return out
}

function newJob(id: string, name: string, matrix: Record<string, unknown> | undefined, permissions: TokenPermissions): SimJob {
  const job: SimJob = {
    id,
    name,
    ...(matrix ? { matrix } : {}),
    result: 'skipped',
    outputs: {},
    steps: [],
    permissions,
    step(stepId: string) {
      const s = job.steps.find((x) => x.id === stepId)
      if (!s) throw new Error(`job ${job.name} has no step ${stepId} (it has ${job.steps.map((x) => x.id).join(', ') || 'none'})`)
      return s
    }
  }
  return job
}

function defaultPermissions(ctx: RunContext): TokenPermissions {
  if (ctx.core.options.defaultPermissions !== 'permissive') return RESTRICTED
  return Object.fromEntries(['actions', 'attestations', 'checks', 'contents', 'deployments', 'discussions', 'issues', 'packages', 'pages', 'pull-requests', 'repository-projects', 'security-events', 'statuses'].map((s) => [s, 'write']))
}

/** The `inputs` context of a workflow_dispatch run: the event's inputs (strings), typed as the workflow declares them. */
export function inputsOf(ctx: RunContext): Record<string, unknown> {
  if (ctx.run.event !== 'workflow_dispatch') return {}
  const given = (ctx.run.payload.inputs ?? {}) as Record<string, string>
  const declared = (ctx.workflow.template.events as { workflow_dispatch?: { inputs?: Record<string, { type?: string }> } }).workflow_dispatch?.inputs ?? {}
  return Object.fromEntries(Object.entries(given).map(([k, v]) => [k, declared[k]?.type === 'boolean' ? v === 'true' : declared[k]?.type === 'number' ? Number(v) : v]))
}

/** `strategy.matrix`: every combination of its axes, less `exclude`, with `include` merged or added (GitHub's rules). */
export function expandMatrix(matrix: Record<string, unknown> | undefined): (Record<string, unknown> | undefined)[] {
  if (!matrix) return [undefined]
  const { include = [], exclude = [], ...axes } = matrix as { include?: Record<string, unknown>[]; exclude?: Record<string, unknown>[] } & Record<string, unknown[]>
  let combos: Record<string, unknown>[] = Object.keys(axes).length > 0 ? [{}] : []
  for (const [key, values] of Object.entries(axes)) combos = combos.flatMap((c) => (values as unknown[]).map((v) => ({ ...c, [key]: v })))
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
  combos = combos.filter((c) => !exclude.some((x) => Object.entries(x).every(([k, v]) => same(c[k], v))))
  const originals = combos.map((c) => ({ ...c }))
  for (const extra of include) {
    // An include entry is merged into every original combination it does not contradict; else it is a combination of its own.
    const fits = originals.map((o, i) => [o, i] as const).filter(([o]) => Object.entries(extra).every(([k, v]) => !(k in axes) || same(o[k], v)))
    if (fits.length > 0) for (const [, i] of fits) Object.assign(combos[i] as object, extra)
    else combos.push({ ...extra })
  }
  return combos.length > 0 ? combos : [undefined]
}

/** The ref an environment's branch policy is checked against: the run's executing ref (refs/pull/N/merge for pull request events). */
function deployingRef(ref: string): string {
  return ref.replace(/^refs\/heads\//, '')
}

async function runLeg(ctx: RunContext, job: Job, sim: SimJob, scope: Scope): Promise<SimJob> {
  const { core, run } = ctx
  const raw = jobToken(ctx.workflow, sim.id)
  for (const key of ['continue-on-error', 'container', 'services']) if (child(raw, key)) throw new Error(`${ctx.workflow.path}: job ${sim.id}: ${key} is not simulated`)
  const envToken = job.environment
  let environment: { name: string; deployment: boolean; url?: TemplateToken } | undefined
  try {
    if (envToken) {
      const name = isMapping(envToken) ? textValue(child(envToken, 'name'), scope) : textValue(envToken, scope)
      const deployment = child(envToken, 'deployment')
      if (name) environment = { name, deployment: !(deployment && isBoolean(deployment) && deployment.value === false), url: child(envToken, 'url') }
    }
    const concurrency = job.concurrency && (isString(job.concurrency) || !isMapping(job.concurrency) ? job.concurrency : child(job.concurrency, 'group'))
    if (concurrency) sim.concurrency = textValue(concurrency, scope)
  } catch (e) {
    return Object.assign(sim, { result: 'failure' as const, error: (e as Error).message })
  }
  const settings = environment ? core.options.environments?.[environment.name] : undefined
  if (environment) {
    sim.environment = environment.name
    const branch = deployingRef(run.ref)
    const policy = settings?.branches
    const allowed = policy === undefined || (policy === 'protected' ? branch === core.repo.defaultBranch : matchesFilter(policy, branch))
    if (!allowed) return Object.assign(sim, { result: 'failure' as const, error: `Branch "${branch}" is not allowed to deploy to ${environment.name} due to environment protection rules.` })
  }
  const token = `ghs_sim${randomBytes(12).toString('hex')}`
  core.tokens.tokens.set(token, { permissions: sim.permissions })
  sim.token = token
  const workspace = mkdtempSync(path.join(tmpdir(), 'sox-sim-ws-'))
  const temp = mkdtempSync(path.join(tmpdir(), 'sox-sim-tmp-'))
  const eventPath = path.join(temp, 'event.json')
  writeFileSync(eventPath, JSON.stringify(run.payload))
  const github = githubContext(ctx, sim, token, workspace, eventPath)
  const secrets = { ...core.options.secrets, ...settings?.secrets, GITHUB_TOKEN: token }
  const vars = { ...core.options.vars, ...settings?.vars }
  const deployment = environment?.deployment ? startDeployment(ctx, environment.name, sim) : undefined
  const contexts: Record<string, unknown> = { ...scope.contexts, github, secrets, vars, runner: { os: 'Linux', arch: 'X64', name: 'GitHub Actions 1', environment: 'github-hosted', temp, tool_cache: '/opt/hostedtoolcache' }, job: { status: 'success' } }
  try {
    const workflowEnv = textMapping(ctx.workflow.template.env as TemplateToken | undefined, { contexts, status: scope.status })
    const env = { ...workflowEnv, ...textMapping(job.env, { contexts: { ...contexts, env: workflowEnv }, status: scope.status }) }
    const defaults = child(child(raw, 'defaults'), 'run') ?? child(child(ctx.workflow.root, 'defaults'), 'run')
    const rt: JobRuntime = { ctx, job: sim, workspace, temp, token, eventPath, env, contexts: { ...contexts, env }, defaults }
    await runSteps(rt, job.steps, child(raw, 'steps'))
    sim.result = sim.steps.some((s) => s.conclusion === 'failure') ? 'failure' : 'success'
    const after: Scope = { contexts: { ...rt.contexts, steps: stepsContext(sim.steps), job: { status: sim.result } }, status: scope.status }
    sim.outputs = textMapping(job.outputs, after)
    if (deployment) finishDeployment(ctx, deployment, sim, environment?.url ? textValue(environment.url, after) : undefined)
  } catch (e) {
    if (!(e instanceof ExpressionFailure)) throw e
    sim.result = 'failure'
    sim.error = e.message
    if (deployment) finishDeployment(ctx, deployment, sim, undefined)
  } finally {
    core.tokens.tokens.set(token, { permissions: sim.permissions, revoked: true })
  }
  return sim
}

/** `steps.<id>`: outputs, outcome and conclusion of each step so far. */
export function stepsContext(steps: SimStep[]): Record<string, unknown> {
  return Object.fromEntries(steps.filter((s) => !s.id.startsWith('__')).map((s) => [s.id, { outputs: s.outputs, outcome: s.outcome, conclusion: s.conclusion }]))
}

async function runSteps(rt: JobRuntime, steps: Step[], raw: TemplateToken | undefined): Promise<void> {
  for (const [i, step] of steps.entries()) {
    if (!('uses' in step) && !('run' in step)) throw new Error(`${rt.ctx.workflow.path}: job ${rt.job.id}: the simulator runs only uses: and run: steps`)
    if (step.background) throw new Error(`${rt.ctx.workflow.path}: job ${rt.job.id}: background steps are not simulated`)
    const token = raw && isSequence(raw) ? raw.get(i) : undefined
    const done = rt.job.steps
    const status: Status = { success: () => !done.some((s) => s.conclusion === 'failure'), failure: () => done.some((s) => s.conclusion === 'failure'), cancelled: () => false }
    const scope: Scope = { contexts: { ...rt.contexts, steps: stepsContext(done), job: { status: status.failure() ? 'failure' : 'success' } }, status, workspace: rt.workspace }
    done.push(await runStep(rt, step, token, scope))
  }
}

function startDeployment(ctx: RunContext, environment: string, job: SimJob): number {
  const d = ghDeployment(ctx.run.sha, environment, 'github-actions[bot]', ctx.core.repo.clock.peek())
  d.ref = deployingRef(ctx.run.ref)
  const status = { ...ghDeploymentStatus(d, 'in_progress'), created_at: d.created_at, updated_at: d.created_at, ...runLinks(ctx) }
  ;(ctx.core.scenario.deployments ??= []).unshift({ deployment: d, statuses: [status] })
  job.deploymentId = Number(d.id)
  return Number(d.id)
}

function runLinks(ctx: RunContext): { log_url: string; target_url: string } {
  const url = `https://github.com/acme/ledger/actions/runs/${ctx.run.id}`
  return { log_url: url, target_url: url }
}

/** The deployment's last status, as GitHub posts it when the job ends: success or failure. */
function finishDeployment(ctx: RunContext, id: number, job: SimJob, url: string | undefined): void {
  const entry = ctx.core.scenario.deployments?.find((d) => Number(d.deployment.id) === id)
  if (!entry) return
  const at = ctx.core.repo.clock.peek()
  const status = { ...ghDeploymentStatus(entry.deployment, job.result === 'success' ? 'success' : 'failure'), created_at: at, updated_at: at, ...runLinks(ctx), ...(url ? { environment_url: url } : {}) }
  entry.statuses.unshift(status)
}
