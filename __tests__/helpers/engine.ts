import { loadControlMap } from '../../src/controls/load.js'
import { Evaluation } from '../../src/engine/evaluate.js'
import type { GateResult } from '../../src/engine/result.js'
import type { TestCase } from '../../src/reports/model.js'
import { readTextCases } from './read.js'

/** Evaluates inline JUnit reports (one string per report) against an inline control map. */
export async function evaluateInline(mapYaml: string, reports: string[], options: { now?: string; authors?: string[] } = {}): Promise<GateResult> {
  const map = loadControlMap(mapYaml, 'map.yml')
  const evaluation = new Evaluation({ map, now: new Date(options.now ?? '2026-11-22T12:00:00Z'), changeAuthors: options.authors })
  for (const [i, xml] of reports.entries()) {
    evaluation.beginReport()
    const { cases } = await readTextCases(xml, `r${i}.xml`, 4096)
    for (const tc of cases) evaluation.addCase(tc)
  }
  return evaluation.finish([])
}

export function testCase(partial: Partial<TestCase> & { name: string }): TestCase {
  return { report: 'r.xml', line: 1, suite: '', classname: '', status: 'passed', properties: [], tags: [], attempts: ['passed'], ...partial }
}
