import { evaluateInline } from './helpers/engine.js'

const MAP = (control: string): string => `version: 1
system: s
controls:
${control}
`

describe('evaluation of test controls', () => {
  test('all matched tests passing with at least min-tests → pass, with a reason saying so', async () => {
    const r = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }], min-tests: 2 }'), [
      '<testsuite name="s"><testcase name="one [A]"/><testcase name="two [A]"/><testcase name="other"/></testsuite>'
    ])
    expect(r.decision).toBe('allow')
    expect(r.controls[0]).toMatchObject({ status: 'pass', tests: { matched: 2, passed: 2, failed: 0, skipped: 0, flaky: 0 }, matchedTests: ['s › one [A]', 's › two [A]'] })
    expect(r.controls[0]?.reasons.map((x) => x.message)).toEqual(['2 of 2 matched tests passed (min-tests 2)'])
    expect(r.totals).toMatchObject({ cases: 3, unmapped: 1 })
  })

  test('matched-test lists read in any order, again and again, are the same sorted lists (built one control at a time)', async () => {
    const r = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }] }\n  - { id: B, title: t, tests: [{ tag: B }] }'), [
      '<testsuite name="s"><testcase name="z [A]"/><testcase name="y [A] [B]"/><testcase name="x [B]"/></testsuite>'
    ])
    const [a, b] = r.controls
    const A = ['s › y [A] [B]', 's › z [A]']
    const B = ['s › x [B]', 's › y [A] [B]']
    expect(a?.matchedTests).toEqual(A)
    expect(a?.matchedTests).toBe(a?.matchedTests)
    expect(b?.matchedTests).toEqual(B)
    expect(a?.matchedTests).toEqual(A)
    expect(JSON.parse(JSON.stringify(r.controls)).map((c: { matchedTests: string[] }) => c.matchedTests)).toEqual([A, B])
    expect({ ...b }.matchedTests).toEqual(B)
    if (a) a.matchedTests = ['kept']
    expect(b?.matchedTests).toEqual(B)
    expect(a?.matchedTests).toEqual(['kept'])
  })

  test('no matched test fails the control, naming its selectors', async () => {
    const r = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }, { suite: "ledger.*" }] }'), ['<testsuite name="s"><testcase name="x"/></testsuite>'])
    expect(r.decision).toBe('block')
    expect(r.controls[0]?.reasons).toEqual([
      { code: 'no-tests-matched', effect: 'fail', message: 'no test in the reports matched its selectors (tag "A", suite "ledger.*")', line: 4 }
    ])
  })

  test('a failed matched test fails the control, naming the test and where it failed', async () => {
    const r = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }] }'), [
      '<testsuite name="s">\n<testcase name="good [A]"/>\n<testcase name="bad [A]"><failure message="expected 0 got 1"/></testcase></testsuite>'
    ])
    const reason = r.controls[0]?.reasons[0]
    expect(reason).toMatchObject({ code: 'tests-failed', effect: 'fail', message: '1 of 2 matched tests failed: s › bad [A]' })
    expect(reason?.tests).toEqual([{ name: 's › bad [A]', report: 'r0.xml', line: 3, message: 'expected 0 got 1' }])
  })

  test('fewer passing tests than min-tests fails even when nothing failed; skipped ones do not count', async () => {
    const r = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }], min-tests: 3, allow-skipped: true }'), [
      '<testsuite><testcase name="a [A]"/><testcase name="b [A]"/><testcase name="c [A]"><skipped/></testcase></testsuite>'
    ])
    expect(r.controls[0]?.status).toBe('fail')
    expect(r.controls[0]?.reasons.map((x) => [x.code, x.effect])).toEqual([
      ['tests-skipped-allowed', 'info'],
      ['too-few-passed', 'fail']
    ])
    expect(r.controls[0]?.reasons[1]?.message).toBe('2 matched tests passed; min-tests is 3')
  })

  test('too few matched tests is said even next to a failure, since fixing the failure would not be enough', async () => {
    const r = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }], min-tests: 3 }'), [
      '<testsuite><testcase name="a [A]"/><testcase name="b [A]"><failure/></testcase></testsuite>'
    ])
    expect(r.controls[0]?.reasons.map((x) => x.code)).toEqual(['tests-failed', 'too-few-passed'])
    const enough = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }], min-tests: 2 }'), [
      '<testsuite><testcase name="a [A]"/><testcase name="b [A]"><failure/></testcase></testsuite>'
    ])
    expect(enough.controls[0]?.reasons.map((x) => x.code)).toEqual(['tests-failed'])
  })

  test('a skipped matched test fails the control unless allow-skipped', async () => {
    const report = '<testsuite><testcase name="a [A]"/><testcase name="b [A]"><skipped/></testcase></testsuite>'
    const strict = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }] }'), [report])
    expect(strict.controls[0]?.status).toBe('fail')
    expect(strict.controls[0]?.reasons[0]?.message).toBe('1 matched test was skipped and allow-skipped is false: b [A]')
    const lenient = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }], allow-skipped: true }'), [report])
    expect(lenient.controls[0]?.status).toBe('pass')
  })

  test('flaky (failed, then passed on re-run): passes and is flagged by default, fails with flaky: fail', async () => {
    const report = '<testsuite><testcase name="a [A]"><flakyFailure message="timeout"/></testcase></testsuite>'
    const lenient = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }] }'), [report])
    expect(lenient.controls[0]).toMatchObject({ status: 'pass', tests: { flaky: 1, passed: 1 } })
    expect(lenient.controls[0]?.reasons.map((x) => x.code)).toEqual(['tests-passed', 'tests-flaky-allowed'])
    const strict = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }], flaky: fail }'), [report])
    expect(strict.controls[0]?.status).toBe('fail')
    expect(strict.controls[0]?.reasons[0]?.code).toBe('tests-flaky')
  })

  test('a test repeated within one report is a re-run: the last case decides, earlier failures make it flaky', async () => {
    const r = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }], flaky: fail }\n  - { id: B, title: t, tests: [{ tag: B }] }'), [
      `<testsuite name="s">
        <testcase classname="k" name="a [A]"><failure/></testcase><testcase classname="k" name="a [A]"><error/></testcase><testcase classname="k" name="a [A]"/>
        <testcase classname="k" name="b [B]"><skipped/></testcase><testcase classname="k" name="b [B]"><failure/></testcase>
      </testsuite>`
    ])
    expect(r.controls[0]).toMatchObject({ status: 'fail', tests: { matched: 1, passed: 1, flaky: 1 } })
    expect(r.controls[1]).toMatchObject({ status: 'fail', tests: { matched: 1, failed: 1 } })
  })

  test('the same test in several reports must pass in every one (matrix shards)', async () => {
    const pass = '<testsuite name="s"><testcase name="a [A]"/></testsuite>'
    const fail = '<testsuite name="s"><testcase name="a [A]"><failure/></testcase></testsuite>'
    const r = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }] }'), [pass, fail, pass])
    expect(r.controls[0]).toMatchObject({ status: 'fail', tests: { matched: 1, failed: 1 } })
    expect(r.controls[0]?.reasons[0]?.tests?.[0]).toMatchObject({ report: 'r1.xml' })
  })

  test('a test skipped on one shard and passed on another counts as passed', async () => {
    const r = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }] }'), [
      '<testsuite name="s"><testcase name="a [A]"><skipped/></testcase></testsuite>',
      '<testsuite name="s"><testcase name="a [A]"/></testsuite>'
    ])
    expect(r.controls[0]).toMatchObject({ status: 'pass', tests: { matched: 1, passed: 1, skipped: 0 } })
  })

  test('a control with both tests and approval needs both: without a change record the approval fails', async () => {
    const r = await evaluateInline(MAP('  - { id: A, title: t, tests: [{ tag: A }], approval: {} }'), ['<testsuite><testcase name="a [A]"/></testsuite>'])
    expect(r.controls[0]?.status).toBe('fail')
    expect(r.controls[0]?.reasons.map((x) => [x.code, x.effect, x.message])).toEqual([
      ['tests-passed', 'pass', '1 of 1 matched tests passed (min-tests 1)'],
      ['no-change-record', 'fail', 'no change record: who wrote and who approved the change is unknown (the action reads it from GitHub; the CLI takes --change FILE)']
    ])
  })
})

