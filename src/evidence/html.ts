import { resolveAuthors } from '../change/identity.js'
import type { ChangeRecord } from '../change/model.js'
import { latestOpinions } from '../engine/approval-control.js'
import { headApprovals } from '../engine/independent-approvals.js'
import type { GateResult } from '../engine/result.js'
import { controlFailures, kindWords, reportPlace, sourcePlace, type FailureRow } from '../render/failures.js'
import { INTEGRITY_CONTROL_ID } from '../controls/protected.js'
import { failingFirst } from '../render/markdown.js'
import { emergencyBanner, headline, PRODUCT_NAME, rangeLines, reportOnlyWords, testsCell, totalsLine, trustLine } from '../render/words.js'
import { esc, inputsTable, inputsV1, type InputsOfRun } from './html-inputs.js'
import type { ManifestVersion } from './manifest.js'
import type { RunMetadata } from './run-metadata.js'

export interface HtmlInputs extends InputsOfRun {
  run: RunMetadata
  toolVersion: string
  /** enforce or report-only, as the manifest records it. */
  mode: 'enforce' | 'report-only'
  /** The bundle's version: a version 1 bundle's page is re-rendered as version 1 drew it. */
  manifestVersion: ManifestVersion
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;margin:2rem auto;max-width:70rem;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
.decision{display:inline-block;font-weight:700;font-size:1.25rem;padding:.3rem .9rem;border-radius:.4rem;color:#fff}
.allow{background:#1a7f37}.block{background:#cf222e}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.pass{color:#1a7f37;font-weight:600}td.fail{color:#cf222e;font-weight:600}td.waived{color:#9a6700;font-weight:600}
ul{margin:0;padding-left:1.1rem}details.tests{margin-top:.3rem}details.tests summary{cursor:pointer;color:#57606a}li.fail{color:#cf222e}li.info{color:#57606a}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem}dt{font-weight:600}dd{margin:0}
.emergency{border:2px solid #bf8700;background:#fff8c5;padding:.5rem .75rem;font-weight:600}
details.failures{margin:.5rem 0}details.failures>summary{cursor:pointer;font-weight:600;color:#cf222e}table.failures{table-layout:fixed}table.failures th:nth-child(1){width:2.5rem}table.failures th:nth-child(2){width:26%}table.failures th:nth-child(4){width:20%}table.failures th:nth-child(5){width:11%}table.failures code{word-break:normal;overflow-wrap:anywhere}table.failures td.message{white-space:pre-wrap;overflow-wrap:anywhere}.jump{margin:.3rem 0 0}
footer{margin-top:2rem;color:#57606a;font-size:12px}
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}tr{break-inside:avoid}.decision{border:2px solid #000;color:#000;background:none}}
`

/** Added in version 2 (after the version 1 sheet, which stays as it was): the report-only notice and the table's legend. */
const CSS_V2 = `.not-enforced{border:2px solid #bf8700;background:#fff8c5;padding:.5rem .75rem;font-weight:600}.legend{color:#57606a;margin:.25rem 0}svg.key{color:#9a6700;vertical-align:-2px;margin-right:.15rem}
`

/**
 * The key-control mark (the job summary's 🔑), drawn inline: an emoji needs a colour-emoji font,
 * which many machines that print or render this page (headless Chromium on a server) do not have.
 */
const KEY_MARK = '<svg class="key" viewBox="0 0 16 16" width="14" height="14" role="img" aria-label="key control"><title>key control</title><circle cx="4.5" cy="8" r="3" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M7.5 8H15M12.5 8v3M10.5 8v2.2" fill="none" stroke="currentColor" stroke-width="1.8"/></svg>'

/** The page an auditor or release manager opens: one file, no network, printable. */
export function renderHtml(x: HtmlInputs): string {
  const { map, result, change, run } = x
  const v1 = x.manifestVersion === 1
  const parts: string[] = []
  parts.push(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`)
  parts.push(`<title>${v1 ? 'SOX gate evidence' : PRODUCT_NAME} — ${esc(map.system)} — ${esc(result.decision.toUpperCase())}</title><style>${CSS}${v1 ? '' : CSS_V2}</style></head><body>`)
  parts.push(`<header><h1>${v1 ? 'SOX change-management gate' : PRODUCT_NAME} — ${esc(map.system)}</h1>`)
  parts.push(`<p><span id="decision" class="decision ${esc(result.decision)}">${esc(result.decision.toUpperCase())}</span> <strong id="headline">${esc(headline(result))}</strong></p>`)
  const banner = emergencyBanner(result)
  if (banner) parts.push(`<p id="emergency" class="emergency" role="alert">⚠ ${esc(banner)}</p>`)
  const trust = trustLine(result)
  if (trust) parts.push(`<p id="trust">${esc(trust)}</p>`)
  if (v1) parts.push(`<p id="mode">Mode: <strong>${esc(x.mode)}</strong>${x.mode === 'report-only' ? (result.decision === 'block' ? ' — the decision is block, but the step did not fail (unless SOX-GATE-INTEGRITY failed)' : ' — a block would not fail the step') : ' — a block fails the step and the required check'}.</p>`)
  else if (x.mode === 'enforce') parts.push('<p id="mode">Mode: <strong>enforce</strong> — a block fails the step and the required check.</p>')
  else parts.push(`<p id="mode" class="not-enforced">Mode: ${esc(reportOnlyWords(result))}.</p>`)
  const t = result.totals
  parts.push(`<p id="totals">${esc(totalsLine(result))}${t.unmapped ? ': they ran, but prove nothing here' : ''}.</p>`)
  parts.push('</header>')
  parts.push('<h2>Run</h2><dl>')
  const runRows: [string, string | null, string?][] = [
    ['Evaluated at', result.evaluatedAt],
    ['Repository', run.repository],
    ['Commit', run.sha, run.sha ? repoUrl(run, `commit/${run.sha}`) : undefined],
    ['Ref', run.ref],
    ['Workflow', run.workflow],
    ['Run', run.runId ? `${run.runId} (attempt ${run.runAttempt ?? '1'})` : null, runUrl(run)],
    ['Actor', run.actor],
    ['Event', run.event],
    ['Control map', map.file]
  ]
  for (const [k, v, href] of runRows) if (v) parts.push(`<dt>${esc(k)}</dt><dd>${link(v, href)}</dd>`)
  parts.push('</dl>')

  parts.push('<h2>Controls</h2>')
  // Version 2 orders and marks the rows as the job summary does: what blocks first, every key control marked.
  if (!v1) parts.push(`<p class="legend">Failing controls first, then waived, then passing, each group in the control map's order, as in the job summary; ${KEY_MARK} marks a key control.</p>`)
  parts.push('<table id="controls"><thead><tr><th>Control</th><th>Status</th><th>Tests</th><th>Reasons</th></tr></thead><tbody>')
  const byId = new Map(map.controls.map((c) => [c.id, c]))
  const ordered = v1 ? result.controls : failingFirst(result.controls)
  for (const r of ordered) {
    const c = byId.get(r.id)
    const key = v1 ? c?.key : r.key
    const meta = [key ? 'key control' : '', c?.type ?? '', c?.sox.length ? `SOX ${c.sox.join(', ')}` : '', !v1 && r.id === INTEGRITY_CONTROL_ID ? "built in: the gate's own integrity" : ''].filter(Boolean).join(' · ')
    const t = r.tests
    const tests = t.matched ? `${t.passed}/${t.matched} passed${t.failed ? `, ${t.failed} failed` : ''}${t.skipped ? `, ${t.skipped} skipped` : ''}${t.flaky ? `, ${t.flaky} flaky` : ''}` : '—'
    const mark = !v1 && key ? `${KEY_MARK} ` : ''
    parts.push(`<tr data-control="${esc(r.id)}"${!v1 && key ? ' data-key="true"' : ''}><td>${mark}<strong>${esc(r.id)}</strong> ${esc(r.title)}${meta ? `<br><small>${esc(meta)}</small>` : ''}</td>`)
    parts.push(`<td class="${esc(r.status)}">${esc(r.status.toUpperCase())}${r.waiver ? `<br><small>${esc(r.waiver)}</small>` : ''}</td><td>${esc(tests)}</td>`)
    const failing = controlFailures(r).length
    const jump = failing ? `<p class="jump"><a href="#failures-${esc(r.id)}">${failing} failing test${failing === 1 ? '' : 's'}: each with its message and place, below</a></p>` : ''
    parts.push(`<td><ul>${r.reasons.map((reason) => `<li class="${esc(reason.effect)}">${esc(reason.message)}</li>`).join('')}</ul>${jump}${provedBy(r)}</td></tr>`)
  }
  parts.push('</tbody></table>')
  parts.push(failingTests(ordered))

  const range = result.range
  if (range) {
    const words = rangeLines(result) as NonNullable<ReturnType<typeof rangeLines>>
    parts.push(`<h2>Deployed range</h2><p id="range">${esc(words.head)}</p>`)
    parts.push('<table id="range-pulls"><thead><tr><th>Pull request</th><th>Author</th><th>Commits</th><th>Approved by</th></tr></thead><tbody>')
    for (const p of range.pullRequests) {
      const label = `#${p.number}${p.title ? ` ${p.title}` : ''}`
      parts.push(`<tr data-pull="${p.number}"><td>${p.url && /^https:\/\//.test(p.url) ? `<a href="${esc(p.url)}">${esc(label)}</a>` : esc(label)}</td><td>${esc(p.author)}</td><td>${p.commits}</td><td class="${p.approvers.length ? 'pass' : 'fail'}">${p.approvers.length ? esc(p.approvers.join(', ')) : 'no independent approval'}</td></tr>`)
    }
    for (const d of range.direct) parts.push(`<tr data-direct="${esc(d.sha)}"><td><code>${esc(d.sha)}</code></td><td>${esc(d.author)}</td><td>1</td><td class="fail">direct push, no review</td></tr>`)
    parts.push('</tbody></table>')
  }

  parts.push('<h2>Change</h2>')
  if (!change) {
    const approvals = map.controls.filter((c) => c.approval).map((c) => c.id)
    parts.push(
      `<p id="no-change">No change record was read (a run outside GitHub, and no <code>--change</code>)${approvals.length ? `: the approval control${approvals.length === 1 ? '' : 's'} ${esc(approvals.join(', '))} fail${approvals.length === 1 ? 's' : ''} for want of one` : ''}${map.waivers.length ? `; the map's waivers cannot give cover without one` : ''}.</p>`
    )
  } else parts.push(changeSection(change, run))

  parts.push('<h2>Waivers</h2>')
  if (map.waivers.length === 0) parts.push('<p>None in the control map.</p>')
  else {
    const used = new Set(result.controls.map((r) => r.waiver).filter(Boolean))
    parts.push('<table id="waivers"><thead><tr><th>Waiver</th><th>Control</th><th>Requested / approved</th><th>Expires</th><th>Used</th><th>Reason</th></tr></thead><tbody>')
    for (const w of map.waivers) {
      parts.push(`<tr><td>${esc(w.id)}${w.incident ? `<br><small>${esc(w.incident)}</small>` : ''}</td><td>${esc(w.control)}</td><td>${esc(w.requestedBy)} / ${esc(w.approvedBy)}</td><td>${esc(w.expires)}</td><td>${used.has(w.id) ? 'yes' : 'no'}</td><td>${esc(w.reason)}${w.compensatingControl ? `<br><small>Compensating: ${esc(w.compensatingControl)}</small>` : ''}</td></tr>`)
    }
    parts.push('</tbody></table>')
  }

  if (v1) parts.push(inputsV1(x))
  else parts.push(inputsTable(x))
  parts.push(`<footer>sox-gate ${esc(x.toolVersion)}. Check this bundle with <code>sox-gate verify &lt;dir&gt;</code>: it recomputes every hash and re-performs the decision from the inputs kept here.</footer>`)
  parts.push('</body></html>\n')
  return parts.join('')
}

/** How many matched tests a control's folded list names: a million names would make a page no browser opens. */
const PROVED_BY_LIMIT = 1_000

/** The tests that matched a control (for a passing one: what proved it), folded away. */
function provedBy(r: GateResult['controls'][number]): string {
  const n = r.matchedTests.length
  if (n === 0) return ''
  const label = `${r.status === 'pass' ? 'The tests that proved it' : 'The tests it matched'} (${n}: ${testsCell(r)})`
  const items = (n > PROVED_BY_LIMIT ? r.matchedTests.slice(0, PROVED_BY_LIMIT) : r.matchedTests).map((t) => `<li><code>${esc(t)}</code></li>`).join('')
  const more = n > PROVED_BY_LIMIT ? `<li class="info">… and ${n - PROVED_BY_LIMIT} more: manifest.json lists all ${n} (controls[].matchedTests)</li>` : ''
  return `<details class="tests"><summary>${esc(label)}</summary><ul>${items}${more}</ul></details>`
}

/** Lists longer than this start folded, so the page still opens on the controls. */
const OPEN_FAILURES = 100

/** Every failing test of every failing or waived control, each with its message and place, one folded list per control. */
function failingTests(controls: readonly GateResult['controls'][number][]): string {
  const perControl = controls.map((c) => ({ c, rows: controlFailures(c) })).filter((x) => x.rows.length > 0)
  if (perControl.length === 0) return ''
  const total = perControl.reduce((n, x) => n + x.rows.length, 0)
  const parts = [`<h2>Failing tests</h2><p id="failures-total">${total} failing test${total === 1 ? '' : 's'} (also in <code>failures.csv</code>). The source place is the report's own (file and line of the test), where it gives one.</p>`]
  for (const { c, rows } of perControl) {
    const label = `${c.id} ${c.title}: ${rows.length} failing test${rows.length === 1 ? '' : 's'}${c.status === 'waived' ? ` (waived: ${c.waiver ?? ''})` : ''}`
    parts.push(`<details class="failures" id="failures-${esc(c.id)}"${rows.length <= OPEN_FAILURES ? ' open' : ''}><summary>${esc(label)}</summary>`)
    parts.push('<table class="failures"><thead><tr><th>#</th><th>Test</th><th>Message</th><th>Source</th><th>Report</th></tr></thead><tbody>')
    for (const [i, row] of rows.entries()) parts.push(failureRow(row, i + 1))
    parts.push('</tbody></table></details>')
  }
  return parts.join('')
}

function failureRow(row: FailureRow, n: number): string {
  const t = row.test
  const kind = row.kind === 'failed' ? '' : `<br><small>${esc(kindWords(row.kind))}</small>`
  const source = sourcePlace(t)
  const report = reportPlace(t)
  return `<tr data-failure="${esc(row.control)}"><td>${n}</td><td><code>${esc(t.name)}</code>${kind}</td><td class="message">${esc(t.message ?? '')}</td><td>${source ? `<code>${esc(source)}</code>` : '—'}</td><td>${report ? `<code>${esc(report)}</code>` : '—'}</td></tr>`
}

/** A link only to an http(s) place the run names (GITHUB_SERVER_URL): never a scheme a report or change controls. */
function link(text: string, href: string | undefined): string {
  return href && /^https?:\/\/[^\s"'<>]+$/.test(href) ? `<a href="${esc(href)}">${esc(text)}</a>` : esc(text)
}

function repoUrl(run: RunMetadata, rest: string): string | undefined {
  return run.serverUrl && run.repository ? `${run.serverUrl.replace(/\/+$/, '')}/${run.repository}/${rest}` : undefined
}

function runUrl(run: RunMetadata): string | undefined {
  return run.runId ? repoUrl(run, `actions/runs/${run.runId}${run.runAttempt ? `/attempts/${run.runAttempt}` : ''}`) : undefined
}

function changeSection(change: ChangeRecord, run: RunMetadata): string {
  const parts: string[] = []
  const pr = change.pullRequest
  if (change.problems.length) parts.push(`<p><strong>Could not be read:</strong> ${change.problems.map(esc).join('; ')}</p>`)
  if (!pr) {
    parts.push(`<p>No pull request brought <code>${esc(change.sha)}</code>: a direct push, not reviewed.</p>`)
    return parts.join('')
  }
  const server = run.serverUrl?.replace(/\/+$/, '')
  const commitUrl = (sha: string): string | undefined => (server ? `${server}/${change.repository}/commit/${sha}` : undefined)
  parts.push(
    `<p id="pull-request">Pull request ${link(`#${pr.number}`, pr.url)} ${esc(pr.title ?? '')}, head <code>${link(pr.headSha, commitUrl(pr.headSha))}</code>, ${change.commits.length} commit(s)${change.commitsComplete ? '' : ' (incomplete list)'}: ${change.commits.map((c) => `<code>${link(c.sha.slice(0, 7), commitUrl(c.sha))}</code>`).join(' ')}.</p>`
  )
  const authors = resolveAuthors(change, ['pr-author', 'commit-authors', 'committers', 'co-authors'])
  parts.push('<table id="authors"><thead><tr><th>Author</th><th>How</th></tr></thead><tbody>')
  for (const a of authors) parts.push(`<tr><td>${esc(a.label)}${a.unlinked ? ' <small>(no GitHub account)</small>' : ''}</td><td>${esc(a.roles.join(', '))}</td></tr>`)
  parts.push('</tbody></table>')
  const opinions = latestOpinions(change.reviews)
  const heads = headApprovals(change)
  parts.push('<table id="approvals"><thead><tr><th>Reviewer</th><th>Latest opinion</th><th>On commit</th><th>At</th><th>Counts?</th></tr></thead><tbody>')
  if (opinions.length === 0) parts.push('<tr><td colspan="5">No approving or blocking review.</td></tr>')
  for (const r of opinions) {
    const login = r.user?.login ?? 'ghost'
    const key = login.toLowerCase()
    const verdict =
      r.state === 'APPROVED'
        ? heads.independent.has(key)
          ? '<td class="pass">counts: an independent approval of the head</td>'
          : `<td class="fail">does not count: ${esc(heads.discounted.get(key) ?? 'not an independent approval')}</td>`
        : r.state === 'CHANGES_REQUESTED'
          ? '<td class="fail">blocks: changes requested and not approved since</td>'
          : `<td>does not count: ${esc(r.state.toLowerCase().replace('_', ' '))}</td>`
    parts.push(`<tr data-reviewer="${esc(login)}"><td>${link(login, server ? `${server}/${login}` : undefined)}${r.user?.type === 'Bot' ? ' <small>(bot)</small>' : ''}</td><td>${esc(r.state)}</td><td><code>${r.commitId ? link(r.commitId, commitUrl(r.commitId)) : ''}</code></td><td>${esc(r.submittedAt)}</td>${verdict}</tr>`)
  }
  parts.push('</tbody></table>')
  if (change.deployment) {
    parts.push(`<p>Deployment approvals${change.deployment.environment ? ` for ${esc(change.deployment.environment)}` : ''}: ${change.deployment.approvals.length ? change.deployment.approvals.map((a) => `${esc(a.user.login)} ${esc(a.state)} (${esc(a.environments.join(', '))})`).join('; ') : 'none'}.</p>`)
  }
  return parts.join('')
}
