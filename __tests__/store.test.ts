import { readFileSync } from 'node:fs'
import path from 'node:path'
import { runActionInPullRequest } from './helpers/gate-run.js'
import type { FakeS3 } from './helpers/fake-s3.js'
import { workspace } from './helpers/run.js'
import { awsEnv, BUNDLE, cli, fakeS3, filesUnder, MAP, PASSING, runnerEnv, SHA, sha256, storeRun } from './helpers/store-run.js'

const DAY = 86_400_000

let s3: FakeS3 | undefined
afterEach(async () => {
  await s3?.close()
  s3 = undefined
})

describe('evidence-store: the bundle kept write-once in S3', () => {
  test('every bundle file is stored under PREFIX/OWNER/REPO/SHA/RUN-ATTEMPT/, locked COMPLIANCE for 2557 days, with its sha256, and read back', async () => {
    const fake = (s3 = await fakeS3())
    const before = Date.now()
    const { r, dir } = await storeRun(fake)
    expect(r.stdout).not.toContain('::error')
    expect(r.code).toBe(0)
    expect(r.outputs.decision).toBe('allow')
    const evidence = path.join(dir, 'sox-evidence')
    const local = filesUnder(evidence).sort()
    expect(local).toContain('manifest.json')
    const stored = fake.objects('evidence')
    const bundleKeys = [...stored.keys()].filter((k) => k.startsWith(BUNDLE))
    expect(bundleKeys.map((k) => k.slice(BUNDLE.length)).sort()).toEqual(local)
    for (const rel of local) {
      const bytes = readFileSync(path.join(evidence, rel))
      const o = stored.get(BUNDLE + rel)
      expect(o?.body.equals(bytes)).toBe(true)
      expect(o?.checksumSha256).toBe(sha256(bytes, 'base64'))
      expect(o?.mode).toBe('COMPLIANCE')
      const days = ((o?.until?.getTime() ?? 0) - before) / DAY
      expect(days).toBeGreaterThanOrEqual(2557)
      expect(days).toBeLessThan(2557.01)
    }
    // Each object was written only if absent, asked for the lock, and its retention read back.
    const puts = fake.calls.filter((c) => c.method === 'PUT' && c.key.startsWith(BUNDLE))
    expect(puts).toHaveLength(local.length)
    for (const p of puts) expect(p.headers).toMatchObject({ 'if-none-match': '*', 'x-amz-object-lock-mode': 'COMPLIANCE' })
    const readBack = fake.calls.filter((c) => c.method === 'GET' && c.query.includes('retention') && c.key.startsWith(BUNDLE))
    expect(readBack.map((c) => c.key).sort()).toEqual(local.map((rel) => BUNDLE + rel))
    // The ledger's first entry: no previous, this run's manifest, decision, commit, what it judged
    // (a pull request's head: no range start for a later deployment, SPEC §13) and run.
    const ledger = stored.get('sox/acme/ledger-service/ledger/000000000001.json')
    expect(JSON.parse(ledger?.body.toString('utf8') ?? '')).toEqual({ sequence: 1, previous: null, manifestSha256: sha256(readFileSync(path.join(evidence, 'manifest.json'))), decision: 'allow', sha: SHA, judged: 'pull-request', run: { id: '777', attempt: '2' } })
    expect(ledger?.mode).toBe('COMPLIANCE')
    expect(r.outputs['evidence-sha256']).toBe(sha256(readFileSync(path.join(evidence, 'manifest.json'))))
    expect(r.summary).toContain(`Write-once copy: \`s3://evidence/${BUNDLE}\` (${local.length} objects`)
    expect(r.summary).toContain('ledger entry 1')
  })

  test('the ledger entry names the evaluated commit (not GITHUB_SHA, a test merge) and the environment the decision was for', async () => {
    const fake = (s3 = await fakeS3())
    const { r } = await storeRun(fake, { environment: 'production' })
    expect(r.code).toBe(0)
    const entry = JSON.parse(fake.objects('evidence').get('sox/acme/ledger-service/ledger/000000000001.json')?.body.toString('utf8') ?? '{}') as Record<string, unknown>
    // The pull request's head, as the event names it (9f8e7d6…), and the input's environment.
    expect(entry).toMatchObject({ sha: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', environment: 'production', decision: 'allow' })
  })

  test('a store with no prefix: keys start at OWNER/REPO', async () => {
    const fake = (s3 = await fakeS3())
    const { r } = await storeRun(fake, { 'evidence-store': 's3://evidence' })
    expect(r.code).toBe(0)
    const keys = [...fake.objects('evidence').keys()]
    expect(keys).toContain(`acme/ledger-service/${SHA}/777-2/manifest.json`)
    expect(keys).toContain('acme/ledger-service/ledger/000000000001.json')
    expect(keys.every((k) => k.startsWith('acme/ledger-service/'))).toBe(true)
    expect(r.summary).toContain(`\`s3://evidence/acme/ledger-service/${SHA}/777-2/\``)
  })

  test('store-retention-days sets the retain-until date', async () => {
    const fake = (s3 = await fakeS3())
    const before = Date.now()
    const { r } = await storeRun(fake, { 'store-retention-days': '30' })
    expect(r.code).toBe(0)
    for (const [key, o] of fake.objects('evidence')) {
      const days = ((o.until?.getTime() ?? 0) - before) / DAY
      expect([key, days >= 30 && days < 30.01]).toEqual([key, true])
    }
  })

  test.each([
    ['no-lock', 'a bucket without Object Lock', /InvalidRequest \(HTTP 400\): Bucket is missing Object Lock Configuration/],
    ['says-yes', 'a store that accepts the lock and keeps none', /not locked in COMPLIANCE mode \(the store reports no retention\)/],
    ['short-lock', 'a store that locks for less than asked', /locked only until \S+, not \S+/],
    ['governance-lock', 'a store that locks in GOVERNANCE mode', /not locked in COMPLIANCE mode \(the store reports mode GOVERNANCE\)/]
  ])('%s (%s): an evidence failure, the step fails, decision block, no ledger entry', async (bucket, _what, why) => {
    const fake = (s3 = await fakeS3())
    const { r } = await storeRun(fake, { 'evidence-store': `s3://${bucket}/sox` })
    expect(r.code).toBe(1)
    expect(r.outputs.decision).toBe('block')
    const error = r.stdout.split('\n').find((l) => l.startsWith('::error::SOX compliance gate:')) ?? ''
    expect(error).toMatch(why)
    // All eight files of the bundle fail alike: one reason, its files named.
    expect(error).toContain(': change.json, controls.csv, decision.json, failures.csv, inputs/control-map.yml and 6 more')
    expect(error).toContain(`s3://${bucket}/${BUNDLE}`)
    expect(error).toContain('no evidence, no deployment (evidence-required: true)')
    expect([...fake.objects(bucket).keys()].filter((k) => k.includes('/ledger/'))).toEqual([])
  })

  test('evidence-required false: a store that does not lock is a warning, the decision stands', async () => {
    const fake = (s3 = await fakeS3())
    const { r } = await storeRun(fake, { 'evidence-store': 's3://says-yes/sox', 'evidence-required': 'false' })
    expect(r.code).toBe(0)
    expect(r.outputs.decision).toBe('allow')
    expect(r.stdout).toMatch(/::warning::SOX compliance gate: the evidence store .* not locked in COMPLIANCE mode.*\(evidence-required: false, so the step goes on\)/)
  })

  test('no credentials: an evidence failure naming the cause, not a crash', async () => {
    const fake = (s3 = await fakeS3())
    const env = runnerEnv(fake)
    delete env.AWS_ACCESS_KEY_ID
    delete env.AWS_SECRET_ACCESS_KEY
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': PASSING })
    const r = await runActionInPullRequest(dir, { 'upload-evidence': 'false', 'evidence-store': 's3://evidence/sox' }, { ...env, HOME: dir })
    expect(r.code).toBe(1)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toMatch(/::error::SOX compliance gate: the evidence store .* not stored: .*credential/i)
    expect(fake.objects('evidence').size).toBe(0)
  })

  test.each([
    [{ 'evidence-store': 'https://evidence.s3.amazonaws.com/sox' }, 'input evidence-store must be s3://BUCKET/PREFIX, not "https://evidence.s3.amazonaws.com/sox"'],
    [{ 'evidence-store': 's3://Evidence_Bucket/sox' }, 'input evidence-store "Evidence_Bucket" is not an S3 bucket name'],
    [{ 'evidence-store': 's3://evidence/sox/../other' }, 'input evidence-store the prefix "sox/../other" has an empty, "." or ".." part'],
    [{ 'store-retention-days': '7y' }, 'input store-retention-days must be a whole number of days from 1 to 36500, not "7y"']
  ])('bad store input %j: a configuration error, exit 2', async (inputs, message) => {
    const fake = (s3 = await fakeS3())
    const { r } = await storeRun(fake, inputs)
    expect(r.code).toBe(2)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain(message)
    expect(fake.calls).toEqual([])
  })
})

describe('the ledger', () => {
  test('two runs appending at the same moment land with consecutive numbers, chained', async () => {
    // Both runs are held at their ledger listing until both have listed: they see the same head.
    const fake = (s3 = await fakeS3({ ledgerListBarrier: 2 }))
    const [a, b] = await Promise.all([storeRun(fake, {}, '801'), storeRun(fake, {}, '802')])
    expect([a.r.code, b.r.code]).toEqual([0, 0])
    const entries = [...fake.objects('evidence')].filter(([k]) => k.includes('/ledger/'))
    expect(entries.map(([k]) => k)).toEqual(['sox/acme/ledger-service/ledger/000000000001.json', 'sox/acme/ledger-service/ledger/000000000002.json'])
    const [first, second] = entries.map(([, v]) => v.body)
    const e1 = JSON.parse(first?.toString('utf8') ?? '')
    const e2 = JSON.parse(second?.toString('utf8') ?? '')
    expect([e1.sequence, e1.previous, e2.sequence, e2.previous]).toEqual([1, null, 2, sha256(first as Buffer)])
    expect([e1.run.id, e2.run.id].sort()).toEqual(['801', '802'])
    // The race really happened: one conditional write of entry 1 was refused.
    const refused = fake.calls.filter((c) => c.code === 'PreconditionFailed')
    expect(refused.map((c) => c.key)).toEqual(['sox/acme/ledger-service/ledger/000000000001.json'])
    const walked = await cli(['ledger', 's3://evidence/sox/acme/ledger-service'], awsEnv(fake))
    expect(walked.stdout).toBe(`intact: ledger s3://evidence/sox/acme/ledger-service/ledger/: 2 entries, head 000000000002 sha256 ${sha256(second as Buffer)} (allow, sha ${SHA}, run ${e2.run.id}-2, manifest sha256 ${e2.manifestSha256})\n`)
    expect(walked.code).toBe(0)
  })
})
