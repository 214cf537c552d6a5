import { rm } from 'node:fs/promises'
import path from 'node:path'
import * as core from '@actions/core'
import type { ControlMap } from '../controls/model.js'
import type { GateResult } from '../engine/result.js'
import { attestBundle, canMintIdToken, sigstoreEndpoints, testResultStatement } from '../evidence/attest.js'
import { sha256 } from '../evidence/bundle.js'
import { ATTESTATION_FILE } from '../evidence/signature.js'
import { evaluatedSha } from '../github/change.js'
import { describeApiError, type GitHubClient } from '../github/client.js'
import type { ActionSettings } from './settings.js'

export interface AttestationOutcome {
  /** A line for the summary and check run. */
  note?: string
  /** Set when an attestation was required (`attest: true`) and none was made: an evidence failure. */
  problem?: string
}

/**
 * `attest: auto | true | false` (SPEC §11): signs the sealed bundle's manifest and the evaluated
 * commit, writes attestation.sigstore.json beside the manifest (before the upload, so it travels
 * with the bundle), stores it in the repository's attestations and sets `attestation-url`.
 * Never throws. With `auto`, a job that cannot mint an OIDC token gets a notice and a failed
 * attestation a warning; with `true` either is an evidence failure.
 */
export async function attestEvidence(settings: ActionSettings, dir: string, manifestSha256: string, map: ControlMap, result: GateResult, client: GitHubClient | undefined): Promise<AttestationOutcome> {
  // A signature left by an earlier run in this directory would sign another manifest.
  await rm(path.join(dir, ATTESTATION_FILE), { force: true }).catch(() => undefined)
  if (settings.attest === 'false') return {}
  const run = settings.run
  const required = settings.attest === 'true'
  const refuse = (why: string): AttestationOutcome => {
    if (required) return { note: `Attestation: none (${why}).`, problem: `could not attest the evidence bundle: ${why}` }
    core.warning(`SOX compliance gate: the evidence bundle is not attested: ${why} (attest: auto)`)
    return { note: `Attestation: none (${why}).` }
  }
  if (!canMintIdToken(process.env)) {
    const why = 'the job cannot mint an OIDC token: give it `permissions: id-token: write` (and `attestations: write`)'
    if (required) return refuse(why)
    core.notice(`SOX compliance gate: the evidence bundle is not attested: ${why}, or set attest: false`)
    return { note: 'Attestation: none (no OIDC token; see the notice).' }
  }
  if (!run?.runId) return refuse('not running in GitHub Actions (no GITHUB_REPOSITORY / GITHUB_RUN_ID)')
  if (!client) return refuse('no github-token to store the attestation with')
  const repositoryUrl = `${run.serverUrl}/${run.owner}/${run.repo}`
  const statement = testResultStatement({
    manifestSha256,
    commit: evaluatedSha(run),
    repositoryUrl,
    result,
    controlMap: { path: map.file, sha256: sha256(map.source) },
    runUrl: `${repositoryUrl}/actions/runs/${run.runId}`
  })
  const visibility = (run.payload as { repository?: { visibility?: string } }).repository?.visibility
  try {
    const started = Date.now()
    const attested = await attestBundle(dir, statement, sigstoreEndpoints(process.env, visibility), async (bundle) => {
      try {
        const response = await client.request('POST /repos/{owner}/{repo}/attestations', { owner: run.owner, repo: run.repo, bundle: bundle as never })
        return (response.data as { id?: number }).id
      } catch (e) {
        throw new Error(`storing it in ${run.owner}/${run.repo}'s attestations failed (needs \`permissions: attestations: write\`): ${describeApiError(e)}`, { cause: e })
      }
    }, settings.workspace)
    core.info(`Attested the evidence bundle (${attested.bytes} bytes, ${Date.now() - started} ms): attestation.sigstore.json`)
    if (attested.attestationId === undefined) return refuse('GitHub stored the attestation but returned no id')
    const url = `${repositoryUrl}/attestations/${attested.attestationId}`
    core.setOutput('attestation-url', url)
    return { note: `Attestation: [${attested.attestationId}](${url}), signing manifest sha256 and commit ${evaluatedSha(run)}.` }
  } catch (e) {
    return refuse((e as Error).message)
  }
}
