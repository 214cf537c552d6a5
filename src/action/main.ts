import path from 'node:path'
import * as core from '@actions/core'
import type { ChangeRecord } from '../change/model.js'
import type { ControlMap } from '../controls/model.js'
import type { GateResult } from '../engine/result.js'
import { ConfigError, formatProblem } from '../errors.js'
import { writeBundle } from '../evidence/bundle.js'
import { runMetadata } from '../evidence/run-metadata.js'
import { uploadBundle } from '../evidence/upload.js'
import { loadControlMapFile, runGate } from '../gate.js'
import { evaluatedSha, readChange } from '../github/change.js'
import { publishCheckRun } from '../github/check-run.js'
import { createClient, type GitHubClient } from '../github/client.js'
import { renderCheckRun } from '../render/check-run.js'
import { renderMarkdown } from '../render/markdown.js'
import { renderText } from '../render/text.js'
import { headline, mainReasons } from '../render/words.js'
import { readSettings, type ActionSettings } from './settings.js'

/** The action: settings → change record → gate → outputs, summary, check run, step result. */
export async function run(clock: () => Date = () => new Date()): Promise<void> {
  // Fail closed: until a decision is reached, the output says block.
  core.setOutput('decision', 'block')
  let settings: ActionSettings | undefined
  let client: GitHubClient | undefined
  try {
    settings = readSettings()
    client = settings.githubToken && settings.run ? createClient({ token: settings.githubToken, baseUrl: settings.run.apiUrl, warn: (m) => core.warning(m) }) : undefined
    const map = await loadControlMapFile(settings.controlMap, settings.workspace)
    const change = await changeFor(map, settings, client)
    const { result, sources } = await runGate({ map, change, reportGlobs: settings.reports, now: clock(), cwd: settings.workspace })
    core.setOutput('decision', result.decision)
    core.setOutput('passed', String(result.counts.passed))
    core.setOutput('failed', String(result.counts.failed))
    core.setOutput('waived', String(result.counts.waived))
    core.info(renderText(map, result))
    for (const c of result.controls) {
      if (c.status === 'fail') core.error(`${c.id}: ${mainReasons(c).join('; ')}`, { title: `SOX control ${c.id} failed`, file: map.file, startLine: c.line })
    }
    const evidence = await keepEvidence(settings, map, result, sources, change)
    await publishCheck(client, settings, map, result, evidence.note)
    await core.summary.addRaw(renderMarkdown(map, result) + (evidence.note ? `\n${evidence.note}\n` : '')).write()
    if (evidence.problem) {
      if (settings.evidenceRequired) {
        // Evidence that was not kept is a control deviation: no evidence, no deployment.
        core.setOutput('decision', 'block')
        core.setFailed(`SOX compliance gate: ${evidence.problem} — no evidence, no deployment (evidence-required: true)`)
        return
      }
      core.warning(`SOX compliance gate: ${evidence.problem} (evidence-required: false, so the step goes on)`)
    }
    if (result.decision === 'block') {
      if (settings.mode === 'enforce') core.setFailed(`SOX compliance gate: ${headline(result)}`)
      else core.warning(`SOX compliance gate (report-only, not enforced): ${headline(result)}`)
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const p of e.problems) {
        core.error(p.message, { title: 'sox-gate configuration error', file: p.file, startLine: p.line, startColumn: p.col })
      }
      core.setFailed(`sox-gate could not evaluate the change (configuration error):\n${e.message}`)
      await core.summary
        .addRaw(['## ⛔ SOX compliance gate — configuration error', '', 'Nothing could be evaluated, so the gate blocks. Fix these and run again:', '', ...e.problems.map((p) => `- \`${formatProblem(p)}\``), ''].join('\n'))
        .write()
        .catch(() => undefined)
      if (settings) await publishConfigError(client, settings, e)
    } else {
      core.setFailed(`sox-gate internal error: ${(e as Error).message}`)
      core.debug((e as Error).stack ?? '')
    }
    process.exitCode = 2
  }
}

/**
 * The change record, read only when the map needs one (an approval control or a waiver). Outside
 * Actions there is none; without a token it is a record whose problem fails every approval control.
 */
