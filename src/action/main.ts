import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import * as core from '@actions/core'
import type { ChangeRecord } from '../change/model.js'
import type { ControlMap } from '../controls/model.js'
import type { GateResult } from '../engine/result.js'
import { ConfigError, formatProblem } from '../errors.js'
import { writeBundle } from '../evidence/bundle.js'
import { runMetadata } from '../evidence/run-metadata.js'
import { MaskedSpool } from '../evidence/spool.js'
import { uploadBundle } from '../evidence/upload.js'
import { loadControlMap } from '../controls/load.js'
import { INTEGRITY_CONTROL_ID } from '../controls/protected.js'
import { decideJudge, integrityFailed } from '../engine/judge.js'
import type { TrustDecision } from '../engine/trust.js'
import { runGate, type GateOptions, type GateRun } from '../pipeline/gate.js'
import { progressInterval, ReadProgress, reportProgress } from '../pipeline/progress.js'
import { readChange, readDeploymentApprovals } from '../github/change.js'
import { describeLocation, parseMapLocation, readTrust, TrustedMapUnreadable } from '../github/trust.js'
import { appToken } from '../github/app-identity.js'
import { createClient, type GitHubClient } from '../github/client.js'
import { findReportsRun } from '../github/reports-run.js'
import { renderMarkdown } from '../render/markdown.js'
import { mdCode } from '../render/md-escape.js'
import { renderText } from '../render/text.js'
import { headline, mainReasons } from '../render/words.js'
import { attestEvidence } from './attestation.js'
import { publishCheck, publishConfigError, publishWaiting, type CheckTarget } from './publish.js'
import { artifactsSection, checkArtifactsRead, gatherReportArtifacts } from './report-artifacts.js'
import { readSettings, type ActionSettings } from './settings.js'
import { rangeStartSources } from './range-sources.js'
import { alsoStore } from './store.js'

/** True when `file` is a path in the workspace (a report, the map, an artifact's folder), not an input's name. */
function isWorkspacePath(file: string, workspace = process.env.GITHUB_WORKSPACE ?? process.cwd()): boolean {
  return existsSync(path.resolve(workspace, file))
}

/** runGate, with a progress line in the log every few seconds and one when it is done. */
async function readReports(options: Omit<GateOptions, 'progress' | 'threads'>): Promise<GateRun> {
  const progress = new ReadProgress()
  const ticker = reportProgress(progress, (line) => core.info(line), progressInterval(process.env))
  try {
    const run = await runGate({ ...options, progress, threads: process.env.SOX_GATE_THREADS })
    core.info(progress.summary(ticker.elapsedMs()))
    return run
  } finally {
    ticker.stop()
  }
}

