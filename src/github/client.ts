import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { Octokit } from '@octokit/rest'

const SoxOctokit = Octokit.plugin(retry, throttling)
export type GitHubClient = InstanceType<typeof SoxOctokit>

export interface ClientOptions {
  token: string
  /** GITHUB_API_URL: api.github.com, or a GitHub Enterprise Server's /api/v3. */
  baseUrl: string
  warn: (message: string) => void
  /** Seconds of rate-limit wait the gate accepts before giving up (and failing closed). */
  maxRateLimitWait?: number
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
  return new SoxOctokit({
    auth: options.token,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: 'sox-gate',
    retry: { retries: 3 },
    throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') }
  })
}

/** One line for an API failure: what was asked and what GitHub answered. */
export function describeApiError(e: unknown): string {
  const err = e as { status?: number; message?: string; request?: { method?: string; url?: string }; response?: { headers?: Record<string, string>; data?: { message?: unknown } } }
  const where = err.request?.method && err.request.url ? `${err.request.method} ${new URL(err.request.url).pathname}` : 'GitHub API'
  const remaining = err.response?.headers?.['x-ratelimit-remaining']
  const limit = remaining === '0' ? ' (rate limit exhausted)' : ''
  // GitHub's own message; Octokit's error message would append the documentation URL.
  const apiMessage = typeof err.response?.data?.message === 'string' ? err.response.data.message : (err.message ?? String(e))
  return `${where}: ${err.status ?? 'error'} ${apiMessage.split('\n', 1)[0]}${limit}`
}
