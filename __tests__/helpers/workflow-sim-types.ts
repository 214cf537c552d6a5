import type { GitPerson, Scenario } from './fake-github.js'
import type { TokenPermissions } from './fake-github-permissions.js'
import type { Files } from './workflow-sim-repo.js'

// The simulator's shapes, shared by its parts (workflow-sim.ts and the files it is split into).

/** A JUnit test case the default jest + jest-junit handler reports. */
export interface TestCase {
  /** The test's full name (describe blocks and title), as jest-junit writes it. */
  name: string
  /** Its test file / top describe block (a <testsuite>); default `tests`. */
  suite?: string
  status?: 'passed' | 'failed' | 'skipped'
  message?: string
}

/** A `run:` step as the handler sees it. */
export interface RunCommand {
  command: string
  /** The step's environment: the runner's variables, the workflow's, the job's and the step's `env:`. */
  env: Record<string, string>
  /** Where it runs (the workspace, or its working-directory). */
  cwd: string
  workspace: string
  /** The commit the job checked out last (undefined: no checkout). */
  checkedOut?: string
  run: SimRun
  job: SimJob
}

/** What a `run:` step did: its exit code, and outputs it wrote to GITHUB_OUTPUT. */
export type RunResult = number | void | { code?: number; outputs?: Record<string, string> }
export type RunHandler = (command: RunCommand) => RunResult | Promise<RunResult>

/** A deployment environment's settings, as the repository's admins keep them. */
export interface EnvironmentSettings {
  /** Deployment branch policy: the branches (GitHub's name patterns) that may deploy; absent: any branch. `protected`: protected branches only. */
  branches?: string[] | 'protected'
  secrets?: Record<string, string>
  vars?: Record<string, string>
}

export interface SimulationOptions {
  /** Each branch's files at the start (path → text); the default branch must be among them. */
  branches: Record<string, Files>
  /** Default `main`. */
  defaultBranch?: string
  /** Workflow files (file name under .github/workflows → YAML) of every branch at the start (the others were cut from the default branch). */
  workflows?: Record<string, string>
  /** Repository secrets and variables (`secrets.*`, `vars.*`). */
  secrets?: Record<string, string>
  vars?: Record<string, string>
  environments?: Record<string, EnvironmentSettings>
  /** The repository's default GITHUB_TOKEN permissions; default GitHub's `restricted` (contents and packages read). */
  defaultPermissions?: 'restricted' | 'permissive'
  /** The cases the default jest handler reports, by commit (a test merge falls back to its pull request's head), `*` for any. */
  tests?: Record<string, TestCase[]> | ((sha: string) => TestCase[] | undefined)
  /** Runs `run:` steps; return undefined to leave one to the default handler (jest + jest-junit, else record and exit 0). */
  onRun?: RunHandler
  /** More of the fake GitHub's state (an installed App, faults…); the repository's parts are the simulator's. */
  scenario?: Scenario
  /** Who people are as git identities (login → person); default `<login>@acme.example`, linked to the login. */
  people?: Record<string, GitPerson>
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  message: string
}

export interface SimStep {
  /** The step's id (given, or GitHub's generated `__run`, `__actions_checkout`…). */
  id: string
  name?: string
  uses?: string
  run?: string
  with: Record<string, string>
  env: Record<string, string>
  /** Before continue-on-error. */
  outcome: 'success' | 'failure' | 'skipped'
  /** After continue-on-error. */
  conclusion: 'success' | 'failure' | 'skipped'
  outputs: Record<string, string>
  /** Why it failed (a message, as the log would show it). */
  error?: string
  annotations: Annotation[]
  /** The gate's step: its exit code, log, job summary. */
  code?: number
  stdout?: string
  stderr?: string
  summary?: string
}

export interface SimJob {
  /** `jobs.<id>` */
  id: string
  /** Its display name (with the matrix values, as GitHub shows a leg). */
  name: string
  matrix?: Record<string, unknown>
  result: 'success' | 'failure' | 'skipped' | 'cancelled'
  outputs: Record<string, string>
  steps: SimStep[]
  /** Why the job failed before any step ran (an environment's branch policy, an expression). */
  error?: string
  environment?: string
  /** The deployment the job created (id in the fake's scenario.deployments). */
  deploymentId?: number
  concurrency?: string
  permissions: TokenPermissions
  /** Its GITHUB_TOKEN (revoked when the job ended). */
  token?: string
  step(id: string): SimStep
}

export interface SimRun {
  id: number
  attempt: number
  /** The workflow's name and file. */
  name: string
  path: string
  event: string
  action?: string
  payload: Record<string, unknown>
  /** GITHUB_SHA and GITHUB_REF. */
  sha: string
  ref: string
  /** The run's head commit and branch (GET …/actions/runs/{id}). */
  headSha: string
  headBranch: string
  status: 'queued' | 'in_progress' | 'completed'
  conclusion: 'success' | 'failure' | 'skipped' | null
  concurrency?: string
  jobs: SimJob[]
  /** The run whose completion (or start) triggered this one (workflow_run). */
  triggeredBy?: number
  /** workflow_run chain depth (GitHub runs at most three levels). */
  depth: number
  /** Every leg of `jobs.<id>` (one, unless a matrix). */
  legs(id: string): SimJob[]
  /** The job `jobs.<id>` (its only leg). */
  job(id: string): SimJob
}
