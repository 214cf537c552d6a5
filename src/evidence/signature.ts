import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { cjsExports } from '../lazy-import.js'
import type { Manifest } from './manifest.js'

/** The Sigstore bundle at the bundle's root; outside files[], since it signs the manifest. */
export const ATTESTATION_FILE = 'attestation.sigstore.json'
export const TEST_RESULT_PREDICATE = 'https://in-toto.io/attestation/test-result/v0.1'

export interface AttestationCheck {
  status: 'checked' | 'not checked'
  findings: string[]
  detail: string
}

interface Statement {
  _type?: string
  subject?: { name?: string; digest?: Record<string, string> }[]
  predicateType?: string
  predicate?: { result?: string; configuration?: { name?: string; digest?: Record<string, string> }[] }
}

/**
 * attestation.sigstore.json, when present: its statement must name this manifest (sha256) and
 * the evaluated commit, and say the recorded result; with a trusted root, the signature, the
 * certificate chain, the transparency-log / timestamp evidence and (with a pattern) the signer's
 * identity are verified offline by @sigstore/verify.
 */
export async function checkAttestation(dir: string, x: { manifestSha256: string; manifest: Manifest | undefined; commit?: string; trustedRoot?: string; certificateIdentity?: string }): Promise<AttestationCheck> {
  let text: string
  try {
    text = await readFile(path.join(dir, ATTESTATION_FILE), 'utf8')
  } catch {
    if (x.trustedRoot) return { status: 'checked', findings: [`signature: --trusted-root given but there is no ${ATTESTATION_FILE}`], detail: '' }
    return { status: 'not checked', findings: [], detail: `no ${ATTESTATION_FILE}` }
  }
  const findings: string[] = []
  // The Sigstore libraries are loaded only when there is an attestation to read.
  const [{ bundleFromJSON }, { TrustedRoot }, { toSignedEntity, toTrustMaterial, Verifier }] = await Promise.all([
    import('@sigstore/bundle').then((m) => cjsExports(m, 'bundleFromJSON')),
    import('@sigstore/protobuf-specs').then((m) => cjsExports(m, 'TrustedRoot')),
    import('@sigstore/verify').then((m) => cjsExports(m, 'Verifier'))
  ])
  let bundle
  let statement: Statement
  try {
    bundle = bundleFromJSON(JSON.parse(text))
    if (bundle.content.$case !== 'dsseEnvelope') throw new Error('not a DSSE envelope')
    statement = JSON.parse(Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8')) as Statement
  } catch (e) {
    return { status: 'checked', findings: [`${ATTESTATION_FILE}: not a Sigstore bundle with an in-toto statement: ${(e as Error).message}`], detail: '' }
  }
  findings.push(...checkStatement(statement, x.manifestSha256, x.manifest, x.commit))

  if (!x.trustedRoot) {
    const note = `statement ${findings.length ? 'does not match' : 'names this manifest and commit'}; signature not checked (give --trusted-root FILE to check it offline)`
    return findings.length ? { status: 'checked', findings, detail: note } : { status: 'not checked', findings, detail: note }
  }
  let identity: string
  try {
    const root = TrustedRoot.fromJSON(JSON.parse(await readFile(x.trustedRoot, 'utf8')))
    const entity = toSignedEntity(bundle)
    // GitHub's own Sigstore instance (private repositories) timestamps with a TSA and keeps no public log.
    const verifier = new Verifier(toTrustMaterial(root), { tlogThreshold: entity.tlogEntries.length > 0 ? 1 : 0, ctlogThreshold: 1, timestampThreshold: 1 })
    const signer = verifier.verify(entity)
    identity = signer.identity?.subjectAlternativeName ?? ''
  } catch (e) {
    findings.push(`signature: ${ATTESTATION_FILE} does not verify against ${x.trustedRoot}: ${(e as Error).message}`)
    return { status: 'checked', findings, detail: '' }
  }
  if (x.certificateIdentity !== undefined) {
    let pattern: RegExp
    try {
      pattern = new RegExp(x.certificateIdentity)
    } catch (e) {
      findings.push(`signature: --certificate-identity is not a regular expression: ${(e as Error).message}`)
      return { status: 'checked', findings, detail: '' }
    }
    if (!pattern.test(identity)) findings.push(`signature: signed by "${identity}", which does not match --certificate-identity ${x.certificateIdentity}`)
  }
  const who = x.certificateIdentity === undefined ? `signed by "${identity}" (identity not constrained: give --certificate-identity REGEX)` : `signed by "${identity}", matching --certificate-identity`
  return { status: 'checked', findings, detail: `signature, certificate chain and timestamps verify against ${path.basename(x.trustedRoot)}; ${who}; its statement names this manifest and commit` }
}

function checkStatement(s: Statement, manifestSha256: string, manifest: Manifest | undefined, expectedCommit: string | undefined): string[] {
  const findings: string[] = []
  if (s.predicateType !== TEST_RESULT_PREDICATE) findings.push(`${ATTESTATION_FILE}: predicate type ${s.predicateType ?? '(none)'}, not ${TEST_RESULT_PREDICATE}`)
  const subjects = s.subject ?? []
  const signed = subjects.find((x) => x.digest?.sha256 !== undefined)?.digest?.sha256
  if (signed !== manifestSha256) findings.push(`${ATTESTATION_FILE}: signs manifest sha256 ${signed ?? '(none)'}, but manifest.json hashes to ${manifestSha256}`)
  if (!manifest) return findings
  const commit = subjects.find((x) => x.digest?.gitCommit !== undefined)?.digest?.gitCommit
  if (manifest.run.sha !== null && commit === undefined) findings.push(`${ATTESTATION_FILE}: names no commit (gitCommit subject)`)
  else if (commit !== undefined && expectedCommit !== undefined && commit !== expectedCommit) findings.push(`${ATTESTATION_FILE}: signs commit ${commit}, but the bundle evaluated ${expectedCommit}`)
  const result = manifest.decision === 'allow' ? 'PASSED' : 'FAILED'
  if (s.predicate?.result !== result) findings.push(`${ATTESTATION_FILE}: result ${s.predicate?.result ?? '(none)'}, but the manifest's decision is ${manifest.decision.toUpperCase()}`)
  const map = s.predicate?.configuration?.[0]?.digest?.sha256
  if (map !== manifest.controlMap.sha256) findings.push(`${ATTESTATION_FILE}: configuration (control map) sha256 ${map ?? '(none)'}, but the manifest records ${manifest.controlMap.sha256}`)
  return findings
}
