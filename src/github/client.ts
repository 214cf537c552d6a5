import { getOctokit } from '@actions/github'
import { defaults } from '@actions/github/lib/utils'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'

export type GitHubClient = ReturnType<typeof getOctokit> & ReturnType<typeof retry> & ReturnType<typeof throttling>

export interface ClientOptions {
  token: string
  /** GITHUB_API_URL: api.github.com, or a GitHub Enterprise Server's /api/v3. */
  baseUrl: string
  warn: (message: string) => void
  /** Seconds of rate-limit wait the gate accepts before giving up (and failing closed). */
  maxRateLimitWait?: number
  /** Milliseconds one request may take; default 30 s. */
  timeoutMs?: number
}

/**
 * Octokit with retries (5xx, network) and rate-limit handling. A rate limit that would take
 * longer than `maxRateLimitWait` is not waited out: the request fails, and with it the
 * evaluation of whatever needed it — a block, never an allow.
 */
export function createClient(options: ClientOptions): GitHubClient {
  const maxWait = options.maxRateLimitWait ?? 60
  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
    if (retryCount < 1 && retryAfter <= maxWait) {
      options.warn(`GitHub ${kind} rate limit on ${request.method} ${request.url}: retrying in ${retryAfter} s`)
      return true
    }
    return false
  }
  // getOctokit, as every official action: its fetch goes through @actions/http-client's proxy
  // dispatcher (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, decided for GITHUB_API_URL, the one API host
  // the gate talks to). The deadline wraps that fetch, it does not replace it.
  return getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      userAgent: 'sox-gate',
      retry: { retries: RETRIES, retryAfterBaseValue: retryBaseMs() },
      throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
      request: { fetch: apiFetch(options.timeoutMs) }
    },
    retry,
    throttling
  ) as GitHubClient
}

/**
 * fetch as every request to the API makes it: through the proxy decided for GITHUB_API_URL, with
 * the per-request deadline. For callers outside Octokit's client (the GitHub App's token exchange).
 */
export function apiFetch(timeoutMs?: number): typeof globalThis.fetch {
  const proxyFetch = (defaults.request as { fetch: typeof fetch }).fetch
  return fetchWithTimeout(timeoutMs ?? requestTimeoutMs(), proxyFetch)
}

const RETRIES = 3
/** How long one request may take, answer included, before it counts as failed (and is retried). */
export const REQUEST_TIMEOUT_MS = 30_000

/** The per-request timeout: 30 s, or (for tests, undocumented) SOX_GATE_HTTP_TIMEOUT_MS. */
function requestTimeoutMs(): number {
  const fromEnv = Number(process.env.SOX_GATE_HTTP_TIMEOUT_MS)
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : REQUEST_TIMEOUT_MS
}

/** Octokit waits (n + 1)² × this between retries; tests (undocumented) shorten it with SOX_GATE_HTTP_RETRY_BASE_MS. */
function retryBaseMs(): number {
  const fromEnv = Number(process.env.SOX_GATE_HTTP_RETRY_BASE_MS)
  return Number.isFinite(fromEnv) && fromEnv >= 0 && process.env.SOX_GATE_HTTP_RETRY_BASE_MS !== '' ? fromEnv : 1000
}

/** A request that got no (complete) answer in time. Not an AbortError: Octokit retries it as a network error. */
export class RequestTimeout extends Error {
  constructor(
    readonly timeoutMs: number,
    /** Not sent: earlier requests of this run already timed out. */
    readonly skipped = false
  ) {
    super(`no answer within ${timeoutMs / 1000} s${skipped ? ' (GitHub stopped answering this run: not asked again)' : ''}`)
    this.name = 'RequestTimeout'
  }
}

/**
 * fetch with a deadline on every request, the body included: a server that accepts the
 * connection and never answers would otherwise hold the job until its 6-hour limit.
 */
function fetchWithTimeout(timeoutMs: number, fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  // A GitHub that gave no answer for 30 s is not asked again and again: after one request timed
  // out, the rest fail at once (after Octokit's short retry waits), so a run against a silent API
  // blocks in about a minute and a half rather than waiting out every retry of every call.
  let timedOut = false
  return async (input, init) => {
    if (timedOut) throw new RequestTimeout(timeoutMs, true)
    const deadline = AbortSignal.timeout(timeoutMs)
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline
    try {
      const response = await fetch(input, { ...init, signal })
      // Read the body under the same deadline, so a response that stalls half-way times out too
      // (Octokit would read a failed body as an empty one: a list of commits with none in it).
      const body = await response.arrayBuffer()
      const nullBody = response.status === 204 || response.status === 205 || response.status === 304
      const copy = new Response(nullBody ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers })
      Object.defineProperty(copy, 'url', { value: response.url })
      return copy
    } catch (e) {
      if (deadline.aborted) {
        timedOut = true
        throw new RequestTimeout(timeoutMs)
      }
      throw e
    }
  }
}

/** One line for an API failure: what was asked and what GitHub answered. */
export function describeApiError(e: unknown): string {
  const err = e as { status?: number; message?: string; cause?: unknown; request?: { method?: string; url?: string }; response?: { headers?: Record<string, string>; data?: { message?: unknown } } }
  const where = err.request?.method && err.request.url ? `${err.request.method} ${new URL(err.request.url).pathname}` : 'GitHub API'
  if (err.cause instanceof RequestTimeout) return `${where}: timed out: ${err.cause.message}`
  const remaining = err.response?.headers?.['x-ratelimit-remaining']
  const limit = remaining === '0' ? ' (rate limit exhausted)' : ''
  // GitHub's own message; Octokit's error message would append the documentation URL.
  const apiMessage = typeof err.response?.data?.message === 'string' ? err.response.data.message : (err.message ?? String(e))
  return `${where}: ${err.status ?? 'error'} ${apiMessage.split('\n', 1)[0]}${limit}`
}
