import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { parse } from 'csv-parse/sync'
import { stableJson } from '../src/evidence/stable-json.js'
import { cli, fakeS3, s3Client, sha256 } from './helpers/store-run.js'
import { addPull, audit, auditEnv, auditMap, deploy, gateRun, landOnMain, shaOf, startWorld, type World } from './helpers/audit-world.js'
import type { FakeS3 } from './helpers/fake-s3.js'

/** The audit's CSV (RFC 4180, CRLF), read back with a CSV library for assertions. */
const csv = (file: string): Record<string, string>[] => parse(readFileSync(file), { columns: true }) as Record<string, string>[]

const ALLOWED = shaOf(0xa11)
const BLOCKED = shaOf(0xb10c)
const EMERGENCY = shaOf(0xe3e)
const TAMPERED = shaOf(0x7a3)
const UNLEDGERED = shaOf(0xde1)
const FAILED = shaOf(0xfa1)
const MAP_CHANGE = shaOf(0x3a9)
const FORGED = shaOf(0xf0e)

describe('sox-gate audit, end to end: the action runs, then the audit finds exactly what was planted', () => {
  let s3: FakeS3
  let w: World
  const ids: Record<string, number> = {}
  let first: Awaited<ReturnType<typeof audit>>
  let second: Awaited<ReturnType<typeof audit>>

  beforeAll(async () => {
    s3 = await fakeS3({ pageSize: 5 })
    w = await startWorld(s3, auditMap())
    // Two independent approvals: allowed.
    addPull(w, 41, 'alice', ALLOWED, ['carol', 'dan'])
    // No approval: blocked, and deployed all the same.
    addPull(w, 42, 'bob', BLOCKED, [])
    // One owner's approval and her emergency waiver: allowed as an emergency change.
    addPull(w, 43, 'alice', EMERGENCY, ['olivia'])
    // Allowed; its stored bundle is then written over.
    addPull(w, 44, 'erin', TAMPERED, ['carol', 'dan'])
    // Allowed; its ledger entry is then deleted (S3 keeps the locked version under a delete marker).
    addPull(w, 45, 'frank', UNLEDGERED, ['carol', 'dan'])
    // Allowed, then its deployment failed: in the population, not in the environment.
    addPull(w, 46, 'gina', FAILED, ['carol', 'dan'])
    const runs: [number, number, string][] = [[41, 5001, 'allow'], [42, 5002, 'block'], [43, 5003, 'allow'], [44, 5004, 'allow'], [45, 5005, 'allow'], [46, 5006, 'allow']]
    for (const [n, runId, decision] of runs) {
      const r = await gateRun(w, n, runId)
      expect([n, r.outputs.decision]).toEqual([n, decision])
    }
    const client = s3Client(s3)
    const bundle = `sox/acme/ledger/${TAMPERED}/5004-1/`
    await client.send(new PutObjectCommand({ Bucket: 'evidence', Key: `${bundle}report.html`, Body: '<p>all good</p>' }))
    const entries = [...s3.objects('evidence').keys()].filter((k) => k.startsWith('sox/acme/ledger/ledger/')).sort()
    expect(entries).toHaveLength(6)
    await client.send(new DeleteObjectCommand({ Bucket: 'evidence', Key: entries[4] }))
    // Someone with s3:PutObject copies #41's good bundle under a commit the gate never judged and
    // appends a ledger entry that points at it, correctly chained: the ledger holds, the copy does not.
    for (const [key, v] of s3.objects('evidence')) {
      if (key.startsWith(`sox/acme/ledger/${ALLOWED}/5001-1/`)) await client.send(new PutObjectCommand({ Bucket: 'evidence', Key: key.replace(`${ALLOWED}/5001-1/`, `${FORGED}/5099-1/`), Body: v.body, ChecksumSHA256: sha256(v.body, 'base64'), ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date(Date.now() + 86_400_000) }))
    }
    const head = s3.objects('evidence').get(entries[5] as string)?.body as Buffer
    const forged = `${JSON.stringify({ decision: 'allow', environment: 'production', manifestSha256: JSON.parse(s3.objects('evidence').get(entries[0] as string)?.body.toString('utf8') as string).manifestSha256, previous: sha256(head), run: { attempt: '1', id: '5099' }, sequence: 7, sha: FORGED }, null, 2)}\n`
    await client.send(new PutObjectCommand({ Bucket: 'evidence', Key: 'sox/acme/ledger/ledger/000000000007.json', Body: forged, ChecksumSHA256: sha256(forged, 'base64'), ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date(Date.now() + 86_400_000) }))
    ids.allowed = deploy(w, ALLOWED, ['in_progress', 'success'])
    ids.blocked = deploy(w, BLOCKED, ['in_progress', 'success'], 'mallory')
    ids.emergency = deploy(w, EMERGENCY, ['in_progress', 'success'])
    ids.tampered = deploy(w, TAMPERED, ['in_progress', 'success'])
    ids.unledgered = deploy(w, UNLEDGERED, ['in_progress', 'success'])
    ids.failed = deploy(w, FAILED, ['in_progress', 'failure'])
    // Redeployed later: its first success went inactive when the next one succeeded.
    ids.again = deploy(w, ALLOWED, ['in_progress', 'success', 'inactive'])
    ids.forged = deploy(w, FORGED, ['success'], 'mallory')
    // The control map loosened on main through a pull request approved only by a non-owner.
    landOnMain(w, 50, 'mallory', MAP_CHANGE, ['.github/sox-controls.yml'], ['carol'])
    first = await audit(w, ['--store', 's3://evidence/sox'])
    second = await audit(w, ['--store', 's3://evidence/sox'])
  }, 240_000)
  afterAll(async () => {
    await w?.github.close()
    await s3?.close()
  })

  test('exit 1, and exceptions.csv holds exactly the planted exceptions', () => {
    expect(first.stderr).not.toContain('sox-gate')
    expect(first.code).toBe(1)
    const exceptions = csv(path.join(first.out, 'exceptions.csv')).map((x) => [x.code, x.deployment_id])
    expect(exceptions).toEqual([
      ['deployed-without-allow', String(ids.blocked)],
      ['evidence-not-intact', String(ids.tampered)],
      ['evidence-not-intact', String(ids.forged)],
      ['emergency-change', String(ids.emergency)],
      ['ledger-gap', ''],
      ['gate-config-changed', '']
    ])
    const byCode = Object.fromEntries(csv(path.join(first.out, 'exceptions.csv')).map((x) => [x.code, x.finding]))
    expect(byCode['deployed-without-allow']).toContain('the latest decision before it was BLOCK (ledger entry 2 (production)')
    const notIntact = csv(path.join(first.out, 'exceptions.csv')).filter((x) => x.code === 'evidence-not-intact').map((x) => x.finding)
    expect(notIntact[0]).toContain('report.html: written over 1 time after it was stored')
    expect(notIntact[1]).toContain('manifest.json names run 5001-1, but the bundle is stored under 5099-1')
    expect(notIntact[1]).toContain(`change.json is about ${ALLOWED.slice(0, 7)}, but the bundle is stored under ${FORGED.slice(0, 7)}`)
    expect(byCode['ledger-gap']).toContain('000000000005: hidden by 1 delete marker')
    expect(byCode['gate-config-changed']).toContain('NO control owner approved it independently (control owners at base ba5eba5: olivia, dan; carol approved but is not a control owner)')
  })

  test('the population has one row per deployment, in creation order, each with its decision and evidence', () => {
    const rows = csv(path.join(first.out, 'population.csv'))
    expect(rows.map((r) => Number(r.deployment_id))).toEqual([ids.allowed, ids.blocked, ids.emergency, ids.tampered, ids.unledgered, ids.failed, ids.again, ids.forged])
    const row = (id: number | undefined): Record<string, string> => rows.find((r) => Number(r.deployment_id) === id) as Record<string, string>
    expect(row(ids.allowed)).toMatchObject({ decision: 'allow', decision_source: 'ledger', evidence_status: 'verified', emergency: 'no', final_status: 'success', exceptions: '', evidence: `s3://evidence/sox/acme/ledger/${ALLOWED}/5001-1/` })
    expect(row(ids.allowed).pull_requests).toMatch(/^#41 by alice; approved by carol \(2026-11-20T10:00:00.000Z\), dan \(2026-11-20T10:00:00.000Z\)$/)
    expect(row(ids.again)).toMatchObject({ final_status: 'inactive', decision: 'allow', exceptions: '' })
    expect(row(ids.again).succeeded_at).not.toBe('')
    expect(row(ids.blocked)).toMatchObject({ decision: 'block', creator: 'mallory', succeeded_by: 'github-actions', exceptions: 'deployed-without-allow' })
    expect(row(ids.emergency)).toMatchObject({ emergency: 'yes', exceptions: 'emergency-change' })
    expect(row(ids.unledgered)).toMatchObject({ decision: 'allow', evidence_status: 'verified', exceptions: '' })
    expect(row(ids.failed)).toMatchObject({ final_status: 'failure', succeeded_at: '', exceptions: '' })
    expect(row(ids.allowed).manifest_sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  test('the sample: every successful deployment (fewer than 59), exceptions and the emergency marked', () => {
    const sample = csv(path.join(first.out, 'sample.csv'))
    expect(sample).toHaveLength(7)
    expect(sample.map((s) => s.draw).sort()).toEqual(['1', '2', '3', '4', '5', '6', '7'])
    expect(sample.find((s) => Number(s.deployment_id) === ids.emergency)?.why).toBe('drawn; exception: emergency-change; emergency change')
    expect(sample.find((s) => Number(s.deployment_id) === ids.failed)).toBeUndefined()
  })

  test('byte-identical on a second run with the same --now', () => {
    const files = readdirSync(first.out).sort()
    expect(files).toEqual(['audit.html', 'audit.json', 'exceptions.csv', 'manifest.json', 'population.csv', 'sample.csv'])
    for (const f of files) expect([f, readFileSync(path.join(second.out, f), 'utf8')]).toEqual([f, readFileSync(path.join(first.out, f), 'utf8')])
  })

  test('audit.json records every query, the request count and the reconciliation', () => {
    const a = JSON.parse(readFileSync(path.join(first.out, 'audit.json'), 'utf8'))
    expect(a.reconciliation[0].deployments).toMatchObject({ listedForEnvironment: 8, received: 8, createdInPeriod: 8, populationRows: 8, balanced: true })
    expect(a.reconciliation[0].ledger).toMatchObject({ entries: 7, findings: 1, entriesReliedOn: 7, deploymentsRelyingOnThem: 8 })
    expect(a.queries.find((q: { endpoint: string }) => q.endpoint.includes('(with statuses'))).toMatchObject({ parameters: expect.objectContaining({ orderBy: 'CREATED_AT DESC' }), pages: 1, received: 8, kept: 8, counts: { success: 6, failure: 1, inactive: 1 } })
    expect(a.requests.github).toBeGreaterThan(2)
    expect(a.requests.github).toBeLessThan(15)
  })

  test('--verify sample: the store\'s checks for all, every level for the sample: the same exceptions', async () => {
    const r = await audit(w, ['--store', 's3://evidence/sox', '--verify', 'sample'])
    expect(r.code).toBe(1)
    expect(csv(path.join(r.out, 'exceptions.csv')).map((x) => x.code)).toEqual(csv(path.join(first.out, 'exceptions.csv')).map((x) => x.code))
    const rows = csv(path.join(r.out, 'population.csv'))
    expect(rows.find((x) => Number(x.deployment_id) === ids.allowed)?.evidence_status).toBe('store-checked')
    expect(csv(path.join(r.out, 'sample.csv')).find((x) => Number(x.deployment_id) === ids.allowed)?.sample_verification).toMatch(/^verified: every level of verify holds/)
  })

  test('audit.html puts the exceptions first, one row each, and links each sampled commit and pull request', () => {
    const html = readFileSync(path.join(first.out, 'audit.html'), 'utf8')
    expect(html.indexOf('id="exceptions"')).toBeLessThan(html.indexOf('id="sample"'))
    expect(html.match(/<tr data-code="/g)).toHaveLength(6)
    expect(html).toContain(`href="https://github.com/acme/ledger/commit/${ALLOWED}"`)
    expect(html).toContain('href="https://github.com/acme/ledger/pull/41"')
    expect(html).not.toMatch(/<script|src="http/)
  })

  test('sox-gate verify recognises the audit folder: intact, then each tampering found', async () => {
    const env = auditEnv(w)
    const ok = await cli(['verify', first.out], env)
    expect(ok.stdout).toContain('intact: audit folder')
    expect(ok.code).toBe(0)
    const pop = path.join(second.out, 'population.csv')
    writeFileSync(pop, readFileSync(pop, 'utf8').replace(',block,', ',allow,'))
    const bad = await cli(['verify', second.out], env)
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain('changed: population.csv')
  })

  test('verify re-derives the sample: a drawn row removed and the folder sealed again is still found', async () => {
    const dir = (await audit(w, ['--store', 's3://evidence/sox'])).out
    const sampleFile = path.join(dir, 'sample.csv')
    const lines = readFileSync(sampleFile, 'utf8').split('\r\n')
    const dropped = lines.splice(1, 1)[0] as string
    writeFileSync(sampleFile, lines.join('\r\n'))
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string; size: number }[] }
    const bytes = readFileSync(sampleFile)
    manifest.files = manifest.files.map((f) => (f.path === 'sample.csv' ? { ...f, sha256: sha256(bytes), size: bytes.length } : f))
    writeFileSync(path.join(dir, 'manifest.json'), stableJson(manifest))
    const r = await cli(['verify', dir], auditEnv(w))
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('files: ok')
    expect(r.stdout).toContain(`drawn again from the seed, these are missing from sample.csv: acme/ledger ${dropped.split(',')[4]} #`)
  })
})
