import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { isBasicExpression, isBoolean } from '@actions/workflow-parser'
import type { ActionStep, RunStep } from '@actions/workflow-parser/model/workflow-template'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import { createAppAuth } from '@octokit/auth-app'
import { parse } from 'yaml'
import { runAction } from './action.js'
import { ROOT } from './corpus.js'
import type { TokenPermissions } from './fake-github-permissions.js'
import { jobBackendId, runnerVariables, type JobRuntime, type StepCall, type StepOutcome } from './workflow-sim-core.js'
import { condition, evaluate, ExpressionFailure, textMapping, textValue, toText, type Scope } from './workflow-sim-expr.js'
import { defaultRun } from './workflow-sim-run.js'
import { downloadArtifact, uploadArtifact } from './workflow-sim-artifact-steps.js'
import type { Annotation, SimStep } from './workflow-sim-types.js'
import { child } from './workflow-sim-workflow.js'

// The steps that matter, run for real: actions/checkout writes the files of the commit it would
// check out (a git work tree, as the gate expects); `run:` goes to the test's handler (default:
// jest + jest-junit writes its report, anything else is recorded); upload-artifact and
// download-artifact move zips through the simulated results service; the gate is the bundled
// dist/index.js, run as the runner runs an action. Any other `uses:` fails the simulation.

type Action = (rt: JobRuntime, call: StepCall) => Promise<StepOutcome>

/** The actions the simulator runs, by `owner/name` and the major versions it knows. */
const ACTIONS: [RegExp, Action][] = [
  [/^actions\/checkout@v4(\.\d+){0,2}$/, checkout],
  [/^actions\/upload-artifact@v4(\.\d+){0,2}$/, uploadArtifact],
  [/^actions\/download-artifact@v4(\.\d+){0,2}$/, downloadArtifact],
  [/^actions\/create-github-app-token@v[12](\.\d+){0,2}$/, appToken],
  [/^(sox-gate\/sox-gate@.+|\.\/?)$/, gate]
]

export async function runStep(rt: JobRuntime, step: ActionStep | RunStep, raw: TemplateToken | undefined, scope: Scope): Promise<SimStep> {
  const uses = 'uses' in step ? step.uses.value : undefined
  const sim: SimStep = { id: step.id, ...(uses ? { uses } : {}), with: {}, env: {}, outcome: 'skipped', conclusion: 'skipped', outputs: {}, annotations: [] }
  const action = uses === undefined ? undefined : ACTIONS.find(([re]) => re.test(uses))?.[1]
  if (uses !== undefined && !action) throw new Error(`${rt.ctx.workflow.path}: job ${rt.job.id} uses ${uses}, which the simulator does not know: it runs only actions/checkout@v4, actions/upload-artifact@v4, actions/download-artifact@v4, actions/create-github-app-token@v1/v2 and the gate`)
  let outcome: StepOutcome
  try {
    if (step.name) sim.name = textValue(step.name, scope)
    if (!condition(step.if.expression, scope)) return sim
    sim.env = textMapping(step.env, scope)
    const env = { ...rt.env, ...sim.env }
    sim.with = textMapping(child(raw, 'with'), { ...scope, contexts: { ...scope.contexts, env } })
    const call: StepCall = { id: step.id, uses: uses ?? '', with: sim.with, env: { ...runnerVariables(rt.contexts.github as Record<string, unknown>, step.id), ...env }, scope }
    if ('run' in step) {
      sim.run = textValue(step.run, { ...scope, contexts: { ...scope.contexts, env } })
      outcome = await runCommand(rt, sim.run as string, call, textValue(child(raw, 'working-directory') ?? child(rt.defaults, 'working-directory'), scope))
    } else outcome = await (action as Action)(rt, call)
  } catch (e) {
    if (!(e instanceof ExpressionFailure)) throw e
    outcome = { ok: false, error: e.message }
  }
  sim.outcome = outcome.ok ? 'success' : 'failure'
  sim.conclusion = outcome.ok || continueOnError(step, scope) ? 'success' : 'failure'
  Object.assign(sim, { outputs: outcome.outputs ?? {}, annotations: outcome.annotations ?? [] })
  for (const k of ['error', 'code', 'stdout', 'stderr', 'summary'] as const) if (outcome[k] !== undefined) Object.assign(sim, { [k]: outcome[k] })
  return sim
}

function continueOnError(step: ActionStep | RunStep, scope: Scope): boolean {
  const value = step['continue-on-error']
  if (value === undefined || typeof value === 'boolean') return value === true
  if (isBoolean(value)) return value.value
  return isBasicExpression(value) ? toText(evaluate(value.expression, scope)) === 'true' : false
}

/** actions/checkout: the files of the ref it would check out (the run's GITHUB_SHA unless `ref:`), as a git work tree. */
async function checkout(rt: JobRuntime, call: StepCall): Promise<StepOutcome> {
  const { repo } = rt.ctx.core
  const repository = call.with.repository || 'acme/ledger'
  if (repository.toLowerCase() !== 'acme/ledger') throw new Error(`actions/checkout of another repository (${repository}) is not simulated`)
  const token = call.with.token || rt.token
  const granted = rt.ctx.core.tokens.tokens.get(token)
  // A private repository: a token without contents read cannot fetch it (git answers "not found").
  if (granted && !['read', 'write'].includes(granted.permissions.contents ?? 'none')) return { ok: false, error: "remote: Repository not found.\nfatal: repository 'https://github.com/acme/ledger/' not found" }
  const ref = call.with.ref || rt.ctx.run.sha
  const sha = repo.resolve(ref)
  if (!sha) return { ok: false, error: `A branch or tag with the name '${ref}' could not be found` }
  const dir = path.resolve(rt.workspace, call.with.path || '.')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (const [file, text] of Object.entries(repo.commits.get(sha)?.tree ?? {})) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    writeFileSync(path.join(dir, file), text)
  }
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=sim', '-c', 'user.email=sim@acme.example', '-c', 'init.defaultBranch=sim', ...args], { cwd: dir, stdio: 'pipe' })
  git('init', '-q')
  git('add', '-A')
  git('commit', '-q', '--allow-empty', '-m', sha)
  rt.checkedOut = sha
  return { ok: true }
}

