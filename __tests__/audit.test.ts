import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { parse } from 'csv-parse/sync'
import { cli, fakeS3, s3Client } from './helpers/store-run.js'
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
    ids.allowed = deploy(w, ALLOWED, ['in_progress', 'success'])
    ids.blocked = deploy(w, BLOCKED, ['in_progress', 'success'], 'mallory')
    ids.emergency = deploy(w, EMERGENCY, ['in_progress', 'success'])
    ids.tampered = deploy(w, TAMPERED, ['in_progress', 'success'])
    ids.unledgered = deploy(w, UNLEDGERED, ['in_progress', 'success'])
    ids.failed = deploy(w, FAILED, ['in_progress', 'failure'])
    // Redeployed later: its first success went inactive when the next one succeeded.
    ids.again = deploy(w, ALLOWED, ['in_progress', 'success', 'inactive'])
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
      ['emergency-change', String(ids.emergency)],
      ['ledger-gap', ''],
      ['gate-config-changed', '']
    ])
    const byCode = Object.fromEntries(csv(path.join(first.out, 'exceptions.csv')).map((x) => [x.code, x.finding]))
    expect(byCode['deployed-without-allow']).toContain('the latest decision before it was BLOCK (ledger entry 2 (production)')
    expect(byCode['evidence-not-intact']).toContain('report.html: written over 1 time after it was stored')
    expect(byCode['ledger-gap']).toContain('000000000005: hidden by 1 delete marker')
    expect(byCode['gate-config-changed']).toContain('NO control owner approved it independently (control owners at base ba5eba5: olivia, dan; carol approved but is not a control owner)')
  })

  test('the population has one row per deployment, in creation order, each with its decision and evidence', () => {
    const rows = csv(path.join(first.out, 'population.csv'))
    expect(rows.map((r) => Number(r.deployment_id))).toEqual([ids.allowed, ids.blocked, ids.emergency, ids.tampered, ids.unledgered, ids.failed, ids.again])
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
    expect(sample).toHaveLength(6)
    expect(sample.map((s) => s.draw).sort()).toEqual(['1', '2', '3', '4', '5', '6'])
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
    expect(a.reconciliation[0].deployments).toMatchObject({ listedForEnvironment: 7, received: 7, createdInPeriod: 7, populationRows: 7, balanced: true })
    expect(a.reconciliation[0].ledger).toMatchObject({ entries: 6, findings: 1, entriesReliedOn: 6, deploymentsRelyingOnThem: 7 })
    expect(a.queries[0]).toMatchObject({ endpoint: expect.stringContaining('repository.deployments'), pages: 1, received: 7, kept: 7, counts: { success: 5, failure: 1, inactive: 1 } })
    expect(a.requests.github).toBeGreaterThan(2)
    expect(a.requests.github).toBeLessThan(15)
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
})