/** The action: settings → change record → gate → outputs, summary, check run, step result. */
export async function run(clock: () => Date = () => new Date()): Promise<void> {
  // Fail closed: until a decision is reached, the output says block.
  core.setOutput('decision', 'block')
  let settings: ActionSettings | undefined
  let client: GitHubClient | undefined
  let checks: CheckTarget = { client: undefined, poster: { kind: 'token' } }
  let spool: MaskedSpool | undefined
  try {
    settings = readSettings()
    client = settings.githubToken && settings.run ? createClient({ token: settings.githubToken, baseUrl: settings.run.apiUrl, warn: (m) => core.warning(m) }) : undefined
    checks = { client, poster: { kind: 'token' } }
    const s = settings
    // The identity that posts the check comes first: if the App cannot, nobody else posts in its place.
    if (s.app && s.run) checks = await appChecks(s)
    // One collapsible group per phase keeps a long log readable; errors still end the step below.
    const judged = await core.group('Trust: the judging control map, the change and its range', () => judge(s, client))
    const { map, change, trust } = judged
    // Which test run's reports stand for this head (reports-workflow): none completed yet is a block that says so.
    const reportsRun = await reportsRunOf(s, client, change)
    if (reportsRun && 'waiting' in reportsRun) {
      await publishWaiting(checks, s, reportsRun.waiting)
      return
    }
    // Artifacts (other jobs' reports) arrive before anything is read; the change record keeps which.
    const gathered = await core.group('Report artifacts', () => gatherReportArtifacts(reportsRun ? { ...s, artifactsRunId: reportsRun.found.id } : s, client, change.sha, reportsRun?.found))
    if (gathered.record) change.reportArtifacts = gathered.record
    // Each report's masked text is spooled as it is read: the bundle copies it instead of reading it again.
    const masked = (spool = await MaskedSpool.create())
    const { result, sources, copies } = await core.group('Reading reports', () => readReports({ map, trust, change, reportGlobs: gathered.globs, now: clock(), cwd: s.workspace, spool: masked }))
    const artifacts = artifactsSection(gathered, await checkArtifactsRead(gathered, result, sources, settings.workspace))
    core.setOutput('decision', result.decision)
    core.setOutput('passed', String(result.counts.passed))
    core.setOutput('failed', String(result.counts.failed))
    core.setOutput('waived', String(result.counts.waived))
    core.setOutput('emergency', String(result.emergency))
    core.info(renderText(map, result))
    for (const c of result.controls) {
      if (c.status === 'fail') core.error(`${c.id}: ${mainReasons(c).join('; ')}`, { title: `SOX control ${c.id} failed`, file: map.file, startLine: c.line })
    }
    const evidence = await core.group('Evidence', async () => alsoStore(s, { decision: result.decision, change }, clock(), await keepEvidence(s, judged, result, sources, copies, client)))
    await core.group('Check run', () => publishCheck(checks, s, map, result, [artifacts, evidence.note].filter(Boolean).join('\n\n'), evidence.manifestSha256))
    await core.summary.addRaw(renderMarkdown(map, result) + (artifacts ? `\n${artifacts}` : '') + (evidence.note ? `\n${evidence.note}\n` : '')).write()
    if (evidence.problem) {
      if (settings.evidenceRequired) {
        // Evidence that was not kept is a control deviation: no evidence, no deployment.
        core.setOutput('decision', 'block')
        core.setFailed(`SOX compliance gate: ${evidence.problem} — no evidence, no deployment (evidence-required: true)`)
        // A bundle refused for what is in evidence-dir (a link, a file of the user's) or for the disk is a configuration error.
        if (evidence.config) process.exitCode = 2
        return
      }
      core.warning(`SOX compliance gate: ${evidence.problem} (evidence-required: false, so the step goes on)`)
    }
    if (result.decision === 'block') {
      if (settings.mode === 'enforce') core.setFailed(`SOX compliance gate: ${headline(result)}`)
      else if (integrityFailed(result)) core.setFailed(`SOX compliance gate: ${headline(result)} — ${INTEGRITY_CONTROL_ID} failed, so report-only does not apply (the mode may come from the change itself)`)
      else core.warning(`SOX compliance gate (report-only, not enforced): ${headline(result)}`)
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const p of e.problems) {
        // An annotation names a file only when the problem is in one (not an input such as run-id).
        if (p.file && isWorkspacePath(p.file, settings?.workspace)) core.error(p.message, { title: 'sox-gate configuration error', file: p.file, startLine: p.line, startColumn: p.col })
        else core.error(p.file ? `${p.file}: ${p.message}` : p.message, { title: 'sox-gate configuration error' })
      }
      core.setFailed(`sox-gate could not evaluate the change (configuration error):\n${e.message}`)
      await core.summary
        .addRaw(['## ⛔ SOX compliance gate — configuration error', '', 'Nothing could be evaluated, so the gate blocks. Fix these and run again:', '', ...e.problems.map((p) => `- \`${mdCode(formatProblem(p))}\``), ''].join('\n'))
        .write()
        .catch(() => undefined)
      if (settings) await publishConfigError(checks, settings, e)
    } else {
      core.setFailed(`sox-gate internal error: ${(e as Error).message}`)
      core.debug((e as Error).stack ?? '')
    }
    process.exitCode = 2
  } finally {
    await spool?.dispose()
  }
}

