import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { ConfigError } from '../errors.js'
import { parseStoreUrl, type StoreUrl } from '../evidence/store/location.js'
import type { RunContext } from '../github/change.js'

/** The run as the Actions runner describes it; absent when not running in Actions. */
export interface RunSettings extends RunContext {
  apiUrl: string
  serverUrl: string
  /** GITHUB_WORKFLOW_REF: `owner/repo/.github/workflows/file.yml@refs/…`, the workflow file and ref this run came from. */
  workflowRef?: string
}

/** Every action input and runner variable, read once, validated, typed (as actions/checkout's input-helper does). */
export interface ActionSettings {
  controlMap: string
  /** Report globs from the `reports` input; empty means "use the control map's". */
  reports: string[]
  mode: 'enforce' | 'report-only'
  githubToken: string
  /** Reads a policy repository's control map (`control-map: OWNER/REPO/PATH@REF`); default github-token. */
  policyToken: string
  checkName: string
  environment?: string
  /** Range start for push, dispatch and deployment events (SPEC §10): a sha, tag or branch. */
  since?: string
  evidenceDir: string
  uploadEvidence: boolean
  evidenceRequired: boolean
  /** The input, or SPEC's default `sox-evidence-<run_id>-<attempt>`. */
  artifactName: string
  retentionDays?: number
  /** SPEC §11: sign the bundle (`auto`: when the job can mint an OIDC token). */
  attest: 'auto' | 'true' | 'false'
  /** `evidence-store`: the write-once store (SPEC §11), when configured. */
  evidenceStore?: StoreUrl
  /** `store-retention-days`: how long the store locks each object (default 2557, seven years). */
  storeRetentionDays: number
  /** `report-artifacts`: names or globs of workflow artifacts to read reports from (empty: none). */
  reportArtifacts: string[]
  /** `report-artifacts-min` (default 1): fewer matching artifacts is a failure. */
  reportArtifactsMin: number
  /** `run-id`: the run whose artifacts are read; a `workflow_run` event defaults it to the triggering run. */
  artifactsRunId?: number
  /**
   * `reports-workflow` (SPEC §13): the test workflow (file name, path or name) whose latest
   * completed run for the evaluated head holds the reports, on events that are not its own run.
   */
  reportsWorkflow?: string
  /** `app-id` + `app-private-key`: post the check run as this GitHub App (SPEC §13). */
  app?: { appId: string; privateKey: string }
  /** Where relative paths are resolved: the checked-out repository. */
  workspace: string
  run?: RunSettings
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): ActionSettings {
  const problems: string[] = []
  const mode = core.getInput('mode') || 'enforce'
  if (mode !== 'enforce' && mode !== 'report-only') problems.push(`input mode must be "enforce" or "report-only", not "${mode}"`)
  const retention = core.getInput('retention-days')
  let retentionDays: number | undefined
  if (retention) {
    retentionDays = Number(retention)
    if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 90) problems.push(`input retention-days must be a whole number from 1 to 90, not "${retention}"`)
  }
  const attest = (core.getInput('attest') || 'auto').toLowerCase()
  if (attest !== 'auto' && attest !== 'true' && attest !== 'false') problems.push(`input attest must be "auto", "true" or "false", not "${attest}"`)
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = core.getInput(name)
    if (raw === '') return fallback
    // Exactly what core.getBooleanInput accepts (YAML 1.2's core schema), and no more.
    if (['true', 'True', 'TRUE'].includes(raw)) return true
    if (['false', 'False', 'FALSE'].includes(raw)) return false
    problems.push(`input ${name} must be true or false, not "${raw}"`)
    return fallback
  }
  const run = readRun(env, problems)
  const settings: ActionSettings = {
    controlMap: core.getInput('control-map') || '.github/sox-controls.yml',
    reports: core.getMultilineInput('reports'),
    mode: mode as ActionSettings['mode'],
    githubToken: core.getInput('github-token'),
    policyToken: core.getInput('policy-token') || core.getInput('github-token'),
    checkName: core.getInput('check-name') || 'SOX compliance gate',
    environment: core.getInput('environment') || undefined,
    since: core.getInput('since') || undefined,
    evidenceDir: core.getInput('evidence-dir') || 'sox-evidence',
    uploadEvidence: bool('upload-evidence', true),
    evidenceRequired: bool('evidence-required', true),
    artifactName: core.getInput('artifact-name') || `sox-evidence-${env.GITHUB_RUN_ID || 'local'}-${env.GITHUB_RUN_ATTEMPT || '1'}`,
    retentionDays,
    attest: attest as ActionSettings['attest'],
    ...readStore(problems),
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    run,
    ...readReportArtifacts(problems, run),
    ...readLifecycle(problems)
  }
  if (problems.length > 0) throw new ConfigError(problems.map((message) => ({ file: '', message })))
  return settings
}

