import { describeWhen } from './helpers/prerequisites.js'
import { ghCommit, ghPull, ghReview, BASE_SHA, type GitPerson, type Scenario } from './helpers/fake-github.js'
import { startFakeResults } from './helpers/fake-results.js'
import { API_HOST, proxyUnavailable, RESULTS_HOST, startForwardProxy, type ForwardProxy } from './helpers/forward-proxy.js'
import { runGateScenario } from './helpers/gate-run.js'

// Behind a corporate proxy (issue 15): every API call and the artifact upload go through
// HTTPS_PROXY / HTTP_PROXY, as @actions/http-client routes them; NO_PROXY sends them direct.
// The evidence is the proxy's own log (Debian's tinyproxy), not anything our code says.
const HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
const T1 = '2026-11-20T10:00:00Z'
const alice: GitPerson = { name: 'Alice', email: 'alice@acme.example', login: 'alice' }
const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ tag: CM-01 }] }
  - { id: CM-02, title: Changes are approved by someone other than their authors, approval: {} }
`
const REPORT = '<testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>'
const PR_EVENT = { action: 'synchronize', number: 42, pull_request: { number: 42, head: { sha: HEAD }, base: { sha: BASE_SHA } } }
const approved = (): Scenario => ({ pulls: { 42: { pr: ghPull(42, 'alice', HEAD, 1), reviews: [ghReview('carol', 'APPROVED', HEAD, T1)], commits: [ghCommit(HEAD, alice, alice, 'post')] } } })

const unavailable = await proxyUnavailable()
if (unavailable) console.warn(`proxy tests skipped: ${unavailable}`)
const maybe = describeWhen(unavailable)

maybe('behind a forward proxy', () => {
  let proxy: ForwardProxy
  beforeEach(async () => {
    proxy = await startForwardProxy()
  })
  afterEach(async () => {
    await proxy.close()
  })

  test('every API call of a run goes through HTTPS_PROXY / HTTP_PROXY: the proxy logs one tunnel per request the API received', async () => {
    const r = await runGateScenario(approved(), { map: MAP, report: REPORT, payload: PR_EVENT, sha: HEAD, apiHost: API_HOST, env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url } })
    await r.server.close()
    expect(r.outputs.decision).toBe('allow')
    const port = new URL(r.server.url).port
    // The pull request, its reviews, commits, timeline and files, the repository (its default branch), the map at the base, the check run.
    expect(r.server.requests.length).toBe(8)
    expect(proxy.tunnels()).toEqual(Array(r.server.requests.length).fill(`${API_HOST}:${port}`))
  })

  test('NO_PROXY naming the API host sends every call direct: the proxy sees none', async () => {
    const r = await runGateScenario(approved(), { map: MAP, report: REPORT, payload: PR_EVENT, sha: HEAD, apiHost: API_HOST, env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: `localhost,${API_HOST}` } })
    await r.server.close()
    expect(r.outputs.decision).toBe('allow')
    expect(r.server.requests.length).toBe(8)
    expect(proxy.tunnels()).toEqual([])
  })

  test('the evidence upload goes through the same proxy: the results service and the blob store both', async () => {
    const results = await startFakeResults()
    try {
      const resultsUrl = results.url.replace('127.0.0.1', RESULTS_HOST)
      const r = await runGateScenario(approved(), {
        map: MAP,
        report: REPORT,
        payload: PR_EVENT,
        sha: HEAD,
        apiHost: API_HOST,
        inputs: { 'upload-evidence': 'true' },
        env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, ACTIONS_RUNTIME_TOKEN: results.token, ACTIONS_RESULTS_URL: `${resultsUrl}/` }
      })
      await r.server.close()
      expect(r.outputs['artifact-id']).toBe('424242')
      const resultsTunnels = proxy.tunnels().filter((t) => t.startsWith(`${RESULTS_HOST}:`))
      // CreateArtifact, the blob upload, FinalizeArtifact: each request the service saw came through the proxy.
      expect(results.calls.length).toBeGreaterThanOrEqual(3)
      expect(resultsTunnels).toHaveLength(results.calls.length)
    } finally {
      await results.close()
    }
  })
})
