import { PRODUCT_NAME } from '../render/words.js'
import type { Collected } from './collect.js'
import { succeeded } from './decide.js'
import { EXCEPTION_CODES, type AuditException, type AuditOptions, type ExceptionCode } from './model.js'
import type { SampleItem } from './rows.js'
import { TOOL_NAME, TOOL_VERSION } from '../evidence/version.js'

export interface AuditHtmlInputs {
  o: AuditOptions
  c: Collected
  exceptions: AuditException[]
  sample: SampleItem[]
  seed: string
  seedIsDefault: boolean
  wanted: number
  frame: number
  now: Date
  serverUrl: string
}

/** Exceptions listed on the page; exceptions.csv has every one. */
const SHOWN = 500

const esc = (s: string | number | null | undefined): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)

const WHAT: Record<ExceptionCode, string> = {
  'deployed-without-allow': 'reached the environment with no allow from the gate before it',
  'approved-after-deploy': 'allowed or approved only after it reached the environment',
  'evidence-not-intact': 'its evidence does not verify',
  'evidence-missing': 'the allow it relied on has no evidence',
  'emergency-change': 'shipped under an emergency waiver: follow up the compensating control',
  'ledger-gap': "the evidence ledger's chain has a gap or break",
  'gate-config-changed': "the gate's own configuration changed: test who approved it"
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;margin:2rem auto;max-width:78rem;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
.verdict{display:inline-block;font-weight:700;font-size:1.15rem;padding:.3rem .9rem;border-radius:.4rem;color:#fff}.clean{background:#1a7f37}.found{background:#cf222e}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .45rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem}dt{font-weight:600}dd{margin:0}
.code{font-weight:600;white-space:nowrap}.bad{color:#cf222e}.warn{color:#9a6700}.ok{color:#1a7f37}.muted{color:#57606a}
ul{margin:0;padding-left:1.1rem}td{overflow-wrap:anywhere}
table.fixed{table-layout:fixed}#exceptions th:nth-child(1){width:12.5rem}#exceptions th:nth-child(2){width:7rem}#exceptions th:nth-child(3){width:5.5rem}#exceptions th:nth-child(4){width:8rem}#exceptions th:nth-child(5){width:14rem}
#sample th:nth-child(1){width:2rem}#sample th:nth-child(2){width:9rem}#sample th:nth-child(3){width:10rem}#sample th:nth-child(4){width:7rem}#sample th:nth-child(5){width:8rem}#sample th:nth-child(7){width:16rem}
tr.nonzero th,tr.nonzero td{color:#cf222e}footer{margin-top:2rem;color:#57606a;font-size:12px}
@media print{body{margin:0;max-width:none;font-size:10px}h2{break-after:avoid}tr{break-inside:avoid}a{color:inherit;text-decoration:none}.verdict{border:2px solid #000;color:#000;background:none}}
`

/** audit.html: one self-contained, printable page — period, counts, exceptions first, then the sample with its links. */
export function renderAuditHtml(x: AuditHtmlInputs): string {
  const { o, c } = x
  const p: string[] = []
  const repos = c.repositories.map((r) => r.repository).join(', ')
  const period = `${o.from.toISOString()} to ${o.to.toISOString()} (to excluded)`
  p.push(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`)
  p.push(`<title>${PRODUCT_NAME} audit — ${esc(repos)} — ${esc(o.environment)}</title><style>${CSS}</style></head><body>`)
  p.push(`<header><h1>${PRODUCT_NAME} audit: deployments to ${esc(o.environment)}</h1>`)
  p.push(`<p>${esc(repos)} · ${esc(period)}</p>`)
  const n = x.exceptions.length
  p.push(`<p><span id="verdict" class="verdict ${n ? 'found' : 'clean'}">${n ? `${n} EXCEPTION${n === 1 ? '' : 'S'}` : 'NO EXCEPTIONS'}</span></p></header>`)

  const rows = c.rows
  const successful = x.frame
  const fromLedger = rows.filter((r) => r.decision?.source === 'ledger').length
  const fromChecks = rows.filter((r) => r.decision?.source === 'check-run').length
  p.push('<h2>Counts</h2><table id="counts"><tbody>')
  const count = (label: string, value: number | string, id: string, alarm = false): void => void p.push(`<tr data-count="${id}"${alarm ? ' class="nonzero"' : ''}><th scope="row">${esc(label)}</th><td class="num">${esc(value)}</td></tr>`)
  count('Deployments created in the period (population.csv rows)', rows.length, 'population')
  count('… of which reached the environment (a success status): the sampling frame', successful, 'successful')
  count('… whose decision came from the ledger', fromLedger, 'ledger')
  count('… whose decision came from a check run (no --store)', fromChecks, 'check-runs')
  count('… with no gate decision before them', rows.length - fromLedger - fromChecks, 'no-decision', rows.length - fromLedger - fromChecks > 0)
  for (const code of EXCEPTION_CODES) {
    const k = x.exceptions.filter((e) => e.code === code).length
    count(`Exceptions: ${code}`, k, code, k > 0)
  }
  count('Sample: drawn at random', x.sample.filter((s) => s.draw !== undefined).length, 'drawn')
  count('Sample: added on top (exceptions, emergency changes)', x.sample.filter((s) => s.draw === undefined).length, 'added')
  p.push('</tbody></table>')

  p.push(`<h2>Exceptions</h2>`)
  if (n === 0) p.push('<p id="no-exceptions" class="ok">None: every deployment that reached the environment was allowed by the gate before it, its evidence was found and holds, none was an emergency change, the ledger is intact, and the gate\'s configuration did not change.</p>')
  else {
    p.push(`<table id="exceptions" class="fixed"><thead><tr><th>Code</th><th>Repository</th><th>Deployment</th><th>When</th><th>Subject</th><th>Finding</th></tr></thead><tbody>`)
    for (const e of x.exceptions.slice(0, SHOWN)) {
      p.push(`<tr data-code="${esc(e.code)}"><td class="code ${e.code === 'emergency-change' || e.code === 'gate-config-changed' ? 'warn' : 'bad'}" title="${esc(WHAT[e.code])}">${esc(e.code)}</td><td>${esc(e.repository)}</td><td>${esc(e.deploymentId ?? '')}</td><td>${esc(e.at)}</td><td>${esc(e.subject)}</td><td>${esc(e.finding)}</td></tr>`)
    }
    p.push('</tbody></table>')
    if (n > SHOWN) p.push(`<p class="muted">The first ${SHOWN} of ${n}: exceptions.csv lists every one.</p>`)
    p.push(`<ul class="muted">${[...new Set(x.exceptions.map((e) => e.code))].map((code) => `<li><strong>${esc(code)}</strong>: ${esc(WHAT[code])}</li>`).join('')}</ul>`)
  }

  p.push(`<h2>Sample</h2>`)
  p.push(`<p id="sample-rule">${esc(x.sample.filter((s) => s.draw !== undefined).length)} of ${esc(successful)} successful deployments drawn at random (${o.sample.kind === 'count' ? `--sample ${o.sample.n}` : `${Math.round(o.sample.confidence * 1000) / 10} % confidence, ${Math.round(o.sample.rate * 1000) / 10} % tolerable deviation rate, no deviation expected: n = ⌈ln(1 − ${o.sample.confidence}) / ln(1 − ${o.sample.rate})⌉ = ${x.wanted}`}), seed <code>${esc(x.seed)}</code>${x.seedIsDefault ? ' (the sha256 of population.csv)' : ' (--seed)'}; every exception and emergency change is added on top. docs/audit.md shows how to re-draw it by hand.</p>`)
  if (x.sample.length === 0) p.push('<p class="muted">Empty: no deployment reached the environment in the period.</p>')
  else {
    p.push('<table id="sample" class="fixed"><thead><tr><th>#</th><th>Why</th><th>Deployment</th><th>Commit</th><th>Gate decision</th><th>Evidence</th><th>Pull requests</th></tr></thead><tbody>')
    for (const [i, s] of x.sample.entries()) {
      const r = s.row
      const d = r.fact
      const ok = succeeded(d)
      const dec = r.decision
      const ev = s.verified ?? r.evidence
      const why = [s.draw !== undefined ? `drawn (${s.draw})` : '', ...s.added].filter(Boolean).join('; ')
      const decision = dec ? `<span class="${dec.decision === 'allow' ? 'ok' : 'bad'}">${esc(dec.decision.toUpperCase())}</span> ${esc(dec.at ?? '')}<br><small>${esc(dec.source === 'ledger' ? `ledger entry ${dec.ref}` : `check run ${dec.ref}`)}</small>` : '<span class="bad">none</span>'
      const status = ev ? { verified: 'bundle verified at every level', 'store-checked': 'bundle as stored (store checks)', 'not-intact': 'bundle NOT INTACT', missing: 'no bundle', 'not-read': 'bundle not read (no --store)' }[ev.status] : ''
      const command = ev?.location.startsWith('s3://') ? `<br><small>re-check: <code>sox-gate verify ${esc(ev.location)}${dec?.manifestSha256 ? ` --expect-sha256 ${esc(dec.manifestSha256)}` : ''}</code></small>` : ev ? `<br>${link(ev.location, ev.location)}` : ''
      const evidence = ev ? `<span class="${ev.status === 'verified' || ev.status === 'store-checked' ? 'ok' : ev.status === 'not-read' ? 'muted' : 'bad'}">${esc(status)}</span>${command}${ev.detail && ev.status !== 'verified' && ev.status !== 'store-checked' ? `<br><small>${esc(ev.detail)}</small>` : ''}` : '—'
      const prs = (r.evidence?.pullRequests ?? []).map((pr) => `<li>${link(`#${pr.number}`, pr.url ?? `${x.serverUrl}/${d.repository}/pull/${pr.number}`)} by ${esc(pr.authors.join(', '))}; ${pr.approvals.length ? `approved by ${esc(pr.approvals.map((a) => `${a.login} (${a.at ?? '?'})`).join(', '))}` : '<span class="bad">no independent approval</span>'}</li>`)
      p.push(`<tr data-deployment="${esc(d.id)}"><td class="num">${i + 1}</td><td>${esc(why)}</td><td>${esc(d.repository)} ${esc(d.id)}<br><small>created ${esc(d.createdAt)} by ${esc(d.creator)}; ${ok ? `succeeded ${esc(ok.at)}` : `not successful (${esc(d.latest?.state ?? 'no status')})`}</small></td><td>${link(d.sha.slice(0, 12), `${x.serverUrl}/${d.repository}/commit/${d.sha}`)}<br><small>${esc(d.ref)}</small></td><td>${decision}</td><td>${evidence}</td><td>${prs.length ? `<ul>${prs.join('')}</ul>` : '<span class="muted">none recorded</span>'}</td></tr>`)
    }
    p.push('</tbody></table>')
  }

  p.push('<h2>Gate configuration changes</h2>')
  const changes = c.repositories.flatMap((r) => r.configChanges.map((ch) => ({ r, ch })))
  const followed = c.repositories.map((r) => (r.defaultBranch ? `${r.repository} (${r.defaultBranch}): ${r.protectedGlobs.join(', ')}` : `${r.repository}: not read — it has no default branch, so no commits`)).join('; ')
  if (changes.length === 0) p.push(`<p id="no-config-changes">None landed on the default branch in the period. Followed: ${esc(followed)}.</p>`)
  else {
    p.push('<table id="config-changes"><thead><tr><th>Repository</th><th>Change</th><th>Landed</th><th>Paths</th><th>Control owner who approved it</th></tr></thead><tbody>')
    for (const { r, ch } of changes) {
      const change = ch.pullRequest ? link(`#${ch.pullRequest}`, `${x.serverUrl}/${r.repository}/pull/${ch.pullRequest}`) : link(ch.id.slice(0, 12), `${x.serverUrl}/${r.repository}/commit/${ch.id}`)
      p.push(`<tr><td>${esc(r.repository)}</td><td>${change}</td><td>${esc(ch.landedAt)}</td><td>${esc(ch.paths.join(', '))}</td><td>${ch.approvedBy.length ? `<span class="ok">${esc(ch.approvedBy.join(', '))}</span>` : `<span class="bad">none</span>`}<br><small>${esc(ch.finding)}</small></td></tr>`)
    }
    p.push(`</tbody></table><p class="muted">Followed: ${esc(followed)}.</p>`)
  }

  p.push('<h2>Completeness and accuracy</h2><table id="reconciliation"><thead><tr><th>Repository</th><th>Deployments listed by GitHub (environment, all time)</th><th>Read</th><th>Read, created before or after the period</th><th>In the period</th><th>Population rows</th><th>Ledger entries (written in the period)</th><th>Ledger entries relied on</th></tr></thead><tbody>')
  for (const r of c.repositories) {
    const rowsOf = c.rows.filter((row) => row.fact.repository === r.repository).length
    p.push(`<tr><td>${esc(r.repository)}</td><td class="num">${esc(r.read.totalCount)}</td><td class="num">${esc(r.read.received)}</td><td class="num">${esc(r.read.older + r.read.newer)}</td><td class="num">${esc(r.read.inPeriod)}</td><td class="num ${rowsOf === r.read.inPeriod ? 'ok' : 'bad'}">${esc(rowsOf)}</td><td class="num">${r.ledger ? `${esc(r.ledger.entries)} (${esc(r.ledger.inPeriod.allow + r.ledger.inPeriod.block)})` : '—'}</td><td class="num">${r.ledger ? esc(r.ledger.relied) : '—'}</td></tr>`)
  }
  p.push('</tbody></table><p class="muted">audit.json records every query (endpoint, parameters, pages, counts by status) and the request count.</p>')

  p.push(`<footer>${esc(TOOL_NAME)} ${esc(TOOL_VERSION)} · generated ${esc(x.now.toISOString())} · ${esc(o.store ? `store ${o.store.bucket}/${o.store.prefix}` : 'no --store: decisions from check runs, bundles not read')} · verify: ${esc(o.verify)} · every file of this folder is sealed by its manifest.json: check them with <code>sox-gate verify THIS-FOLDER</code></footer>`)
  p.push('</body></html>\n')
  return p.join('\n')
}

function link(text: string, href: string): string {
  return /^https?:\/\//.test(href) ? `<a href="${esc(href)}">${esc(text)}</a>` : esc(text)
}