interface Judged {
  /** The map that judges (SPEC §9), the workspace's proposed map, and the trusted one (null: none). */
  map: ControlMap
  proposed: ControlMap
  trusted: ControlMap | null
  change: ChangeRecord
  trust: TrustDecision
}

/**
 * Trust, decided before anything is evaluated: the change record (always: which files the change
 * touches decides which map judges it), the trusted map read through the API — at the change's
 * base, or in a policy repository — and the workspace's copy as the *proposed* map. Nothing here
 * ever falls back to the workspace when the trusted map cannot be read.
 */
async function judge(settings: ActionSettings, client: GitHubClient | undefined): Promise<Judged> {
  const run = settings.run
  const location = parseMapLocation(settings.controlMap)
  const where = describeLocation(location)
  if (!run) throw ConfigError.at(where, 'not running in GitHub Actions (GITHUB_REPOSITORY is not set): the change and its trusted control map cannot be read; outside Actions use `sox-gate check`')
  if (location.kind === 'policy' && `${location.owner}/${location.repo}`.toLowerCase() === `${run.owner}/${run.repo}`.toLowerCase()) {
    // A ref of this repository is one the change can move (its own branch): no trust anchor.
    throw ConfigError.at(where, 'control-map names a policy map in this same repository: a change can point that at a ref it controls. Give the path alone (the map is then read at the change\'s base), or keep the map in a repository the change cannot edit')
  }
  if (!client) throw ConfigError.at(where, 'no github-token: the change and its trusted control map cannot be read (the gate never trusts the workspace\'s copy alone)')
  const policyClient = location.kind === 'policy' && settings.policyToken ? createClient({ token: settings.policyToken, baseUrl: run.apiUrl, warn: (m) => core.warning(m) }) : client
  const change = await readChange(client, run, { deploymentApprovals: false, ...rangeStartSources(settings, location, policyClient) })
  const proposedText = location.kind === 'repository' ? await readWorkspaceMap(location.path, settings.workspace) : undefined
  let read
  try {
    read = await readTrust({ repo: client, policy: policyClient }, run, change, location, { path: location.kind === 'repository' ? location.path : where, text: proposedText ?? '' })
  } catch (e) {
    // The first failure is the one that explains the rest (a GitHub that stopped answering).
    if (e instanceof TrustedMapUnreadable) throw ConfigError.at(where, change.problems.length > 0 ? `GitHub could not be read: ${change.problems[0] as string}; ${e.message}` : e.message)
    throw e
  }
  const trustedLabel = read.facts.source === 'policy' ? where : read.facts.path
  const trusted = read.trustedText === null ? null : loadControlMap(read.trustedText, trustedLabel)
  // In policy mode the workspace holds no map that could judge: the policy map is both.
  const proposed = proposedText === undefined ? (trusted as ControlMap) : loadControlMap(proposedText, location.path)
  if (proposedText === undefined) {
    read.facts.proposedPath = read.facts.path
    read.facts.proposedSha256 = read.facts.sha256 as string
  }
  change.trust = read.facts
  const trust = decideJudge(proposed, trusted, change)
  // Read whenever a deployment is in play, so the record shows who approved it even if no control requires it.
  if (settings.environment !== undefined || trust.judging.controls.some((c) => c.approval?.deploymentApproval)) {
    await readDeploymentApprovals(client, run, change, settings.environment)
  }
  return { map: trust.judging, proposed, trusted, change, trust }
}

async function readWorkspaceMap(file: string, workspace: string): Promise<string> {
  try {
    return await readFile(path.resolve(workspace, file), 'utf8')
  } catch (e) {
    throw ConfigError.at(file, `cannot read the control map: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`)
  }
}

/**
 * Writes the sealed bundle and, when asked, uploads it. Never throws: a failure is returned as
 * `problem`, and no output claims evidence that does not exist.
 */
