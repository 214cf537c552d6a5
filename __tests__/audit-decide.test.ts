import { chooseDecision, deploymentExceptions, referenceTime } from '../src/audit/decide.js'
import type { CheckRunFact, DeploymentFact, EvidenceFact, LedgerFact } from '../src/audit/model.js'

// The audit's judgement of one deployment, from facts alone. Times: the deployment is created at
// 10:00 and succeeds at 10:05; each case places the gate's decisions around that.
const SHA = 'ab'.repeat(20)
const t = (hhmm: string): string => `2026-03-10T${hhmm}:00.000Z`

function deployment(statuses: [string, string][] = [['in_progress', '10:01'], ['success', '10:05']], checkRuns: CheckRunFact[] = []): DeploymentFact {
  const facts = statuses.map(([state, at]) => ({ state, at: t(at), by: 'github-actions' }))
  return { repository: 'acme/ledger', id: 1, nodeId: 'DE_1', createdAt: t('10:00'), creator: 'github-actions', sha: SHA, ref: 'main', environment: 'production', statuses: facts, latest: facts.at(-1) ?? null, checkRuns }
}
let seq = 0
const entry = (decision: 'allow' | 'block', at: string | null, environment?: string): LedgerFact => ({ sequence: ++seq, decision, sha: SHA, ...(environment ? { environment } : {}), manifestSha256: 'cd'.repeat(32), run: { id: String(seq), attempt: '1' }, at: at && t(at) })
const checkRun = (conclusion: string, at: string, externalId: string | null = 'ef'.repeat(32)): CheckRunFact => ({ id: ++seq, conclusion, status: 'completed', completedAt: t(at), externalId, detailsUrl: null, url: `https://github.com/acme/ledger/runs/${seq}`, app: 'github-actions' })
const intact: EvidenceFact = { location: 's3://evidence/x/', status: 'verified', detail: '', attestation: 'no', emergency: false, pullRequests: [{ number: 7, authors: ['alice'], approvals: [{ login: 'carol', at: t('09:00') }] }], evaluatedAt: null }
const codes = (d: DeploymentFact, ledger: LedgerFact[] | undefined, useLedger: boolean, evidence: EvidenceFact | null = intact): string[] => deploymentExceptions(d, chooseDecision(d, ledger, useLedger, 'production'), evidence ?? undefined, undefined).map((x) => x.code)

describe('the decision a deployment relied on', () => {
  test('the reference time is the first success, not the creation (a gate in the deploying job decides in between)', () => {
    expect(referenceTime(deployment())).toBe(t('10:05'))
    expect(chooseDecision(deployment(), [entry('allow', '10:03', 'production')], true, 'production').before?.decision).toBe('allow')
  })

  test('the latest entry before it wins: an allow after a block covers, a block after an allow does not', () => {
    expect(chooseDecision(deployment(), [entry('block', '09:00', 'production'), entry('allow', '09:30', 'production')], true, 'production').before?.decision).toBe('allow')
    expect(codes(deployment(), [entry('allow', '09:00', 'production'), entry('block', '09:30', 'production')], true)).toEqual(['deployed-without-allow'])
  })

  test("another environment's allow gives no cover; one that names no environment does, after this environment's", () => {
    expect(codes(deployment(), [entry('allow', '09:00', 'staging')], true)).toEqual(['deployed-without-allow'])
    expect(codes(deployment(), [entry('allow', '09:00')], true)).toEqual([])
    // This environment's block outranks a newer allow that named none.
    expect(codes(deployment(), [entry('block', '09:00', 'production'), entry('allow', '09:30')], true)).toEqual(['deployed-without-allow'])
  })

  test('an allow made after the deployment succeeded is approved-after-deploy, not an allow', () => {
    expect(codes(deployment(), [entry('allow', '10:06', 'production')], true)).toEqual(['approved-after-deploy'])
    expect(codes(deployment(), [entry('block', '09:00', 'production'), entry('allow', '11:00', 'production')], true)).toEqual(['approved-after-deploy'])
  })

  test('with a store, a check run saying success is never an allow', () => {
    expect(codes(deployment([['success', '10:05']], [checkRun('success', '09:00')]), [], true)).toEqual(['deployed-without-allow'])
  })

  test('without a store: success allows, failure and neutral (report-only) block, the rest decide nothing', () => {
    expect(codes(deployment([['success', '10:05']], [checkRun('success', '09:00')]), undefined, false)).toEqual([])
    expect(codes(deployment([['success', '10:05']], [checkRun('success', '09:00'), checkRun('neutral', '09:30')]), undefined, false)).toEqual(['deployed-without-allow'])
    expect(codes(deployment([['success', '10:05']], [checkRun('cancelled', '09:00')]), undefined, false)).toEqual(['deployed-without-allow'])
  })

  test('a deployment that never succeeded raises nothing, whatever the gate said', () => {
    expect(codes(deployment([['failure', '10:05']]), [entry('block', '09:00', 'production')], true)).toEqual([])
  })
})

describe('the evidence of the allow', () => {
  const allowed = (): LedgerFact[] => [entry('allow', '09:00', 'production')]
  test('missing, not intact, emergency', () => {
    expect(codes(deployment(), allowed(), true, { ...intact, status: 'missing' })).toEqual(['evidence-missing'])
    expect(codes(deployment(), allowed(), true, null)).toEqual(['evidence-missing'])
    expect(codes(deployment(), allowed(), true, { ...intact, status: 'not-intact' })).toEqual(['evidence-not-intact'])
    expect(codes(deployment(), allowed(), true, { ...intact, emergency: true })).toEqual(['emergency-change'])
  })
  test('approved after deploy only when every independent approval of a shipped pull request came after it', () => {
    const late = (approvals: { login: string; at: string }[]): EvidenceFact => ({ ...intact, pullRequests: [{ number: 7, authors: ['alice'], approvals }] })
    expect(codes(deployment(), allowed(), true, late([{ login: 'carol', at: t('11:00') }]))).toEqual(['approved-after-deploy'])
    expect(codes(deployment(), allowed(), true, late([{ login: 'carol', at: t('09:00') }, { login: 'dan', at: t('11:00') }]))).toEqual([])
  })
})