describe('waivers', () => {
  const withWaiver = (waiver: string): string => `version: 1
system: s
control-owners: [carol]
controls:
  - { id: A, title: t, tests: [{ tag: A }] }
  - { id: B, title: t, tests: [{ tag: B }] }
waivers:
${waiver}
`
  const failingA = ['<testsuite><testcase name="a [A]"><failure/></testcase><testcase name="b [B]"/></testsuite>']
  const waiver = (fields: string): string =>
    `  - { id: EXC-1, control: A, reason: outage hotfix, incident: INC-1, requested-by: alice, approved-by: carol, expires: "2026-12-05T00:00:00Z"${fields} }`

  test('an unexpired waiver approved by an independent person covers a failing control: allow, status waived', async () => {
    const r = await evaluateInline(withWaiver(waiver('')), failingA, { authors: ['alice', 'bob@example.com'], approvers: ['carol'] })
    expect(r.decision).toBe('allow')
    // The change record makes SOX-GATE-INTEGRITY a row: one map, given as trusted.
    expect(r.counts).toEqual({ controls: 3, passed: 2, failed: 0, waived: 1 })
    expect(r.controls[1]).toMatchObject({ id: 'A', status: 'waived', waiver: 'EXC-1' })
    expect(r.controls[1]?.reasons.at(-1)?.message).toBe('waived by EXC-1 (requested by alice, approved by control owner carol on GitHub, expires 2026-12-05T00:00:00Z, incident INC-1): outage hotfix')
  })

  test('an expired waiver gives no cover', async () => {
    const r = await evaluateInline(withWaiver(waiver('')), failingA, { authors: ['alice'], approvers: ['carol'], now: '2026-12-05T00:00:00Z' })
    expect(r.decision).toBe('block')
    expect(r.controls[1]?.reasons.at(-1)).toMatchObject({ code: 'waiver-expired', message: 'waiver EXC-1 gives no cover: expired at 2026-12-05T00:00:00Z' })
  })

  test('a waiver approved by its requester (any case) gives no cover', async () => {
    const yaml = withWaiver(waiver('').replace('approved-by: carol', 'approved-by: Alice'))
    const r = await evaluateInline(yaml, failingA, { authors: [], approvers: ['Alice'] })
    expect(r.decision).toBe('block')
    expect(r.controls[1]?.reasons.at(-1)?.code).toBe('waiver-self-approved')
  })

  test('a waiver approved by an author of the change gives no cover', async () => {
    const r = await evaluateInline(withWaiver(waiver('')), failingA, { authors: ['CAROL'], approvers: ['carol'] })
    expect(r.decision).toBe('block')
    expect(r.controls[1]?.reasons.at(-1)?.code).toBe('waiver-approved-by-author')
  })

  test('without a change record the approver cannot be shown independent: no cover (fail closed)', async () => {
    const r = await evaluateInline(withWaiver(waiver('')), failingA)
    expect(r.decision).toBe('block')
    expect(r.controls[0]?.reasons.at(-1)?.code).toBe('waiver-unverifiable')
  })

  test('a waiver for a passing control changes nothing', async () => {
    const r = await evaluateInline(withWaiver(waiver('').replace('control: A', 'control: B')), failingA, { authors: [], approvers: ['carol'] })
    expect(r.controls[2]).toMatchObject({ id: 'B', status: 'pass' })
    expect(r.controls[2]?.waiver).toBeUndefined()
  })
})
