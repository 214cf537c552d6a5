import type { ControlMap } from '../controls/model.js'
import type { GateResult } from '../engine/result.js'

/**
 * The `--format json` object (SPEC §5), also `decision.json` in the evidence bundle. `mode` is in
 * it since manifestVersion 2; without one (re-rendering a version 1 bundle) it is left out, as then.
 */
export function decisionObject(map: ControlMap, result: GateResult, mode?: 'enforce' | 'report-only'): Record<string, unknown> {
  return {
    decision: result.decision,
    ...(mode ? { mode } : {}),
    evaluatedAt: result.evaluatedAt,
    emergency: result.emergency,
    trust: result.trust,
    ...(result.range ? { range: result.range } : {}),
    system: map.system,
    controlMap: map.file,
    counts: result.counts,
    controls: result.controls.map((c) => ({
      id: c.id,
      title: c.title,
      key: c.key,
      status: c.status,
      ...(c.waiver ? { waiver: c.waiver } : {}),
      ...(c.emergency ? { emergency: true } : {}),
      reasons: mode ? c.reasons : c.reasons.map(asVersion1),
      tests: c.tests
    })),
    reports: result.reports,
    totals: result.totals
  }
}

/**
 * A reason as a version 1 bundle rendered it: a test that passed on a re-run was listed without
 * the message of its failed attempt (the JUnit reader has kept that message since version 2).
 */
function asVersion1(r: GateResult['controls'][number]['reasons'][number]): typeof r {
  if (r.code !== 'tests-flaky-allowed' || !r.tests) return r
  return { ...r, tests: r.tests.map(({ message: _, ...t }) => t) }
}
