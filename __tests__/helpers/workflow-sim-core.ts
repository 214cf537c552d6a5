import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import type { FakeGitHub, GitPerson, Scenario } from './fake-github.js'
import type { TokenRegistry } from './fake-github-permissions.js'
import type { FakeSigstore } from './fake-sigstore.js'
import type { ArtifactService } from './workflow-sim-artifacts.js'
import type { Scope } from './workflow-sim-expr.js'
import type { SimRepo } from './workflow-sim-repo.js'
import type { Annotation, SimJob, SimRun, SimulationOptions } from './workflow-sim-types.js'
import type { Workflow } from './workflow-sim-workflow.js'

/** What a run's jobs and steps reach of the simulation. */
export interface SimCore {
  repo: SimRepo
  github: FakeGitHub
  scenario: Scenario
  artifacts: ArtifactService
  tokens: TokenRegistry
  options: SimulationOptions
  person(login: string): GitPerson
  /** Fulcio, Rekor, a TSA and the runner's OIDC endpoint, started for the first job that may mint an OIDC token. */
  sigstore(): Promise<FakeSigstore>
}

/** One run being executed: its workflow and the contexts every job of it shares. */
export interface RunContext {
  core: SimCore
  run: SimRun
  workflow: Workflow
  /** The workflow definition's commit (GITHUB_WORKFLOW_SHA). */
  workflowSha: string
  actor: string
}

/** The `github` context of a job (and the GITHUB_* variables the runner derives from the same facts). */
export function githubContext(ctx: RunContext, job: SimJob | undefined, token: string, workspace: string, eventPath: string): Record<string, unknown> {
  const { run } = ctx
  const pr = (run.payload as { pull_request?: { head?: { ref?: string }; base?: { ref?: string } } }).pull_request
  const prEvent = run.event.startsWith('pull_request')
  return {
    event_name: run.event,
    event: run.payload,
    ref: run.ref,
    ref_name: run.ref.replace(/^refs\/(heads|tags)\//, ''),
    ref_type: run.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha: run.sha,
    repository: 'acme/ledger',
    repository_owner: 'acme',
    repository_id: '42',
    repositoryUrl: 'git://github.com/acme/ledger.git',
    workflow: run.name,
    // The definition is read at the run's ref (GITHUB_WORKFLOW_REF: refs/pull/N/merge, the default branch, the pushed branch).
    workflow_ref: `acme/ledger/${run.path}@${run.ref}`,
    workflow_sha: ctx.workflowSha,
    run_id: String(run.id),
    run_number: String(run.id % 1000),
    run_attempt: String(run.attempt),
    actor: ctx.actor,
    triggering_actor: ctx.actor,
    head_ref: prEvent ? (pr?.head?.ref ?? '') : '',
    base_ref: prEvent ? (pr?.base?.ref ?? '') : '',
    server_url: 'https://github.com',
    api_url: ctx.core.github.url,
    graphql_url: `${ctx.core.github.url}/graphql`,
    token,
    job: job?.id ?? '',
    workspace,
    event_path: eventPath,
    retention_days: '90'
  }
}

/** The runner's GITHUB_* variables for a step, from the github context. */
export function runnerVariables(github: Record<string, unknown>, step: string): Record<string, string> {
  const s = (k: string) => String(github[k] ?? '')
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: step,
    GITHUB_ACTOR: s('actor'),
    GITHUB_TRIGGERING_ACTOR: s('triggering_actor'),
    GITHUB_API_URL: s('api_url'),
    GITHUB_GRAPHQL_URL: s('graphql_url'),
    GITHUB_SERVER_URL: s('server_url'),
    GITHUB_BASE_REF: s('base_ref'),
    GITHUB_HEAD_REF: s('head_ref'),
    GITHUB_EVENT_NAME: s('event_name'),
    GITHUB_EVENT_PATH: s('event_path'),
    GITHUB_JOB: s('job'),
    GITHUB_REF: s('ref'),
    GITHUB_REF_NAME: s('ref_name'),
    GITHUB_REF_TYPE: s('ref_type'),
    GITHUB_REPOSITORY: s('repository'),
    GITHUB_REPOSITORY_OWNER: s('repository_owner'),
    GITHUB_REPOSITORY_ID: s('repository_id'),
    GITHUB_RUN_ATTEMPT: s('run_attempt'),
    GITHUB_RUN_ID: s('run_id'),
    GITHUB_RUN_NUMBER: s('run_number'),
    GITHUB_SHA: s('sha'),
    GITHUB_WORKFLOW: s('workflow'),
    GITHUB_WORKFLOW_REF: s('workflow_ref'),
    GITHUB_WORKFLOW_SHA: s('workflow_sha'),
    GITHUB_WORKSPACE: s('workspace'),
    GITHUB_RETENTION_DAYS: s('retention_days'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_ENVIRONMENT: 'github-hosted'
  }
}

/** One job being run: where, with which token, and the contexts its steps see. */
export interface JobRuntime {
  ctx: RunContext
  job: SimJob
  workspace: string
  temp: string
  token: string
  eventPath: string
  /** The workflow's and the job's env. */
  env: Record<string, string>
  contexts: Record<string, unknown>
  /** `defaults.run` of the job. */
  defaults?: TemplateToken
  /** The commit the last checkout wrote (the test cases are looked up by it). */
  checkedOut?: string
}

/** What a step implementation returns. */
export interface StepOutcome {
  ok: boolean
  outputs?: Record<string, string>
  error?: string
  annotations?: Annotation[]
  code?: number
  stdout?: string
  stderr?: string
  summary?: string
}

export interface StepCall {
  id: string
  /** The action (`owner/name@ref`, `./`), or '' for a run: step. */
  uses: string
  with: Record<string, string>
  /** The step's full environment: runner variables, workflow, job and step env. */
  env: Record<string, string>
  scope: Scope
}

/** The job's id in the results service: its attempt, and a key of its own (its token's tail). */
export function jobBackendId(rt: JobRuntime): string {
  return `a${rt.ctx.run.attempt}-${rt.token.slice(-12)}`
}