/** A `run:` step: the test's handler, else the default (jest + jest-junit, or record and exit 0). */
async function runCommand(rt: JobRuntime, command: string, call: StepCall, workingDirectory: string | undefined): Promise<StepOutcome> {
  const cwd = path.resolve(rt.workspace, workingDirectory ?? '.')
  const input = { command, env: call.env, cwd, workspace: rt.workspace, checkedOut: rt.checkedOut, run: rt.ctx.run, job: rt.job }
  const handled = (await rt.ctx.core.options.onRun?.(input)) ?? (await defaultRun(rt.ctx.core, input))
  const result = typeof handled === 'number' ? { code: handled } : (handled ?? {})
  const code = result.code ?? 0
  return { ok: code === 0, code, outputs: result.outputs ?? {}, ...(code === 0 ? {} : { error: `Process completed with exit code ${code}.` }) }
}

interface ActionYml {
  inputs: Record<string, { default?: string }>
}

/** The gate's step, as the runner runs a node action: inputs (action.yml's defaults evaluated), GITHUB_* and the file commands. */
async function gate(rt: JobRuntime, call: StepCall): Promise<StepOutcome> {
  // A local action (`uses: ./`) is read from the workspace: without a checkout there is none. (Its code is the bundled dist/index.js either way.)
  if (/^\.\/?$/.test(call.uses) && !['action.yml', 'action.yaml'].some((f) => existsSync(path.join(rt.workspace, f)))) {
    return { ok: false, error: `Can't find 'action.yml', 'action.yaml' or 'Dockerfile' under '${rt.workspace}'. Did you forget to run actions/checkout before running your local action?` }
  }
  const declared = (parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYml).inputs
  const inputs: Record<string, string> = {}
  for (const [name, input] of Object.entries(declared)) {
    if (input.default === undefined) continue
    const m = /^\$\{\{(.*)\}\}$/s.exec(String(input.default).trim())
    inputs[name] = m ? toText(evaluate(m[1] as string, call.scope)) : String(input.default)
  }
  Object.assign(inputs, call.with)
  const unexpected = Object.keys(call.with).filter((k) => !(k in declared))
  const annotations: Annotation[] = unexpected.length > 0 ? [{ level: 'warning', message: `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${Object.keys(declared).join("', '")}']` }] : []
  const runtime = await runtimeVariables(rt)
  const runnerDir = path.join(rt.temp, `_runner_file_commands_${call.id}`)
  mkdirSync(runnerDir, { recursive: true })
  const r = await runAction(rt.workspace, inputs, { ...call.env, ...runtime, RUNNER_TEMP: rt.temp }, { runnerDir })
  annotations.push(...commandAnnotations(r.stdout))
  return { ok: r.code === 0, code: r.code, outputs: r.outputs, stdout: r.stdout, stderr: r.stderr, summary: r.summary, annotations, ...(r.code === 0 ? {} : { error: `the gate exited ${r.code}` }) }
}

/** The runner's variables for actions: the results service token, and OIDC when the job may mint a token (id-token: write). */
async function runtimeVariables(rt: JobRuntime): Promise<Record<string, string>> {
  const { core, run } = rt.ctx
  const vars: Record<string, string> = { ACTIONS_RUNTIME_TOKEN: core.artifacts.runtimeToken(run.id, jobBackendId(rt)), ACTIONS_RESULTS_URL: `${core.artifacts.url}/` }
  if (rt.job.permissions['id-token'] === 'write') Object.assign(vars, (await core.sigstore()).env)
  return vars
}

/** `::error ...::message` workflow commands in an action's output, as annotations. */
function commandAnnotations(stdout: string): Annotation[] {
  const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
  return [...stdout.matchAll(/^::(error|warning|notice)(?: [^:]*)?::(.*)$/gm)].map((m) => ({ level: m[1] as Annotation['level'], message: unescape(m[2] as string) }))
}

/** actions/create-github-app-token: an installation token of the App for this repository, minted with its key. */
async function appToken(rt: JobRuntime, call: StepCall): Promise<StepOutcome> {
  const appId = call.with['app-id'] || call.with['client-id']
  const privateKey = call.with['private-key']
  if (!appId || !privateKey) return { ok: false, error: "Input required and not supplied: 'app-id' and 'private-key'" }
  const { request } = await import('@octokit/request')
  const auth = createAppAuth({ appId, privateKey, request: request.defaults({ baseUrl: rt.ctx.core.github.url }) })
  try {
    const appAuth = await auth({ type: 'app' })
    const installation = (await request('GET /repos/{owner}/{repo}/installation', { baseUrl: rt.ctx.core.github.url, owner: 'acme', repo: 'ledger', headers: { authorization: `bearer ${appAuth.token}` } })).data as { id: number; app_slug: string }
    const minted = await auth({ type: 'installation', installationId: installation.id })
    // The token can do what the installation may, no more (the fake GitHub enforces it as for a GITHUB_TOKEN).
    rt.ctx.core.tokens.tokens.set(minted.token, { permissions: minted.permissions as TokenPermissions })
    return { ok: true, outputs: { token: minted.token, 'installation-id': String(installation.id), 'app-slug': installation.app_slug } }
  } catch (e) {
    return { ok: false, error: `create-github-app-token: ${(e as Error).message}` }
  }
}
