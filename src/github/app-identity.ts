import { createAppAuth } from '@octokit/auth-app'
import { request } from '@octokit/request'
import { ConfigError } from '../errors.js'
import { apiFetch, describeApiError } from './client.js'

/** Who posts the check run (SPEC §13): a GitHub App the change cannot borrow, or the github-token. */
export type CheckPoster = { kind: 'app'; slug: string; appId: number; installationId: number } | { kind: 'token' }

export interface AppCredentials {
  appId: string
  privateKey: string
}

/**
 * An installation token of the GitHub App for this one repository, with `checks: write` only:
 * the App's JWT (signed with its private key) finds the App's installation on the repository, and
 * that installation mints the token. Any failure is a configuration error: a check that cannot be
 * posted by the App is never posted by another identity instead.
 */
export async function appToken(credentials: AppCredentials, where: { owner: string; repo: string; apiUrl: string }): Promise<{ token: string; poster: CheckPoster }> {
  const api = request.defaults({ baseUrl: where.apiUrl.replace(/\/+$/, ''), headers: { 'user-agent': 'sox-gate' }, request: { fetch: apiFetch() } })
  const auth = createAppAuth({ appId: credentials.appId, privateKey: normalisePem(credentials.privateKey), request: api })
  try {
    const { token: jwt } = await auth({ type: 'app' })
    const { data: installation } = await api('GET /repos/{owner}/{repo}/installation', { owner: where.owner, repo: where.repo, headers: { authorization: `bearer ${jwt}` } })
    const minted = await auth({ type: 'installation', installationId: installation.id, repositoryNames: [where.repo], permissions: { checks: 'write' } })
    return { token: minted.token, poster: { kind: 'app', slug: installation.app_slug, appId: installation.app_id, installationId: installation.id } }
  } catch (e) {
    const why = (e as { status?: number }).status !== undefined ? describeApiError(e) : (e as Error).message.split('\n')[0]
    throw ConfigError.at('app-id', `cannot get a token of GitHub App ${credentials.appId} for ${where.owner}/${where.repo}: ${why} (is the App installed on the repository, with checks: write, and is app-private-key its key?)`)
  }
}

/** A key pasted into a secret with its line breaks written as `\n` is still the key. */
function normalisePem(key: string): string {
  return key.includes('\\n') && !key.includes('\n') ? key.replace(/\\n/g, '\n') : key
}