async function keepEvidence(settings: ActionSettings, judged: Judged, result: GateResult, sources: readonly string[], copies: GateRun['copies'], client: GitHubClient | undefined): Promise<{ note?: string; problem?: string; config?: boolean; dir?: string; manifestSha256?: string }> {
  const dir = path.resolve(settings.workspace, settings.evidenceDir)
  let written
  try {
    const { map, proposed, trusted, change } = judged
    written = await writeBundle({ dir, workspace: settings.workspace, sources, copies, map, proposed, trusted, result, change, mode: settings.mode, run: runMetadata(process.env) })
  } catch (e) {
    return { problem: `could not write the evidence bundle to ${settings.evidenceDir}: ${e instanceof ConfigError ? e.problems.map((p) => p.message).join('; ') : (e as Error).message}`, config: e instanceof ConfigError }
  }
  core.setOutput('evidence-dir', dir)
  core.setOutput('evidence-sha256', written.manifestSha256)
  const sealed = `manifest sha256 \`${written.manifestSha256}\`, ${written.files} files`
  // Signed before the upload (and the store), so attestation.sigstore.json travels with the bundle.
  const attestation = await attestEvidence(settings, dir, written.manifestSha256, judged.map, result, client)
  const kept = await uploadEvidence(settings, dir, sealed)
  return { dir, manifestSha256: written.manifestSha256, note: [kept.note, attestation.note].filter(Boolean).join(' '), problem: [kept.problem, attestation.problem].filter(Boolean).join('; ') || undefined }
}

async function uploadEvidence(settings: ActionSettings, dir: string, sealed: string): Promise<{ note?: string; problem?: string }> {
  if (!settings.uploadEvidence) return { note: `Evidence: \`${settings.evidenceDir}\` on the runner (${sealed}; upload-evidence is false).` }
  const run = settings.run
  const name = settings.artifactName
  try {
    const uploaded = await uploadBundle(dir, name, settings.retentionDays)
    core.setOutput('artifact-id', String(uploaded.id))
    const url = run?.runId ? `${run.serverUrl}/${run.owner}/${run.repo}/actions/runs/${run.runId}/artifacts/${uploaded.id}` : undefined
    return { note: `Evidence: artifact [\`${name}\`](${url ?? '#'}) (id ${uploaded.id}; ${sealed}). Check it with \`sox-gate verify <dir>\`.` }
  } catch (e) {
    return { note: `Evidence: \`${settings.evidenceDir}\` on the runner only (${sealed}).`, problem: `could not upload the evidence bundle as artifact "${name}": ${(e as Error).message}` }
  }
}

/** A client that posts the check run as the GitHub App (SPEC §13): an installation token for this repository. */
async function appChecks(settings: ActionSettings): Promise<CheckTarget> {
  const run = settings.run as NonNullable<ActionSettings['run']>
  const minted = await appToken(settings.app as NonNullable<ActionSettings['app']>, { owner: run.owner, repo: run.repo, apiUrl: run.apiUrl })
  core.setSecret(minted.token)
  core.info(`the check run is posted by GitHub App ${minted.poster.kind === 'app' ? minted.poster.slug : '?'}`)
  return { client: createClient({ token: minted.token, baseUrl: run.apiUrl, warn: (m) => core.warning(m) }), poster: minted.poster }
}

/** With reports-workflow: the test run whose artifacts hold the reports, kept in the change record; undefined without it. */
async function reportsRunOf(settings: ActionSettings, client: GitHubClient | undefined, change: ChangeRecord): Promise<Awaited<ReturnType<typeof findReportsRun>> | undefined> {
  if (!settings.reportsWorkflow) return undefined
  if (!client || !settings.run) throw ConfigError.at('reports-workflow', 'reports-workflow needs github-token (with actions: read) to find the test run')
  try {
    const lookup = await findReportsRun(client, settings.run, change.sha, settings.reportsWorkflow)
    if ('found' in lookup) {
      change.reportsRun = lookup.found
      core.info(`reports-workflow: the reports of ${settings.reportsWorkflow} run ${lookup.found.id} (attempt ${lookup.found.attempt}, ${lookup.found.why}, ${lookup.found.conclusion ?? lookup.found.status}) stand for ${change.sha.slice(0, 7)}`)
    }
    return lookup
  } catch (e) {
    throw ConfigError.at('reports-workflow', (e as Error).message)
  }
}