function readStore(problems: string[]): Pick<ActionSettings, 'evidenceStore' | 'storeRetentionDays'> {
  const url = core.getInput('evidence-store')
  const store = url ? parseStoreUrl(url) : undefined
  if (typeof store === 'string') problems.push(`input evidence-store ${store}`)
  const days = core.getInput('store-retention-days') || '2557'
  // Whole days, at most 100 years: S3 Object Lock's own limit.
  if (!/^\d+$/.test(days) || Number(days) < 1 || Number(days) > 36500) problems.push(`input store-retention-days must be a whole number of days from 1 to 36500, not "${days}"`)
  return { evidenceStore: typeof store === 'string' ? undefined : store, storeRetentionDays: Number(days) }
}

/**
 * `report-artifacts` (newline- or comma-separated), `report-artifacts-min` and `run-id`. A
 * `workflow_run` event reads the triggering run's artifacts unless `run-id` says otherwise.
 */
function readReportArtifacts(problems: string[], run: RunSettings | undefined): Pick<ActionSettings, 'reportArtifacts' | 'reportArtifactsMin' | 'artifactsRunId'> {
  const patterns = core.getInput('report-artifacts').split(/[\r\n,]+/).map((p) => p.trim()).filter((p) => p !== '')
  if (patterns.length > 0 && patterns.every((p) => p.startsWith('!'))) problems.push('input report-artifacts only excludes (every entry starts with !): name the artifacts to read')
  const rawMin = core.getInput('report-artifacts-min') || '1'
  if (!/^\d+$/.test(rawMin) || Number(rawMin) < 1 || Number(rawMin) > 10_000) problems.push(`input report-artifacts-min must be a whole number from 1 to 10000, not "${rawMin}"`)
  const rawRunId = core.getInput('run-id')
  let artifactsRunId: number | undefined
  if (rawRunId) {
    if (!/^[1-9]\d{0,15}$/.test(rawRunId)) problems.push(`input run-id must be a workflow run id (a whole number), not "${rawRunId}"`)
    else artifactsRunId = Number(rawRunId)
    if (patterns.length === 0) problems.push('input run-id is set but report-artifacts is empty: name the artifacts of that run to read reports from')
  } else if (run?.eventName === 'workflow_run' && !core.getInput('reports-workflow')) {
    // (With reports-workflow, which run holds the reports is decided against the API: src/github/reports-run.ts.)
    const id = (run.payload.workflow_run as { id?: unknown } | undefined)?.id
    if (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) artifactsRunId = id
  }
  return { reportArtifacts: patterns, reportArtifactsMin: Number(rawMin) || 1, artifactsRunId }
}

/** `reports-workflow`, and the GitHub App that posts the check (`app-id` with `app-private-key`). */
function readLifecycle(problems: string[]): Pick<ActionSettings, 'reportsWorkflow' | 'app'> {
  const reportsWorkflow = core.getInput('reports-workflow') || undefined
  if (reportsWorkflow !== undefined) {
    if (core.getInput('run-id')) problems.push('inputs reports-workflow and run-id are both set: give one (reports-workflow finds the run itself)')
    if (!core.getInput('report-artifacts')) problems.push('input reports-workflow is set but report-artifacts is empty: name the artifacts of that workflow\'s run that hold the reports')
    if (/[\r\n]/.test(reportsWorkflow) || reportsWorkflow.includes('..')) problems.push(`input reports-workflow must name one workflow (a file name such as ci.yml, or its path), not "${reportsWorkflow}"`)
  }
  const appId = core.getInput('app-id')
  const privateKey = core.getInput('app-private-key')
  if (appId && !/^[1-9]\d{0,15}$/.test(appId) && !/^Iv[0-9A-Za-z.]+$/.test(appId)) problems.push(`input app-id must be a GitHub App's id (a whole number) or client id, not "${appId}"`)
  if (Boolean(appId) !== Boolean(privateKey)) problems.push(appId ? 'input app-id is set but app-private-key is empty: give the App\'s private key (a secret), or neither' : 'input app-private-key is set but app-id is empty: give the App\'s id, or neither')
  return { reportsWorkflow, app: appId && privateKey ? { appId, privateKey } : undefined }
}

function readRun(env: NodeJS.ProcessEnv, problems: string[]): RunSettings | undefined {
  const repository = env.GITHUB_REPOSITORY
  if (!repository) return undefined
  const [owner, repo] = repository.split('/')
  if (!owner || !repo) {
    problems.push(`GITHUB_REPOSITORY must be owner/repo, not "${repository}"`)
    return undefined
  }
  let payload: Record<string, unknown> = {}
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>
    } catch (e) {
      problems.push(`cannot read the event payload GITHUB_EVENT_PATH=${env.GITHUB_EVENT_PATH}: ${(e as Error).message}`)
    }
  }
  const number = (v: string | undefined): number | undefined => (v && /^\d+$/.test(v) ? Number(v) : undefined)
  return {
    owner,
    repo,
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload,
    sha: env.GITHUB_SHA ?? '',
    runId: number(env.GITHUB_RUN_ID),
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    workflowRef: env.GITHUB_WORKFLOW_REF || undefined
  }
}
