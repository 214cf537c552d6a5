import { loadControlMap } from '../controls/load.js'
import { newestAllowed } from '../evidence/store/ledger-start.js'
import { joinKey } from '../evidence/store/location.js'
import { S3ObjectStore } from '../evidence/store/s3.js'
import type { GitHubClient } from '../github/client.js'
import type { RangeStartSources } from '../github/range-start.js'
import { describeLocation, readMap, type MapLocation } from '../github/trust.js'
import type { ActionSettings } from './settings.js'

/**
 * Where the action looks for a deployed range's start (SPEC §13), beyond the event: the `since`
 * and `environment` inputs; with an `evidence-store`, the ledger the gate itself wrote; for a
 * policy-repository map, its `deployers:`; and the workflow file of this run, which a
 * deployment's run must share.
 */
export function rangeStartSources(settings: ActionSettings, location: MapLocation, policyClient: GitHubClient, env: NodeJS.ProcessEnv = process.env): RangeStartSources {
  const run = settings.run
  const store = settings.evidenceStore
  const sources: RangeStartSources = { since: settings.since, environment: settings.environment, workflow: workflowPath(env.GITHUB_WORKFLOW_REF) }
  if (store && run) sources.ledger = (environment) => newestAllowed(new S3ObjectStore(store.bucket), joinKey(store.prefix, run.owner, run.repo), environment)
  if (location.kind === 'policy') {
    const where = describeLocation(location)
    sources.deployers = async () => {
      const text = await readMap(policyClient, { owner: location.owner, repo: location.repo }, location.path, location.ref)
      if (text === null) throw new Error(`the policy control map ${where} does not exist (404)`)
      return { map: where, logins: loadControlMap(text, where).deployers }
    }
  }
  return sources
}

/** The workflow file of `GITHUB_WORKFLOW_REF` (`OWNER/REPO/.github/workflows/deploy.yml@refs/heads/main`). */
export function workflowPath(ref: string | undefined): string | undefined {
  const m = /^[^/]+\/[^/]+\/(.+)@[^@]*$/.exec(ref ?? '')
  return m?.[1]
}
