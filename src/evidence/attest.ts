import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Witness } from '@sigstore/sign'
import { cjsExports } from '../lazy-import.js'
import { BundleDir, CREATE_FLAGS } from './bundle-dir.js'
import type { GateResult } from '../engine/result.js'
import { ATTESTATION_FILE, TEST_RESULT_PREDICATE } from './signature.js'

/** Where the statement is signed and witnessed. */
export interface SigstoreEndpoints {
  fulcioURL: string
  rekorURL?: string
  tsaServerURL?: string
}

/**
 * The Sigstore instance, chosen as @actions/attest chooses it: public repositories sign with the
 * public-good instance (Fulcio + Rekor), private ones with GitHub's (Fulcio + a timestamp
 * authority, no public log). @actions/attest fixes these URLs in code, so sox-gate builds the
 * same bundle with @sigstore/sign (the library it wraps), which lets SOX_GATE_FULCIO_URL,
 * SOX_GATE_REKOR_URL and SOX_GATE_TSA_URL name another instance (a private one, or a test's).
 */
export function sigstoreEndpoints(env: NodeJS.ProcessEnv, visibility: string | undefined): SigstoreEndpoints {
  if (env.SOX_GATE_FULCIO_URL) return { fulcioURL: env.SOX_GATE_FULCIO_URL, rekorURL: env.SOX_GATE_REKOR_URL || undefined, tsaServerURL: env.SOX_GATE_TSA_URL || undefined }
  if (visibility === 'public') return { fulcioURL: 'https://fulcio.sigstore.dev', rekorURL: 'https://rekor.sigstore.dev' }
  let host = new URL(env.GITHUB_SERVER_URL || 'https://github.com').hostname
  if (host === 'github.com') host = 'githubapp.com'
  return { fulcioURL: `https://fulcio.${host}`, tsaServerURL: `https://timestamp.${host}` }
}

/** True when the job can mint an OIDC token (`permissions: id-token: write`). */
export const canMintIdToken = (env: NodeJS.ProcessEnv): boolean => Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)

export interface StatementInputs {
  manifestSha256: string
  /** The evaluated commit and the repository's URL. */
  commit: string
  repositoryUrl: string
  result: Pick<GateResult, 'decision' | 'controls'>
  controlMap: { path: string; sha256: string }
  runUrl: string
}

/** The in-toto Statement (v1) with the test-result v0.1 predicate (SPEC §11). */
export function testResultStatement(x: StatementInputs): Record<string, unknown> {
  const ids = (status: string) => x.result.controls.filter((c) => c.status === status).map((c) => c.id)
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [
      { name: 'manifest.json', digest: { sha256: x.manifestSha256 } },
      { name: x.repositoryUrl, digest: { gitCommit: x.commit } }
    ],
    predicateType: TEST_RESULT_PREDICATE,
    predicate: {
      result: x.result.decision === 'allow' ? 'PASSED' : 'FAILED',
      configuration: [{ name: x.controlMap.path, digest: { sha256: x.controlMap.sha256 } }],
      url: x.runUrl,
      passedTests: ids('pass'),
      // A waived control did not pass: it is the spec's "warned" (the decision may still be allow).
      warnedTests: ids('waived'),
      failedTests: ids('fail')
    }
  }
}

export interface Attested {
  /** The Sigstore bundle as JSON text, written to the evidence bundle's root. */
  file: string
  bytes: number
  /** The id GitHub gave it, when it was stored in the repository's attestations. */
  attestationId?: number
}

/**
 * Signs the statement (keyless: the job's OIDC token buys a Fulcio certificate; Rekor or a TSA
 * witnesses it), writes attestation.sigstore.json into the bundle directory (`workspace`: where
 * the change's files end, for the check that no folder on the way is a link), and hands the
 * bundle to `store` (GitHub's attestations API). Throws on any failure: the caller decides
 * whether that is an evidence failure (`attest: true`) or a warning (`auto`).
 */
export async function attestBundle(dir: string, statement: Record<string, unknown>, endpoints: SigstoreEndpoints, store: (bundle: unknown) => Promise<number | undefined>, workspace = path.dirname(dir)): Promise<Attested> {
  // Loaded only when a bundle is signed: most runs never need them.
  const [{ bundleToJSON }, { CIContextProvider, DSSEBundleBuilder, FulcioSigner, RekorWitness, TSAWitness }] = await Promise.all([
    import('@sigstore/bundle').then((m) => cjsExports(m, 'bundleToJSON')),
    import('@sigstore/sign').then((m) => cjsExports(m, 'DSSEBundleBuilder'))
  ])
  const witnesses: Witness[] = []
  if (endpoints.rekorURL) witnesses.push(new RekorWitness({ rekorBaseURL: endpoints.rekorURL, fetchOnConflict: true, timeout: 10_000, retry: 3 }))
  if (endpoints.tsaServerURL) witnesses.push(new TSAWitness({ tsaBaseURL: endpoints.tsaServerURL, timeout: 10_000, retry: 3 }))
  const signer = new FulcioSigner({ identityProvider: new CIContextProvider('sigstore'), fulcioBaseURL: endpoints.fulcioURL, timeout: 10_000, retry: 3 })
  let bundle
  try {
    bundle = await new DSSEBundleBuilder({ signer, witnesses }).create({ data: Buffer.from(JSON.stringify(statement)), type: 'application/vnd.in-toto+json' })
  } catch (e) {
    throw new Error(`signing failed: ${describe(e)}`, { cause: e })
  }
  const json = bundleToJSON(bundle)
  const text = JSON.stringify(json, null, 2) + '\n'
  const file = path.join(dir, ATTESTATION_FILE)
  // Created new, never through a link (the bundle's own rule, bundle-dir.ts): evidence-dir and the
  // folders above it in the workspace are checked again first.
  const folder = await BundleDir.open(dir, workspace)
  try {
    await writeFile((await folder.file(ATTESTATION_FILE)) as string, text, { flag: CREATE_FLAGS }).catch((e) => {
      throw folder.problem(e, ATTESTATION_FILE, 'cannot write the signature')
    })
  } finally {
    folder.close()
  }
  const attestationId = await store(json)
  return { file, bytes: Buffer.byteLength(text), attestationId }
}

/** sigstore-js rejects with strings from its identity providers; make every failure one line. */
function describe(e: unknown): string {
  if (e instanceof Error) return e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message
  return String(e)
}
