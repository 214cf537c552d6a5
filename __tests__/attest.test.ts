import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runAction } from './helpers/action.js'
import { BASE_SHA, directPush, ghCommit, ghFile, startFakeGitHub, type FakeGitHub } from './helpers/fake-github.js'
import { JOB_CLAIMS, startFakeSigstore, type FakeSigstore } from './helpers/fake-sigstore.js'
import { runCli, workspace } from './helpers/run.js'

const MAP = `version: 1
system: ledger
reports: ["reports/*.xml"]
controls:
  - id: CM-01
    title: Entries balance
    tests: [{ tag: CM-01 }]
  - id: CM-03
    title: Period close locks
    tests: [{ suite: "close.*" }]
`
const PASSING = `<testsuites><testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite><testsuite name="close.PeriodTest"><testcase name="locks"/></testsuite></testsuites>\n`
const FAILING = PASSING.replace('<testcase name="locks"/>', '<testcase name="locks"><failure message="period still open"/></testcase>')
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')
/** The identity the mock Fulcio certifies: the token's `sub`. */
const IDENTITY = '^repo:acme/ledger:ref:refs/heads/main$'

let github: FakeGitHub
let sigstore: FakeSigstore
let home: string
beforeAll(async () => {
  home = workspace({})
  github = await startFakeGitHub(directPush(JOB_CLAIMS.sha, MAP))
  sigstore = await startFakeSigstore(home)
})
afterAll(async () => {
  await github.close()
  await sigstore.close()
})

function runEnv(dir: string): Record<string, string> {
  writeFileSync(path.join(dir, 'event.json'), JSON.stringify({ repository: { full_name: 'acme/ledger', visibility: 'private' } }))
  return {
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/ledger',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: path.join(dir, 'event.json'),
    GITHUB_SHA: JOB_CLAIMS.sha,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1'
  }
}

async function attested(report: string, attest = 'true') {
  const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': report })
  const before = github.attestations.length
  const r = await runAction(dir, { 'github-token': 'ghs_faketoken', 'upload-evidence': 'false', attest }, { ...runEnv(dir), ...sigstore.env })
  return { dir, r, ev: path.join(dir, 'sox-evidence'), stored: github.attestations.slice(before) }
}

