import { realpath } from 'node:fs/promises'
import path from 'node:path'
import * as core from '@actions/core'
import fg from 'fast-glob'
import picomatch from 'picomatch'
import type { ReportArtifacts } from '../change/model.js'
import type { GateResult } from '../engine/result.js'
import { ConfigError } from '../errors.js'
import { ARTIFACTS_DIR, fetchReportArtifacts } from '../github/report-artifacts.js'
import { artifactLines, outcomesByArtifact, renderArtifactsMarkdown, type ArtifactOutcome } from '../render/report-artifacts.js'
import type { GitHubClient } from '../github/client.js'
import type { ActionSettings } from './settings.js'

export interface GatheredReports {
  /** The report globs the gate reads (empty: the control map's `reports:`). */
  globs: string[]
  /** The artifacts downloaded, when `report-artifacts` is set. */
  record?: ReportArtifacts
}

/**
 * Downloads the `report-artifacts` before any report is read and says which globs read them:
 * the `reports` input when given (paths under `.sox-gate/artifacts/NAME/`), else every file of
 * every artifact — one glob per artifact, so an artifact that arrived empty fails the run by name.
 * The map's own `reports:` are then not read: they name the workspace of the job that ran the
 * tests, not this one.
 */
export async function gatherReportArtifacts(settings: ActionSettings, client: GitHubClient | undefined, evaluatedSha: string, knownRun?: { id: number; headSha: string }): Promise<GatheredReports> {
  if (settings.reportArtifacts.length === 0) return { globs: settings.reports }
  const run = settings.run
  if (!run) throw ConfigError.at('report-artifacts', 'not running in GitHub Actions (GITHUB_REPOSITORY is not set): there are no workflow artifacts to read')
  const started = performance.now()
  const record = await fetchReportArtifacts({
    patterns: settings.reportArtifacts,
    min: settings.reportArtifactsMin,
    workspace: settings.workspace,
    owner: run.owner,
    repo: run.repo,
    currentRunId: run.runId,
    otherRunId: settings.artifactsRunId,
    // Another run's reports prove something about this change only if that run tested this commit:
    // `run-id` may come from a dispatch input or a variable, and an older green run of another
    // commit must not stand in for this one. Checked before anything is listed or downloaded.
    // (A run reports-workflow found by its head was read already: its head is not asked again.)
    otherRunHead: (runId) => (knownRun && knownRun.id === runId && knownRun.headSha === evaluatedSha ? Promise.resolve(knownRun.headSha) : otherRunHead(client, run.owner, run.repo, runId, evaluatedSha)),
    token: settings.githubToken,
    tempDir: process.env.RUNNER_TEMP,
    info: (m) => core.info(m)
  })
  const found = record.artifacts.length
  const bytes = record.artifacts.reduce((n, a) => n + a.size, 0)
  core.info(`report-artifacts: ${found} artifact${found === 1 ? '' : 's'}, ${bytes} bytes zipped, ${record.artifacts.reduce((n, a) => n + a.files, 0)} files, downloaded and unpacked in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  if (found > settings.reportArtifactsMin && settings.reportArtifacts.some((p) => picomatch.scan(p).isGlob)) {
    // A glob with the default minimum cannot tell a full matrix from one whose legs never uploaded.
    core.notice(`report-artifacts: ${found} artifacts matched, but report-artifacts-min is ${settings.reportArtifactsMin}: a run where only ${settings.reportArtifactsMin} arrived would have been judged on ${settings.reportArtifactsMin === 1 ? 'that one' : 'those'} alone. Set report-artifacts-min: ${found} if every one is expected.`)
  }
  const globs = settings.reports.length > 0 ? settings.reports : record.artifacts.map((a) => `${ARTIFACTS_DIR}/${fg.escapePath(a.name)}/**`)
  return { globs, record }
}

/** The commit run `runId` tested; a ConfigError unless it is `evaluatedSha`. */
async function otherRunHead(client: GitHubClient | undefined, owner: string, repo: string, runId: number, evaluatedSha: string): Promise<string> {
  if (!client) throw ConfigError.at('run-id', `reading run ${runId}'s artifacts needs github-token (with actions: read)`)
  let headSha: string
  try {
    headSha = (await client.rest.actions.getWorkflowRun({ owner, repo, run_id: runId })).data.head_sha
  } catch (e) {
    throw ConfigError.at('run-id', `cannot read workflow run ${runId} of ${owner}/${repo}: ${(e as Error).message.split('\n')[0]}`)
  }
  if (headSha !== evaluatedSha) {
    throw ConfigError.at('run-id', `workflow run ${runId} tested commit ${headSha.slice(0, 7)}, not the evaluated commit ${evaluatedSha.slice(0, 7)}: its reports prove nothing about this change`)
  }
  return headSha
}

/**
 * After reading: every artifact gave at least one report (with a `reports` input, its globs may
 * miss an artifact's files, and that leg would silently go unread). Returns each artifact's
 * outcome for the log and the summary.
 */
export async function checkArtifactsRead(gathered: GatheredReports, result: GateResult, sources: readonly string[], workspace: string): Promise<ArtifactOutcome[]> {
  const record = gathered.record
  if (!record) return []
  const root = await realpath(path.join(workspace, ARTIFACTS_DIR))
  const outcomes = outcomesByArtifact(record, result.reports, sources, (a) => path.join(root, a.name) + path.sep)
  const unread = outcomes.filter((o) => o.reports === 0)
  if (unread.length > 0) {
    throw new ConfigError(
      unread.map((o) => ({ file: o.artifact.path, message: `artifact "${o.artifact.name}" (id ${o.artifact.id}, ${o.artifact.files} file${o.artifact.files === 1 ? '' : 's'}) gave no report: the reports globs match none of its files, so its job's results would go unread (leave the reports input empty to read every file of every artifact)` }))
    )
  }
  for (const line of artifactLines(outcomes)) core.info(line)
  return outcomes
}

/** The job summary's and the check run's section on the artifacts read, or '' when none were. */
export function artifactsSection(gathered: GatheredReports, outcomes: readonly ArtifactOutcome[]): string {
  return gathered.record ? renderArtifactsMarkdown(gathered.record, outcomes) : ''
}
