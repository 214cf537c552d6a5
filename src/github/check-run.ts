import type { CheckRunContent } from '../render/check-run.js'
import { describeApiError, type GitHubClient } from './client.js'

const BATCH = 50

export interface PublishedCheck {
  url?: string
  /** The App GitHub says the check run belongs to (`github-actions` for any GITHUB_TOKEN). */
  app?: string
  /** Set when the check run could not be written; the step's own result still carries the decision. */
  warning?: string
}

/**
 * Creates the check run with its first 50 annotations and appends the rest 50 at a time (GitHub
 * takes at most 50 per request). Never throws: a token that cannot write checks (fork pull
 * requests get a read-only one) is a warning, and the decision stands. `externalId` is the
 * evidence bundle's manifest sha256: an audit (SPEC §14) binds the check to its bundle by it.
 */
export async function publishCheckRun(client: GitHubClient, target: { owner: string; repo: string; sha: string; name: string; detailsUrl?: string; externalId?: string }, content: CheckRunContent): Promise<PublishedCheck> {
  const output = (annotations: CheckRunContent['annotations']) => ({ title: content.title, summary: content.summary, text: content.text, annotations })
  let url: string | undefined
  try {
    const { data } = await client.rest.checks.create({
      owner: target.owner,
      repo: target.repo,
      name: target.name,
      head_sha: target.sha,
      status: 'completed',
      conclusion: content.conclusion,
      ...(target.detailsUrl ? { details_url: target.detailsUrl } : {}),
      ...(target.externalId ? { external_id: target.externalId } : {}),
      output: output(content.annotations.slice(0, BATCH))
    })
    url = data.html_url ?? undefined
    const app = data.app?.slug ?? undefined
    for (let i = BATCH; i < content.annotations.length; i += BATCH) {
      await client.rest.checks.update({ owner: target.owner, repo: target.repo, check_run_id: data.id, output: output(content.annotations.slice(i, i + BATCH)) })
    }
    // The summary names who posted the check; GitHub's answer wins where it differs from what was assumed.
    if (content.summaryAs && app && app !== content.summaryAs.assumed) {
      await client.rest.checks.update({ owner: target.owner, repo: target.repo, check_run_id: data.id, output: { title: content.title, summary: content.summaryAs.render(app), text: content.text } })
    }
    return { url, app }
  } catch (e) {
    const status = (e as { status?: number }).status
    const why = status === 403 || status === 404 ? ' — the token cannot write checks (it needs `checks: write`; pull requests from forks only get a read-only token)' : ''
    return { url, warning: `could not publish the check run "${target.name}": ${describeApiError(e)}${why}. The step's result still carries the decision.` }
  }
}
