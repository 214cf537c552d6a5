import { recordJudgedAsPullRequest } from '../change/events.js'
import type { ChangeRecord } from '../change/model.js'
import { runMetadata, type RunMetadata } from '../evidence/run-metadata.js'
import { runEnvironment } from '../github/range-start.js'
import { storeBundle } from '../evidence/store/bundle-store.js'
import { appendLedger } from '../evidence/store/ledger.js'
import { bundlePrefix, joinKey, storeUrlText, type StoreUrl } from '../evidence/store/location.js'
import type { ObjectStore } from '../evidence/store/object-store.js'
import { S3ObjectStore } from '../evidence/store/s3.js'
import type { ActionSettings } from './settings.js'

export interface StoreRequest {
  store: StoreUrl
  retentionDays: number
  dir: string
  manifestSha256: string
  decision: 'allow' | 'block'
  /** The commit the decision is about (the change record's sha), not GITHUB_SHA: for a pull request that is a test merge, for workflow_run the default branch's tip. */
  evaluatedSha: string
  /** The deployment environment the decision was for (the `environment` input, else a deployment event's), when there is one. */
  environment?: string
  /** What the decision judged: what a deployment-like run ships, or one pull request's head (only the first may start a range). */
  judged: 'deployment' | 'pull-request'
  run: RunMetadata
  now: Date
}

/**
 * The write-once copy (SPEC §11): the bundle under PREFIX/OWNER/REPO/SHA/RUN_ID-ATTEMPT/, locked,
 * read back, then one ledger entry. Never throws: what went wrong is the returned `problem`,
 * which the action treats as any other evidence failure.
 */
export async function storeEvidence(x: StoreRequest, objects: ObjectStore = new S3ObjectStore(x.store.bucket)): Promise<{ note?: string; problem?: string }> {
  const [owner, repo] = (x.run.repository ?? '').split('/')
  const { runId, runAttempt } = x.run
  const sha = x.evaluatedSha
  if (!owner || !repo || !sha || !runId || !runAttempt) {
    return { problem: 'cannot keep the bundle in the evidence store: GITHUB_REPOSITORY, the evaluated commit, GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT are needed to name it' }
  }
  // Whole seconds, rounded up: S3 keeps the date to the second, and the read-back compares.
  const lockUntil = new Date(Math.ceil((x.now.getTime() + x.retentionDays * 86_400_000) / 1000) * 1000)
  const prefix = bundlePrefix(x.store, { owner, repo, sha, runId, attempt: runAttempt })
  const where = storeUrlText({ bucket: x.store.bucket, prefix: '' }, prefix) + '/'
  try {
    const stored = await storeBundle(objects, x.dir, prefix, lockUntil)
    if (stored.problems.length > 0) return { problem: `the evidence store ${where} did not keep the bundle write-once: ${stored.problems.join('; ')}` }
    const repoPrefix = joinKey(x.store.prefix, owner, repo)
    const entry = await appendLedger(objects, repoPrefix, { manifestSha256: x.manifestSha256, decision: x.decision, sha, ...(x.environment ? { environment: x.environment } : {}), judged: x.judged, run: { id: runId, attempt: runAttempt } }, lockUntil)
    if (entry.problem) return { problem: `the evidence store did not keep the ledger entry ${entry.key} write-once: ${entry.problem}` }
    return {
      note: `Write-once copy: \`${where}\` (${stored.objects} objects, ${stored.bytes} bytes, COMPLIANCE lock until ${lockUntil.toISOString().slice(0, 10)}), ledger entry ${entry.sequence}. Check it with \`sox-gate verify ${where}\`.`
    }
  } catch (e) {
    return { problem: `could not keep the bundle in the evidence store ${where}: ${(e as Error).message}` }
  }
}

type Kept = { note?: string; problem?: string; config?: boolean; dir?: string; manifestSha256?: string }

/** After the bundle is kept (written, maybe uploaded): the store's copy, its note and problem joined to the rest. */
export async function alsoStore(settings: ActionSettings, decided: { decision: 'allow' | 'block'; change: ChangeRecord }, now: Date, kept: Kept): Promise<Kept> {
  if (!settings.evidenceStore || !kept.dir || !kept.manifestSha256) return kept
  const { decision, change } = decided
  const environment = settings.run ? runEnvironment(settings.run, settings.environment) : settings.environment
  const judged = recordJudgedAsPullRequest(change) ? 'pull-request' : 'deployment'
  const stored = await storeEvidence({ store: settings.evidenceStore, retentionDays: settings.storeRetentionDays, dir: kept.dir, manifestSha256: kept.manifestSha256, decision, evaluatedSha: change.sha, environment, judged, run: runMetadata(process.env), now })
  return {
    ...kept,
    note: [kept.note, stored.note].filter(Boolean).join('\n') || undefined,
    problem: [kept.problem, stored.problem].filter(Boolean).join('; ') || undefined
  }
}
