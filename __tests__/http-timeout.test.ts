import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { runAction } from './helpers/action.js'
import { workspace } from './helpers/run.js'

const MAP = `version: 1
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
const HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'

/** A "GitHub API" that accepts every connection and never says a word. */
async function silentServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets: Socket[] = []
  const server: Server = createServer((socket) => {
    sockets.push(socket)
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => sockets.length,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  }
}

describe('every GitHub request has a timeout (SPEC §12)', () => {
  test('an API that accepts the connection and never answers: the action blocks, naming the call that timed out', async () => {
    const api = await silentServer()
    try {
      const dir = workspace({
        '.github/sox-controls.yml': MAP,
        'reports/r.xml': '<testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>',
        'event.json': JSON.stringify({ action: 'synchronize', number: 42, pull_request: { number: 42, head: { sha: HEAD } } })
      })
      const started = Date.now()
      const r = await runAction(dir, { 'github-token': 'ghs_faketoken', 'upload-evidence': 'false' }, {
        GITHUB_API_URL: api.url,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/ledger',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: path.join(dir, 'event.json'),
        GITHUB_SHA: HEAD,
        GITHUB_RUN_ID: '4242',
        GITHUB_RUN_ATTEMPT: '1',
        SOX_GATE_HTTP_TIMEOUT_MS: '500',
        SOX_GATE_HTTP_RETRY_BASE_MS: '50'
      })
      const seconds = (Date.now() - started) / 1000
      expect(seconds).toBeLessThan(120)
      expect(r.outputs.decision).toBe('block')
      // It ended by itself (the helper kills it after 60 s), failing the step.
      expect([1, 2]).toContain(r.code)
      expect(seconds).toBeLessThan(55)
      // The first call the change needs is the pull request: one line names it and says it timed out.
      const timedOut = r.stdout.split('\n').filter((l) => l.includes('timed out'))
      expect(timedOut.length).toBeGreaterThan(0)
      expect(timedOut.join('\n')).toMatch(/GET \/repos\/acme\/ledger\/pulls\/42: timed out: no answer within 0\.5 s/)
      // After the first timeout GitHub is not asked again: not 4 attempts of each of the run's calls
      // (the pull request, its files, the map, the check run), but the one that timed out.
      expect(api.connections()).toBeLessThanOrEqual(2)
      expect(r.stdout).toContain('(GitHub stopped answering this run: not asked again)')
    } finally {
      await api.close()
    }
  }, 130_000)
})
