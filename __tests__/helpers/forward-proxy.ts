import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { lookup } from 'node:dns/promises'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

/**
 * Names the proxy tests reach the fake servers by: not literal loopback addresses, which
 * @actions/http-client never proxies. `.ci/run` maps them to 127.0.0.1 in /etc/hosts.
 */
export const API_HOST = 'github.sox-gate.test'
export const RESULTS_HOST = 'results.sox-gate.test'

/** Why the proxy tests cannot run here, or undefined when they can. */
export async function proxyUnavailable(): Promise<string | undefined> {
  if (spawnSync('tinyproxy', ['-v']).error) return 'tinyproxy is not installed (Debian package tinyproxy; .ci/run installs it)'
  for (const host of [API_HOST, RESULTS_HOST]) {
    const address = await lookup(host).then((a) => a.address).catch(() => undefined)
    if (address !== '127.0.0.1') return `${host} does not resolve to 127.0.0.1 (.ci/run adds it to /etc/hosts)`
  }
  return undefined
}

export interface ForwardProxy {
  url: string
  /**
   * host:port of every request the proxy carried, from its own log: a CONNECT tunnel (undici
   * opens one per request, without keep-alive) or a plain forwarded request (the Azure SDK's, for http).
   */
  tunnels(): string[]
  /** The proxy's log, whole. */
  log(): string
  close(): Promise<void>
}

/** Debian's tinyproxy, a real forward proxy, on a free loopback port with its own log. */
export async function startForwardProxy(): Promise<ForwardProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sox-proxy-'))
  const port = await freePort()
  const log = path.join(dir, 'tinyproxy.log')
  writeFileSync(path.join(dir, 'tinyproxy.conf'), [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 60', `LogFile "${log}"`, 'LogLevel Connect', 'MaxClients 100', 'Allow 127.0.0.1', 'DisableViaHeader Yes', ''].join('\n'))
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', path.join(dir, 'tinyproxy.conf')], { stdio: 'ignore' })
  await waitForPort(port)
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => readFileSync(log, 'utf8'),
    tunnels: () => [...readFileSync(log, 'utf8').matchAll(/Request \(file descriptor \d+\): (?:CONNECT (\S+)|[A-Z]+ http:\/\/([^/\s]+)\S*) HTTP/g)].map((m) => (m[1] ?? m[2]) as string),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      })
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (up) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`tinyproxy did not listen on port ${port}`)
}
