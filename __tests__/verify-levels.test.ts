import { createHash } from 'node:crypto'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './helpers/corpus.js'
import { runCli, workspace } from './helpers/run.js'

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')
const NOW = '2026-11-22T12:00:00Z'
const HEAD = '4f1d2c3b5a69788796a5b4c3d2e1f00112233445'
/** As the runner sets them, so the manifest records a run. */
const RUN_ENV = { GITHUB_REPOSITORY: 'acme/ledger-service', GITHUB_SHA: HEAD, GITHUB_EVENT_NAME: 'push', GITHUB_ACTOR: 'alice', GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1', GITHUB_REF: 'refs/heads/main', GITHUB_WORKFLOW: 'sox', GITHUB_SERVER_URL: 'https://github.com' }
/** A report no control selects, whose output holds an e-mail address and an SSN: masked in the kept copy (report.html lists the kinds in the order masking counts them, not the manifest's sorted order). */
const MASKED_REPORT = `<testsuite name="misc"><testcase name="notifies"><system-out>sent to ops@example.com about 123-45-6789</system-out></testcase></testsuite>\n`

interface Made {
  dir: string
  ev: string
  sha: string
}

/**
 * The example ledger-service change, blocked: only carol's COMMENTED review is left, so CM-02 (four
 * eyes) fails. With `approved`, the example's approvals stay and the change is allowed.
 */
function makeBundle(approved = false): Made {
  const dir = workspace({ 'examples/reports/zz-misc.xml': MASKED_REPORT })
  cpSync(path.join(ROOT, 'examples'), path.join(dir, 'examples'), { recursive: true })
  const change = JSON.parse(readFileSync(path.join(dir, 'examples/change.json'), 'utf8')) as { reviews: { state: string; user: { login: string } }[] }
  if (!approved) change.reviews = change.reviews.filter((r) => r.state === 'COMMENTED')
  writeFileSync(path.join(dir, 'examples/change.json'), JSON.stringify(change, null, 2))
  const r = runCli(['check', '--controls', 'examples/sox-controls.yml', '--change', 'examples/change.json', '--now', NOW, '--evidence', 'ev'], dir, RUN_ENV)
  expect(r.code).toBe(approved ? 0 : 1)
  const ev = path.join(dir, 'ev')
  return { dir, ev, sha: sha256(readFileSync(path.join(ev, 'manifest.json'))) }
}

const read = (ev: string, rel: string) => readFileSync(path.join(ev, rel), 'utf8')
type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
function editManifest(ev: string, edit: (m: Json) => void): void {
  const m = JSON.parse(read(ev, 'manifest.json')) as Json
  edit(m)
  writeFileSync(path.join(ev, 'manifest.json'), JSON.stringify(m, null, 2) + '\n')
}
/** What a forger does after editing files: recompute every hash and size in files[]. */
function recomputeFiles(ev: string): void {
  editManifest(ev, (m) => {
    for (const f of m.files as { path: string; sha256: string; size: number }[]) {
      const bytes = readFileSync(path.join(ev, f.path))
      f.sha256 = sha256(bytes)
      f.size = bytes.length
    }
  })
}
const verify = (made: Made, ...flags: string[]) => runCli(['verify', made.ev, ...flags], made.dir)

describe('verify, level by level (SPEC §11 "What verify proves")', () => {
  test('an intact bundle verifies at every level it can, and says which it did not check', () => {
    const made = makeBundle()
    const r = verify(made, '--expect-sha256', made.sha.toUpperCase())
    expect(r.stdout).toMatch(/^manifest hash: ok \(manifest.json sha256 equals --expect-sha256/m)
    expect(r.stdout).toMatch(/^files: ok \(13 files match manifest.json, none added or missing\)$/m)
    expect(r.stdout).toMatch(/^re-performance: ok \(decision BLOCK at 2026-11-22T12:00:00.000Z re-performed from inputs\/ and change.json\)$/m)
    expect(r.stdout).toMatch(/^rendered files: ok \(decision.json, summary.md, controls.csv, failures.csv, report.html and OSCAL equal their re-rendering byte for byte\)$/m)
    // Three example reports are kept as read; the fourth lost an e-mail address to masking.
    expect(r.stdout).toMatch(/^manifest records: ok \(.*redactions, and the raw sha256 of 3 of 4 reports \(1 kept masked: their raw sha256 is bound only by the expected hash or the signature\)\)$/m)
    expect(r.stdout).toMatch(/^run vs change record: ok \(run.repository equals change.json; run.sha equals change.json\)$/m)
    expect(r.stdout).toMatch(/^signature: not checked \(no attestation.sigstore.json\)$/m)
    expect(r.stdout).toMatch(/^intact: .*; not checked: signature$/m)
    expect(r.code).toBe(0)
    expect(JSON.parse(read(made.ev, 'manifest.json')).redactions.email).toBe(1)

    const bare = verify(made)
    expect(bare.code).toBe(0)
    expect(bare.stdout).toMatch(/^manifest hash: not checked \(no --expect-sha256 \(manifest sha256 [0-9a-f]{64}\); run.actor, .* are bound only by the expected hash or the signature\)$/m)
    expect(bare.stdout).toMatch(/; not checked: manifest hash, signature$/m)
  })

  test('F1: approval forged into change.json, decision and statuses set to allow, files[] recomputed', () => {
    const made = makeBundle()
    const change = JSON.parse(read(made.ev, 'change.json')) as Json
    change.reviews.push({ id: 9001, user: { login: 'mallory', type: 'User' }, state: 'APPROVED', commitId: HEAD, submittedAt: '2026-11-21T16:00:00Z', authorAssociation: 'MEMBER' })
    writeFileSync(path.join(made.ev, 'change.json'), JSON.stringify(change, null, 2) + '\n')
    writeFileSync(path.join(made.ev, 'decision.json'), read(made.ev, 'decision.json').replace('"decision": "block"', '"decision": "allow"').replace(/"status": "fail"/g, '"status": "pass"'))
    editManifest(made.ev, (m) => {
      m.decision = 'allow'
      for (const c of m.controls) c.status = 'pass'
      m.counts = { ...m.counts, passed: m.counts.controls, failed: 0 }
    })
    recomputeFiles(made.ev)
    const r = verify(made, '--expect-sha256', made.sha)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`manifest.json: sha256 ${sha256(readFileSync(path.join(made.ev, 'manifest.json')))} is not the expected ${made.sha}`)
    // Re-performed on the forged record the change is allowed, but what was rendered at the time says BLOCK.
    expect(r.stdout).toMatch(/^rendered report.html differs from its re-rendering .*kept ".*BLOCK.*", re-rendered ".*ALLOW.*"$/m)
    expect(r.stdout).toMatch(/^rendered summary.md differs/m)
    expect(r.stdout).toMatch(/^rendered decision.json differs/m)
  })

  test('F1 done perfectly (a whole new bundle made from the forged record) is caught only by the expected hash', () => {
    const made = makeBundle()
    const forged = makeBundle(true)
    const alone = runCli(['verify', forged.ev], made.dir)
    expect(alone.code).toBe(0)
    expect(alone.stdout).toMatch(/^manifest hash: not checked/m)
    const anchored = runCli(['verify', forged.ev, '--expect-sha256', made.sha], made.dir)
    expect(anchored.code).toBe(1)
    expect(anchored.stdout).toContain(`is not the expected ${made.sha}`)
  })

  test('F2: only the rendered files rewritten to ALLOW, files[] recomputed', () => {
    const made = makeBundle()
    for (const rel of ['report.html', 'summary.md', 'decision.json', 'oscal/assessment-results.json']) {
      writeFileSync(path.join(made.ev, rel), read(made.ev, rel).replace(/BLOCK/g, 'ALLOW').replace(/"block"/g, '"allow"').replace(/class="decision block"/g, 'class="decision allow"'))
    }
    recomputeFiles(made.ev)
    const r = verify(made)
    expect(r.code).toBe(1)
    for (const rel of ['report.html', 'summary.md', 'decision.json', 'oscal/assessment-results.json']) expect(r.stdout).toMatch(new RegExp(`^rendered ${rel.replace('.', '\\.')} differs from its re-rendering`, 'm'))
    expect(r.stdout).toMatch(/^rendered files: failed \(4 findings\)$/m)
  })

  // F3: manifest fields edited, files[] untouched. Each is caught without the expected hash (and, of course, with it).
  test.each<[string, (m: Json) => void, RegExp]>([
    ['run.sha', (m) => (m.run.sha = '0123456789abcdef0123456789abcdef01234567'), /^manifest run.sha 0123456789abcdef0123456789abcdef01234567 is not change.json's 4f1d/m],
    ['run.repository', (m) => (m.run.repository = 'acme/other'), /^manifest run.repository "acme\/other" is not change.json's "acme\/ledger-service"$/m],
    ['run.actor', (m) => (m.run.actor = 'mallory'), /^rendered report.html differs .*kept ".*<dt>Actor<\/dt><dd>alice.*", re-rendered ".*<dd>mallory/m],
    ['the control map sha256', (m) => (m.controlMap.sha256 = 'f'.repeat(64)), /^manifest controlMap.sha256: recorded "f{64}", re-performance finds "[0-9a-f]{64}"$/m],
    ['a report sha256', (m) => (m.reports[0].sha256 = 'e'.repeat(64)), /^manifest report examples\/reports\/\S+ sha256\/size: recorded eeeeeeeeeeee…\/\d+, but its kept copy is unmasked and hashes to/m],
    ['matched tests', (m) => m.controls.find((c: { id: string }) => c.id === 'CM-01').matchedTests.pop(), /^manifest control CM-01 matchedTests: ".*" matched but not recorded$/m],
    ['counts', (m) => (m.counts.passed += 1), /^manifest counts: recorded \{"controls":5,"failed":1,"passed":5,"waived":0\}, re-performance finds \{"controls":5,"failed":1,"passed":4,"waived":0\}$/m],
    ['totals', (m) => (m.totals.cases = 1), /^manifest totals: recorded \{"cases":1,/m],
    ['redactions', (m) => (m.redactions.email = 0), /^manifest redactions.email: recorded 0, the kept reports hold 1 \[REDACTED-EMAIL…\] mark$/m]
  ])('F3: %s edited in manifest.json is caught', (_what, edit, finding) => {
    const made = makeBundle()
    editManifest(made.ev, edit)
    const r = verify(made)
    expect(r.stdout).toMatch(finding)
    expect(r.code).toBe(1)
    const anchored = verify(made, '--expect-sha256', made.sha)
    expect(anchored.code).toBe(1)
    expect(anchored.stdout).toContain(`is not the expected ${made.sha}`)
  })

  test.each<[string, (m: Json) => void]>([
    ['mode', (m) => (m.mode = 'report-only')],
    ['run.serverUrl', (m) => (m.run.serverUrl = 'https://ghe.example.com')]
  ])('F3: %s edited in manifest.json alone: report.html (which states the mode and links the run) re-renders differently; binding it to the run still needs --expect-sha256', (_what, edit) => {
    const made = makeBundle()
    editManifest(made.ev, edit)
    const bare = verify(made)
    expect(bare.code).toBe(1)
    expect(bare.stdout).toMatch(/^rendered report.html differs/m)
    expect(bare.stdout).toMatch(/^manifest hash: not checked \(.*run.serverUrl, mode, tool.* are bound only by the expected hash or the signature\)$/m)
    const anchored = verify(made, '--expect-sha256', made.sha)
    expect(anchored.code).toBe(1)
    expect(anchored.stdout).toMatch(/^manifest hash: failed \(1 finding\)$/m)
  })

  test('usage: a malformed --expect-sha256, an identity without a trusted root, a missing trusted root', () => {
    const made = makeBundle()
    expect(verify(made, '--expect-sha256', 'abc').stderr).toMatch(/^sox-gate: --expect-sha256 must be 64 hex digits/)
    expect(verify(made, '--certificate-identity', '.*').stderr).toMatch(/^sox-gate: --certificate-identity needs --trusted-root FILE/)
    const missing = verify(made, '--trusted-root', 'nope.json')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^sox-gate: verify: no such trusted root "nope.json"/)
  })
})

describe('verify recounts the kinds of secret from the marks the kept reports hold (issue 22)', () => {
  const GH = 'ghp_' + 'A1b2C3d4E5'.repeat(3) + 'f6G7h8'
  const STRIPE = 'sk_live_' + 'Z9y8X7w6V5'.repeat(3)
  // A failing test named with a GitHub token, its output a Stripe key and the token again.
  const REPORT = `<testsuite name="s"><testcase name="deploys with ${GH} [CM-01]"><failure message="rejected"/><system-out>key ${STRIPE} token ${GH}</system-out></testcase></testsuite>\n`
  const MAP = `version: 1
system: payments
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Deploys are authorised, tests: [{ tag: CM-01 }] }
`
  function made(): Made {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': REPORT })
    expect(runCli(['check', '--now', NOW, '--evidence', 'ev'], dir).code).toBe(1)
    const ev = path.join(dir, 'ev')
    return { dir, ev, sha: sha256(readFileSync(path.join(ev, 'manifest.json'))) }
  }

  test('the manifest records each kind; verify agrees with it', () => {
    const m = made()
    expect(JSON.parse(read(m.ev, 'manifest.json')).redactions).toEqual({ card: 0, ssn: 0, iban: 0, email: 0, secret: 3, secretKinds: { 'github-token': 2, 'stripe-key': 1 } })
    expect(read(m.ev, 'inputs/reports/001-r.xml')).toContain('key [REDACTED-SECRET-STRIPE-KEY] token [REDACTED-SECRET-GITHUB-TOKEN]')
    const r = verify(m)
    expect(r.stdout).toMatch(/^manifest records: ok /m)
    expect(r.code).toBe(0)
  })

  test.each<[string, (x: Json) => void, RegExp]>([
    ['a kind recounted', (x) => (x.redactions.secretKinds['github-token'] = 1), /^manifest redactions.secretKinds.github-token: recorded 1, the kept reports hold 2 \[REDACTED-SECRET-GITHUB-TOKEN\] marks$/m],
    ['a kind renamed', (x) => (x.redactions.secretKinds = { 'github-token': 2, 'aws-access-key-id': 1 }), /^manifest redactions.secretKinds.stripe-key: recorded 0, the kept reports hold 1 \[REDACTED-SECRET-STRIPE-KEY\] mark$/m],
    ['the kinds dropped', (x) => delete x.redactions.secretKinds, /^manifest redactions.secretKinds: not recorded, but the kept reports hold 3 \[REDACTED-SECRET-<KIND>\] marks$/m]
  ])('%s in manifest.json is caught', (_what, edit, finding) => {
    const m = made()
    editManifest(m.ev, edit)
    const r = verify(m)
    expect(r.stdout).toMatch(finding)
    expect(r.code).toBe(1)
  })

  test('a bundle made before secrets had kinds (`[REDACTED-SECRET]` marks, no secretKinds) still verifies', () => {
    const m = made()
    // What the earlier version wrote: the same bundle with kind-less marks and no secretKinds.
    for (const rel of ['inputs/reports/001-r.xml', 'decision.json', 'summary.md', 'controls.csv', 'failures.csv', 'report.html', 'oscal/assessment-results.json']) {
      const file = path.join(m.ev, rel)
      writeFileSync(file, readFileSync(file, 'utf8').replace(/\[REDACTED-SECRET-[A-Z0-9-]+\]/g, '[REDACTED-SECRET]').replace(/\\\[REDACTED-SECRET-[A-Z0-9-]+\\\]/g, '\\[REDACTED-SECRET\\]'))
    }
    editManifest(m.ev, (x) => {
      delete x.redactions.secretKinds
      for (const c of x.controls) c.matchedTests = c.matchedTests.map((t: string) => t.replace(/\[REDACTED-SECRET-[A-Z0-9-]+\]/g, '[REDACTED-SECRET]'))
    })
    recomputeFiles(m.ev)
    expect(read(m.ev, 'inputs/reports/001-r.xml')).toContain('key [REDACTED-SECRET] token [REDACTED-SECRET]')
    const r = verify(m)
    expect(r.stdout).toMatch(/^manifest records: ok /m)
    expect(r.stdout).toMatch(/^intact: /m)
    expect(r.code).toBe(0)
  })
})
