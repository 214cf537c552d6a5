import { resolveAuthors, type Author } from '../change/identity.js'
import type { ChangeRecord } from '../change/model.js'
import { latestOpinions, withoutWriteAccess } from './approval-control.js'
import { reviewedBeforeBaseChange } from './review-window.js'

/** Every role counts here, whatever an approval control's `authors:` narrows: the map may be the change's own. */
const EVERY_AUTHOR_ROLE = ['pr-author', 'commit-authors', 'committers', 'co-authors'] as const

export interface HeadApprovals {
  /** Lower-cased logins whose latest opinion is APPROVED, on the head commit, who are no author and no bot. */
  independent: Set<string>
  /** Why each other approval does not count, by lower-cased login. */
  discounted: Map<string, string>
  /** Authors with no GitHub account: nobody can be shown not to be them. */
  unlinked: Author[]
  authors: Author[]
}

/**
 * Who approved the change on GitHub in a way that can vouch for it: an APPROVED latest review on
 * the pull request's head commit, by a person who is none of its authors in any role and not a
 * bot. Used by SOX-GATE-INTEGRITY and by waivers, which the change's own map must not weaken.
 */
export function headApprovals(change: ChangeRecord): HeadApprovals {
  const authors = resolveAuthors(change, EVERY_AUTHOR_ROLE)
  const authorByLogin = new Map(authors.filter((a) => a.login).map((a) => [a.login as string, a]))
  const independent = new Set<string>()
  const discounted = new Map<string, string>()
  const pr = change.pullRequest
  const head = pr?.headSha
  for (const r of latestOpinions(change.reviews)) {
    if (!r.user || r.state !== 'APPROVED') continue
    const login = r.user.login.toLowerCase()
    const author = authorByLogin.get(login)
    if (author) discounted.set(login, `${r.user.login} is an author of the change (${author.roles.join(', ')})`)
    else if (r.user.type === 'Bot') discounted.set(login, `${r.user.login} is a bot account`)
    else if (!head || r.commitId !== head) discounted.set(login, `${r.user.login}'s approval is on ${(r.commitId ?? 'no commit').slice(0, 7)}, not on head ${(head ?? '?').slice(0, 7)}`)
    else if (withoutWriteAccess(r, change)) discounted.set(login, `${r.user.login} has no write access to the repository (author_association ${r.authorAssociation ?? 'unknown'})`)
    else {
      const beforeBase = pr && reviewedBeforeBaseChange(r, pr)
      if (beforeBase) discounted.set(login, beforeBase)
      else independent.add(login)
    }
  }
  return { independent, discounted, unlinked: authors.filter((a) => a.unlinked), authors }
}