async function changeFor(map: ControlMap, settings: ActionSettings, client: GitHubClient | undefined): Promise<ChangeRecord | undefined> {
  if (!map.controls.some((c) => c.approval) && map.waivers.length === 0) return undefined
  const run = settings.run
  if (!run) return undefined
  if (!client) {
    return { version: 1, repository: `${run.owner}/${run.repo}`, sha: evaluatedSha(run), event: run.eventName, pullRequest: null, commits: [], commitsComplete: false, reviews: [], problems: ['no github-token: the pull request and its reviews cannot be read'] }
  }
  // Read whenever a deployment is in play, so the record shows who approved it even if no control requires it.
  const deploymentApprovals = settings.environment !== undefined || map.controls.some((c) => c.approval?.deploymentApproval)
  return readChange(client, run, { deploymentApprovals, environment: settings.environment })
}

/**
 * Writes the sealed bundle and, when asked, uploads it. Never throws: a failure is returned as
 * `problem`, and no output claims evidence that does not exist.
 */
async function keepEvidence(settings: ActionSettings, map: ControlMap, result: GateResult, sources: readonly string[], change: ChangeRecord | undefined): Promise<{ note?: string; problem?: string }> {
  const dir = path.resolve(settings.workspace, settings.evidenceDir)
  let written
  try {
    written = await writeBundle({ dir, sources, map, result, change, mode: settings.mode, run: runMetadata(process.env) })
  } catch (e) {
    return { problem: `could not write the evidence bundle to ${settings.evidenceDir}: ${e instanceof ConfigError ? e.problems.map((p) => p.message).join('; ') : (e as Error).message}` }
  }
  core.setOutput('evidence-dir', dir)
  core.setOutput('evidence-sha256', written.manifestSha256)
  const sealed = `manifest sha256 \`${written.manifestSha256}\`, ${written.files} files`
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

function runUrl(settings: ActionSettings): string | undefined {
  const run = settings.run
  return run?.runId ? `${run.serverUrl}/${run.owner}/${run.repo}/actions/runs/${run.runId}` : undefined
}

async function publishCheck(client: GitHubClient | undefined, settings: ActionSettings, map: ControlMap, result: GateResult, evidenceNote: string | undefined): Promise<void> {
  const run = settings.run
  if (!client || !run) return
  const url = runUrl(settings)
  const note = [evidenceNote, url ? `Run and logs: ${url}` : ''].filter(Boolean).join('\n\n')
  const content = renderCheckRun(map, result, { mode: settings.mode, workspace: settings.workspace, evidenceNote: note })
  const published = await publishCheckRun(client, { owner: run.owner, repo: run.repo, sha: evaluatedSha(run), name: settings.checkName, detailsUrl: url }, content)
  if (published.warning) core.warning(published.warning)
  if (published.url) core.setOutput('check-run-url', published.url)
}

/** A configuration error still answers the required check, so the pull request shows why it is blocked. */
async function publishConfigError(client: GitHubClient | undefined, settings: ActionSettings, e: ConfigError): Promise<void> {
  const run = settings.run
  if (!client || !run) return
  const summary = ['sox-gate could not evaluate the change: nothing was proven, so the gate blocks.', '', ...e.problems.map((p) => `- \`${formatProblem(p)}\``)].join('\n')
  const published = await publishCheckRun(
    client,
    { owner: run.owner, repo: run.repo, sha: evaluatedSha(run), name: settings.checkName, detailsUrl: runUrl(settings) },
    {
      conclusion: 'failure',
      title: 'BLOCK: configuration error',
      summary: summary.slice(0, 65_000),
      text: '',
      annotations: e.problems.filter((p) => p.line !== undefined).slice(0, 50).map((p) => ({ path: p.file, start_line: p.line as number, end_line: p.line as number, annotation_level: 'failure' as const, title: 'sox-gate configuration error', message: p.message }))
    }
  )
  if (published.warning) core.warning(published.warning)
  if (published.url) core.setOutput('check-run-url', published.url)
}
