import type { GitPerson } from './fake-github.js'

// What the deployed-range suites share (SPEC §10, §13): a map with one tested control and one
// approval control, a report that passes the first, and people who commit under their login.

export const SHIPPED_MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - id: CM-01
    title: Entries balance
    tests: [{ tag: CM-01 }]
  - id: CM-02
    title: Changes are approved by someone other than their authors
    approval: {}
`
export const PASSING_REPORT = '<testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>'
/** When every pull request of these suites was approved and merged. */
export const T1 = '2026-11-20T10:00:00Z'
export const person = (login: string): GitPerson => ({ name: login, email: `${login}@acme.example`, login })
