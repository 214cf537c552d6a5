import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as core from '@actions/core'
import type { ChangeRecord } from '../change/model.js'
import type { ControlMap } from '../controls/model.js'
import type { GateResult } from '../engine/result.js'
import { ConfigError, formatProblem } from '../errors.js'
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
    const result = await runGate({ map, change, reportGlobs: settings.reports, now: clock(), cwd: settings.workspace })
    core.setOutput('decision', result.decision)
    core.setOutput('passed', String(result.counts.passed))
    core.setOutput('failed', String(result.counts.failed))
    core.setOutput('waived', String(result.counts.waived))
    core.info(renderText(map, result))
    for (const c of result.controls) {
      if (c.status === 'fail') core.error(`${c.id}: ${mainReasons(c).join('; ')}`, { title: `SOX control ${c.id} failed`, file: map.file, startLine: c.line })
    }
    if (change) await keepChangeRecord(change, settings)
    await publishCheck(client, settings, map, result)
    await core.summary.addRaw(renderMarkdown(map, result)).write()
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

/** Everything read is kept: the change record goes beside the evidence. */
async function keepChangeRecord(change: ChangeRecord, settings: ActionSettings): Promise<void> {
  const dir = path.resolve(settings.workspace, settings.evidenceDir)
  await mkdir(dir, { recursive: true })
  await writeFile(path.join(dir, 'change.json'), JSON.stringify(change, null, 2) + '\n')
}

function runUrl(settings: ActionSettings): string | undefined {
  const run = settings.run
  return run?.runId ? `${run.serverUrl}/${run.owner}/${run.repo}/actions/runs/${run.runId}` : undefined
}

async function publishCheck(client: GitHubClient | undefined, settings: ActionSettings, map: ControlMap, result: GateResult): Promise<void> {
  const run = settings.run
  if (!client || !run) return
  const url = runUrl(settings)
  const content = renderCheckRun(map, result, { mode: settings.mode, workspace: settings.workspace, evidenceNote: url ? `Run, logs and evidence: ${url}` : '' })
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
