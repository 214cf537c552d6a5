import type { ChangeRecord } from '../../src/change/model.js'
import { loadControlMap } from '../../src/controls/load.js'
import { Evaluation } from '../../src/engine/evaluate.js'
import type { GateResult } from '../../src/engine/result.js'
import type { TestCase } from '../../src/reports/model.js'
import { readTextCases } from './read.js'

/** Evaluates inline JUnit reports (one string per report) against an inline control map. */
export async function evaluateInline(mapYaml: string, reports: string[], options: { now?: string; authors?: string[]; approvers?: string[]; change?: ChangeRecord } = {}): Promise<GateResult> {
  const map = loadControlMap(mapYaml, 'map.yml')
  const change = options.change ?? (options.authors ? changeWrittenBy(options.authors, options.approvers) : undefined)
  const evaluation = new Evaluation({ map, now: new Date(options.now ?? '2026-11-22T12:00:00Z'), change })
  for (const [i, xml] of reports.entries()) {
    evaluation.beginReport()
    const { cases, stats } = await readTextCases(xml, `r${i}.xml`, 4096)
    for (const tc of cases) evaluation.addCase(tc)
    evaluation.endReport(`r${i}.xml`, stats.crashes)
  }
  return evaluation.finish([])
}

export function testCase(partial: Partial<TestCase> & { name: string }): TestCase {
  return { report: 'r.xml', line: 1, suite: '', classname: '', status: 'passed', properties: [], tags: [], attempts: ['passed'], ...partial }
}

/** A merged pull request whose commits were written by `authors` (logins, or e-mails of unlinked people), approved on its head by `approvers`. */
export function changeWrittenBy(authors: string[], approvers: string[] = []): ChangeRecord {
  return {
    version: 1,
    repository: 'acme/ledger',
    sha: 'f'.repeat(40),
    event: 'push',
    pullRequest: { number: 1, author: { login: authors[0] ?? 'someone', type: 'User' }, headSha: 'e'.repeat(40) },
    commits: authors.map((a, i) => ({
      sha: String(i).repeat(40).slice(0, 40),
      author: a.includes('@') ? { email: a } : { email: `${a}@example.com`, account: { login: a, type: 'User' } },
      committer: { email: 'noreply@github.com', account: { login: 'web-flow', type: 'User' } },
      coAuthors: []
    })),
    commitsComplete: true,
    reviews: approvers.map((login, i) => ({ id: i + 1, user: { login, type: 'User' }, state: 'APPROVED' as const, commitId: 'e'.repeat(40), submittedAt: '2026-11-20T10:00:00Z' })),
    problems: []
  }
}
