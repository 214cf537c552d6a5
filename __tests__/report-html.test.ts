import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ROOT } from './helpers/corpus.js'
import { runCli, workspace } from './helpers/run.js'

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
/** Named so a skipped run says why in the test list. */
const describeBrowser = CHROMIUM ? describe : describe.skip
// Said where it is seen: a skipped suite's name does not show in jest's summary.
if (!CHROMIUM) console.warn('report.html browser tests skipped: chromium is not installed (apt-get install chromium; .ci/run installs it)')

function chromium(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const profile = mkdtempSync(path.join(tmpdir(), 'sox-chromium-'))
  // Flags that keep Chromium off the network (this machine has none) and out of sandbox/GPU trouble as root.
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`]
  const r = spawnSync(CHROMIUM as string, [...flags, ...args], { encoding: 'utf8', timeout: 60_000 })
  return { stdout: r.stdout, stderr: r.stderr, status: r.status }
}

describeBrowser(`report.html in a real browser (${CHROMIUM ?? 'chromium not installed: apt-get install chromium'})`, () => {
  const ev = path.join(workspace({}), 'ev')
  beforeAll(() => {
    const r = runCli(['check', '--controls', 'examples/sox-controls.yml', '--change', 'examples/change.json', '--now', '2026-11-22T12:00:00Z', '--evidence', ev], ROOT)
    expect(r.code).toBe(0)
  })

  test('the rendered DOM holds the decision, every control, the authors and approvers, and the input hashes', () => {
    const r = chromium(['--dump-dom', `file://${path.join(ev, 'report.html')}`])
    expect(r.status).toBe(0)
    const dom = r.stdout
    expect(dom).toMatch(/<span id="decision" class="decision allow">ALLOW<\/span>/)
    // The example's change record names the map that judged it: SOX-GATE-INTEGRITY is a row too.
    expect(dom).toContain('ALLOW: 5 of 5 controls passed, 0 failed, 0 waived')
    for (const id of ['SOX-GATE-INTEGRITY', 'CM-01', 'CM-03', 'CM-04', 'CM-02']) expect(dom).toContain(`<tr data-control="${id}">`)
    expect(dom).toContain('<p id="trust">Judged by the trusted control map (base 2b9e4a7 of pull request #1287;')
    // From examples/change.json: alice opened and wrote it, bo co-authored the head commit, carol approved the head.
    expect(dom).toMatch(/<table id="authors">.*<td>alice<\/td><td>PR author, author of 8e7d6c5, committer of 8e7d6c5, author of 4f1d2c3<\/td>.*<td>bo<\/td><td>co-author of 4f1d2c3<\/td>/s)
    expect(dom).toMatch(/<table id="approvals">.*<td>bo<\/td><td>APPROVED<\/td>.*<td>carol<\/td><td>APPROVED<\/td><td><code>4f1d2c3b5a69788796a5b4c3d2e1f00112233445<\/code>/s)
    const mapHash = createHash('sha256').update(readFileSync(path.join(ROOT, 'examples/sox-controls.yml'))).digest('hex')
    expect(dom).toContain(`<code>${mapHash}</code>`)
    // Self-contained: nothing to fetch.
    expect(readFileSync(path.join(ev, 'report.html'), 'utf8')).not.toMatch(/<(script|link|img)\b|https?:\/\/(?!github\.com\/acme)/i)
  })

  test('it renders to a page-sized screenshot', () => {
    const png = path.join(path.dirname(ev), 'report.png')
    const r = chromium(['--window-size=1280,1600', `--screenshot=${png}`, `file://${path.join(ev, 'report.html')}`])
    expect(r.status).toBe(0)
    const bytes = readFileSync(png)
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(bytes.readUInt32BE(16)).toBe(1280)
    expect(statSync(png).size).toBeGreaterThan(20_000)
  })
})
