import * as core from '@actions/core'
import type { ControlMap } from '../controls/model.js'
import type { GateResult } from '../engine/result.js'
import { ConfigError, formatProblem } from '../errors.js'
import type { CheckPoster } from '../github/app-identity.js'
import { evaluatedSha } from '../github/change.js'
import { publishCheckRun } from '../github/check-run.js'
import type { GitHubClient } from '../github/client.js'
import { identityLine, type CheckIdentity } from '../render/check-identity.js'
import { mdCode } from '../render/md-escape.js'
import { renderCheckRun, type CheckRunContent } from '../render/check-run.js'
import type { ActionSettings } from './settings.js'

/** Where the check run goes and who posts it: the GitHub App when one is set, else the github-token's client. */
export interface CheckTarget {
  client: GitHubClient | undefined
  poster: CheckPoster
}

function runUrl(settings: ActionSettings): string | undefined {
  const run = settings.run
  return run?.runId ? `${run.serverUrl}/${run.owner}/${run.repo}/actions/runs/${run.runId}` : undefined
}

/** Who posts, from which workflow file and ref (SPEC §13). */
export function checkIdentity(settings: ActionSettings, poster: CheckPoster): CheckIdentity {
  return { ...(poster.kind === 'app' ? { app: poster.slug } : {}), workflowRef: settings.run?.workflowRef, event: settings.run?.eventName ?? '', checkName: settings.checkName }
}

async function post(target: CheckTarget, settings: ActionSettings, content: CheckRunContent, externalId?: string): Promise<void> {
  const run = settings.run
  if (!target.client || !run) return
  const published = await publishCheckRun(target.client, { owner: run.owner, repo: run.repo, sha: evaluatedSha(run), name: settings.checkName, detailsUrl: runUrl(settings), ...(externalId ? { externalId } : {}) }, content)
  if (published.warning) core.warning(published.warning)
  if (published.url) core.setOutput('check-run-url', published.url)
  if (published.app) core.info(`check run "${settings.checkName}" posted by ${published.app === 'github-actions' ? 'GitHub Actions (a GITHUB_TOKEN)' : `GitHub App ${published.app}`}`)
}

/** The verdict's check run; `manifestSha256` (the evidence bundle's) goes in its external_id, where `sox-gate audit` finds it. */
export async function publishCheck(target: CheckTarget, settings: ActionSettings, map: ControlMap, result: GateResult, evidenceNote: string | undefined, manifestSha256?: string): Promise<void> {
  const url = runUrl(settings)
  const note = [evidenceNote, url ? `Run and logs: ${url}` : ''].filter(Boolean).join('\n\n')
  await post(target, settings, renderCheckRun(map, result, { mode: settings.mode, workspace: settings.workspace, evidenceNote: note, identity: checkIdentity(settings, target.poster) }), manifestSha256)
}

/** A check run that blocks without an evaluation: a configuration error, or no test run to judge yet. */
function blockContent(settings: ActionSettings, poster: CheckPoster, o: { conclusion: 'failure' | 'neutral'; title: string; lines: string[]; annotations?: CheckRunContent['annotations'] }): CheckRunContent {
  const identity = checkIdentity(settings, poster)
  const render = (app?: string): string => [identityLine(app ? { ...identity, app } : identity), '', ...o.lines].join('\n').slice(0, 65_000)
  return { conclusion: o.conclusion, title: o.title, summary: render(), text: '', annotations: o.annotations ?? [], summaryAs: { assumed: identity.app ?? 'github-actions', render } }
}

/** A configuration error still answers the required check, so the pull request shows why it is blocked. */
export async function publishConfigError(target: CheckTarget, settings: ActionSettings, e: ConfigError): Promise<void> {
  await post(
    target,
    settings,
    blockContent(settings, target.poster, {
      conclusion: 'failure',
      title: 'BLOCK: configuration error',
      lines: ['sox-gate could not evaluate the change: nothing was proven, so the gate blocks.', '', ...e.problems.map((p) => `- \`${mdCode(formatProblem(p))}\``)],
      annotations: e.problems.filter((p) => p.file !== '' && p.line !== undefined).slice(0, 50).map((p) => ({ path: p.file, start_line: p.line as number, end_line: p.line as number, annotation_level: 'failure' as const, title: 'sox-gate configuration error', message: p.message }))
    })
  )
}

/**
 * No test run to judge yet (`reports-workflow`): a block that says so (SPEC §13), never a pass on
 * no reports. The gate runs again when the tests complete (the test workflow's `workflow_run`).
 */
export async function publishWaiting(target: CheckTarget, settings: ActionSettings, why: string): Promise<void> {
  const reportOnly = settings.mode === 'report-only'
  const title = `BLOCK: waiting for the tests${reportOnly ? ' (report-only)' : ''}`
  core.setOutput('decision', 'block')
  core.info(`${title}: ${why}`)
  await post(target, settings, blockContent(settings, target.poster, { conclusion: reportOnly ? 'neutral' : 'failure', title, lines: [`Nothing is judged yet: ${why}.`, '', 'The gate judges the change again when that run completes (the test workflow\'s `workflow_run` event), with no re-run of the tests.'] }))
  await core.summary.addRaw(`## ⏳ SOX compliance gate — ${title}\n\n${why}.\n`).write()
  if (reportOnly) core.warning(`SOX compliance gate (report-only, not enforced): ${why}`)
  else core.setFailed(`SOX compliance gate: ${why}`)
}