describe('attestation (SPEC §11) through local Fulcio, Rekor, TSA, OIDC and GitHub stand-ins', () => {
  test('the action signs the manifest and the commit; verify checks the signature offline, and a tampered manifest fails it', async () => {
    const { r, ev, stored } = await attested(FAILING)
    expect(r.stderr).toBe('')
    expect(r.outputs.decision).toBe('block')
    const manifestSha = sha256(readFileSync(path.join(ev, 'manifest.json')))
    expect(r.outputs['evidence-sha256']).toBe(manifestSha)
    expect(r.outputs['attestation-url']).toBe('https://github.com/acme/ledger/attestations/4200001')
    // The runner's token endpoint, Fulcio, Rekor and the TSA were each asked.
    expect(sigstore.seen).toEqual(expect.arrayContaining(['/_apis/oidc/token', '/api/v2/signingCert', '/api/v1/log/entries', '/api/v1/timestamp']))

    const bundle = JSON.parse(readFileSync(path.join(ev, 'attestation.sigstore.json'), 'utf8'))
    expect(stored).toEqual([bundle])
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json')
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'))
    expect(statement).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [
        { name: 'manifest.json', digest: { sha256: manifestSha } },
        { name: 'https://github.com/acme/ledger', digest: { gitCommit: '1111111111111111111111111111111111111111' } }
      ],
      predicateType: 'https://in-toto.io/attestation/test-result/v0.1',
      predicate: {
        result: 'FAILED',
        configuration: [{ name: '.github/sox-controls.yml', digest: { sha256: sha256(MAP) } }],
        url: 'https://github.com/acme/ledger/actions/runs/4242',
        passedTests: ['SOX-GATE-INTEGRITY', 'CM-01'],
        warnedTests: [],
        failedTests: ['CM-03']
      }
    })
    const manifest = JSON.parse(readFileSync(path.join(ev, 'manifest.json'), 'utf8'))
    expect(manifest.files.map((f: { path: string }) => f.path)).not.toContain('attestation.sigstore.json')

    const v = runCli(['verify', ev, '--expect-sha256', manifestSha, '--trusted-root', sigstore.trustedRoot, '--certificate-identity', IDENTITY], home)
    expect(v.stdout).toMatch(/^signature: ok \(signature, certificate chain and timestamps verify against trusted_root.json; signed by "repo:acme\/ledger:ref:refs\/heads\/main", matching --certificate-identity; its statement names this manifest and commit\)$/m)
    // The action always keeps a change record now (which files changed decides which map judges): every level is checked.
    expect(v.stdout).toMatch(/; every level checked$/m)
    expect(v.code).toBe(0)

    const wrongWho = runCli(['verify', ev, '--trusted-root', sigstore.trustedRoot, '--certificate-identity', '^https://github.com/evil/'], home)
    expect(wrongWho.code).toBe(1)
    expect(wrongWho.stdout).toContain('signature: signed by "repo:acme/ledger:ref:refs/heads/main", which does not match --certificate-identity ^https://github.com/evil/')

    // Another instance's trust root does not vouch for this signature.
    const other = await startFakeSigstore(workspace({}))
    await other.close()
    const untrusted = runCli(['verify', ev, '--trusted-root', other.trustedRoot], home)
    expect(untrusted.code).toBe(1)
    expect(untrusted.stdout).toMatch(/^signature: attestation.sigstore.json does not verify against /m)

    // A forger who edits the manifest (and so must drop --expect-sha256) is still caught by the signature.
    const forged = readFileSync(path.join(ev, 'manifest.json'), 'utf8').replace('"mode": "enforce"', '"mode": "report-only"')
    writeFileSync(path.join(ev, 'manifest.json'), forged)
    const t = runCli(['verify', ev, '--trusted-root', sigstore.trustedRoot, '--certificate-identity', IDENTITY], home)
    expect(t.code).toBe(1)
    expect(t.stdout).toContain(`attestation.sigstore.json: signs manifest sha256 ${manifestSha}, but manifest.json hashes to ${sha256(forged)}`)
    // …and re-signing a forged statement needs the workflow's identity: a changed payload breaks the signature.
    const doctored = { ...bundle, dsseEnvelope: { ...bundle.dsseEnvelope, payload: Buffer.from(JSON.stringify({ ...statement, subject: [{ name: 'manifest.json', digest: { sha256: sha256(forged) } }, statement.subject[1]] })).toString('base64') } }
    writeFileSync(path.join(ev, 'attestation.sigstore.json'), JSON.stringify(doctored))
    const s = runCli(['verify', ev, '--trusted-root', sigstore.trustedRoot], home)
    expect(s.code).toBe(1)
    expect(s.stdout).toMatch(/^signature: attestation\.sigstore\.json does not verify against \S+: DSSE payload hash mismatch$/m)
  })

  test('an allowed change attests PASSED, and verify without a trust root says the signature is unchecked', async () => {
    const { r, ev } = await attested(PASSING, 'auto')
    expect(r.outputs.decision).toBe('allow')
    const statement = JSON.parse(Buffer.from(JSON.parse(readFileSync(path.join(ev, 'attestation.sigstore.json'), 'utf8')).dsseEnvelope.payload, 'base64').toString('utf8'))
    expect(statement.predicate.result).toBe('PASSED')
    const v = runCli(['verify', ev], home)
    expect(v.code).toBe(0)
    expect(v.stdout).toMatch(/^signature: not checked \(statement names this manifest and commit; signature not checked \(give --trusted-root FILE to check it offline\)\)$/m)
  })

  test('with a change record, an expected hash and a trust root, verify checks every level', async () => {
    const sha = JOB_CLAIMS.sha
    const alice = { name: 'Alice', email: 'alice@acme.example', login: 'alice' }
    const withApproval = MAP + '  - id: CM-02\n    title: Four eyes\n    approval: { min-approvals: 1 }\n'
    const withChange = await startFakeGitHub(directPush(sha, withApproval, { commits: { [sha]: ghCommit(sha, alice, alice, 'Post entries', { parents: [BASE_SHA], files: [ghFile('src/ledger/posting.ts')] }) } }))
    try {
      const dir = workspace({ '.github/sox-controls.yml': withApproval, 'reports/r.xml': PASSING })
      const r = await runAction(dir, { 'github-token': 't', 'upload-evidence': 'false', attest: 'true' }, { ...runEnv(dir), GITHUB_API_URL: withChange.url, ...sigstore.env })
      // A direct push is not reviewed: blocked, and the record of that is what gets signed.
      expect(r.outputs.decision).toBe('block')
      const ev = path.join(dir, 'sox-evidence')
      expect(existsSync(path.join(ev, 'change.json'))).toBe(true)
      const v = runCli(['verify', ev, '--expect-sha256', r.outputs['evidence-sha256'] as string, '--trusted-root', sigstore.trustedRoot, '--certificate-identity', IDENTITY], home)
      expect(v.stdout).toMatch(/^run vs change record: ok \(run.repository equals change.json; run.sha equals change.json\)$/m)
      expect(v.stdout).toMatch(/^signature: ok /m)
      expect(v.stdout).not.toContain('not checked')
      expect(v.stdout).toMatch(/; every level checked$/m)
      expect(v.code).toBe(0)
    } finally {
      await withChange.close()
    }
  })

  test("GitHub's own instance (private repositories): Fulcio and a timestamp authority, no public log", async () => {
    const tsaOnly = await startFakeSigstore(workspace({}), { rekor: false })
    try {
      const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': PASSING })
      const r = await runAction(dir, { 'github-token': 't', 'upload-evidence': 'false', attest: 'true' }, { ...runEnv(dir), ...tsaOnly.env })
      expect(r.code).toBe(0)
      expect(tsaOnly.seen).not.toContain('/api/v1/log/entries')
      const bundle = JSON.parse(readFileSync(path.join(dir, 'sox-evidence/attestation.sigstore.json'), 'utf8'))
      expect(bundle.verificationMaterial.tlogEntries ?? []).toEqual([])
      expect(bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps).toHaveLength(1)
      const v = runCli(['verify', path.join(dir, 'sox-evidence'), '--trusted-root', tsaOnly.trustedRoot, '--certificate-identity', IDENTITY], home)
      expect(v.stdout).toMatch(/^signature: ok /m)
      expect(v.code).toBe(0)
    } finally {
      await tsaOnly.close()
    }
  })

  test('attest: true without an OIDC token is an evidence failure; auto gives a notice and goes on', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': PASSING })
    const required = await runAction(dir, { 'github-token': 't', 'upload-evidence': 'false', attest: 'true' }, runEnv(dir))
    expect(required.code).toBe(1)
    expect(required.outputs.decision).toBe('block')
    expect(required.stdout).toContain('::error::SOX compliance gate: could not attest the evidence bundle: the job cannot mint an OIDC token: give it `permissions: id-token: write` (and `attestations: write`) — no evidence, no deployment (evidence-required: true)')
    expect(existsSync(path.join(dir, 'sox-evidence/attestation.sigstore.json'))).toBe(false)

    const auto = await runAction(dir, { 'github-token': 't', 'upload-evidence': 'false' }, runEnv(dir))
    expect(auto.code).toBe(0)
    expect(auto.outputs.decision).toBe('allow')
    expect(auto.stdout).toMatch(/^::notice::SOX compliance gate: the evidence bundle is not attested: the job cannot mint an OIDC token/m)
    expect(auto.outputs['attestation-url']).toBeUndefined()
  })

  test('attest: true and GitHub refusing to store the attestation (no attestations: write) fails the step, naming why', async () => {
    const refusing = await startFakeGitHub(directPush(JOB_CLAIMS.sha, MAP, { faults: [{ method: 'POST', path: /\/attestations$/, status: 403, message: 'Resource not accessible by integration', times: 10 }] }))
    try {
      const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': PASSING })
      const r = await runAction(dir, { 'github-token': 't', 'upload-evidence': 'false', attest: 'true' }, { ...runEnv(dir), GITHUB_API_URL: refusing.url, ...sigstore.env })
      expect(r.code).toBe(1)
      expect(r.outputs.decision).toBe('block')
      expect(r.stdout).toContain("storing it in acme/ledger's attestations failed (needs `permissions: attestations: write`): POST /repos/acme/ledger/attestations: 403 Resource not accessible by integration")
    } finally {
      await refusing.close()
    }
  })

  test('a Fulcio that refuses the certificate: attest: true fails closed; auto warns and keeps the unsigned bundle', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': PASSING })
    const env = { ...runEnv(dir), ...sigstore.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-runner-token' }
    const required = await runAction(dir, { 'github-token': 't', 'upload-evidence': 'false', attest: 'true' }, env)
    expect(required.code).toBe(1)
    expect(required.stdout).toMatch(/::error::SOX compliance gate: could not attest the evidence bundle: signing failed: .*— no evidence, no deployment/)
    const auto = await runAction(dir, { 'github-token': 't', 'upload-evidence': 'false', attest: 'auto' }, env)
    expect(auto.code).toBe(0)
    expect(auto.stdout).toMatch(/^::warning::SOX compliance gate: the evidence bundle is not attested: signing failed: /m)
    expect(runCli(['verify', path.join(dir, 'sox-evidence')], home).code).toBe(0)
  })
})
