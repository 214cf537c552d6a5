import type { AuthorSource } from '../controls/model.js'
import type { ChangeRecord, GitIdentity } from './model.js'

/**
 * GitHub's own committer on web merges and edits, and so no author of the change — but only on a
 * commit GitHub signed (SPEC §10): anyone can write `noreply@github.com` into an unsigned commit.
 */
export function isWebFlow(id: GitIdentity, verified: boolean | undefined): boolean {
  return verified === true && (id.account?.login.toLowerCase() === 'web-flow' || id.email?.toLowerCase() === 'noreply@github.com')
}

/** The login in GitHub's noreply forms: `ID+login@users.noreply.github.com`, `login@users.noreply.github.com`. */
export function loginFromNoreply(email: string): string | undefined {
  const m = /^(?:\d+\+)?([A-Za-z0-9-]+(?:\[bot\])?)@users\.noreply\.github\.com$/i.exec(email.trim())
  return m?.[1]
}

export interface Author {
  /** Lower-cased login, when the person resolves to a GitHub account. */
  login?: string
  /** Lower-cased e-mail, when known. */
  email?: string
  /** How the person is an author: "PR author", "author of 1a2b3c4", "co-author of 1a2b3c4", "committer of 1a2b3c4". */
  roles: string[]
  /** Display form: the login, else "Name <email>". */
  label: string
  /** True for commit authors, co-authors and (from version 3 records on) committers that resolve to no login. */
  unlinked: boolean
}

/**
 * Everyone who counts as an author under the control's `authors` setting, matched by login or
 * e-mail case-insensitively, e-mails resolved to logins through the noreply forms or through a
 * commit in the same change whose author has that e-mail and is linked to an account.
 */
export function resolveAuthors(change: ChangeRecord, sources: readonly AuthorSource[]): Author[] {
  const loginByEmail = new Map<string, string>()
  for (const c of change.commits) {
    for (const id of [c.author, c.committer]) {
      if (id.email && id.account) loginByEmail.set(id.email.toLowerCase(), id.account.login.toLowerCase())
    }
  }
  const byKey = new Map<string, Author>()
  const add = (id: { name?: string; email?: string; login?: string }, role: string, mustLink: boolean): void => {
    const email = id.email?.toLowerCase()
    const login = id.login?.toLowerCase() ?? (email ? (loginFromNoreply(email)?.toLowerCase() ?? loginByEmail.get(email)) : undefined)
    const key = login ? `login:${login}` : `email:${email ?? id.name ?? '?'}`
    let author = byKey.get(key)
    if (!author) {
      author = { login, email, roles: [], label: login ?? `${id.name ?? ''} <${email ?? '?'}>`.trim(), unlinked: false }
      byKey.set(key, author)
    }
    author.roles.push(role)
    if (mustLink && !login) author.unlinked = true
  }
  const short = (sha: string): string => sha.slice(0, 7)
  if (sources.includes('pr-author') && change.pullRequest) add({ login: change.pullRequest.author.login }, 'PR author', false)
  for (const c of change.commits) {
    if (sources.includes('commit-authors')) add({ ...c.author, login: c.author.account?.login }, `author of ${short(c.sha)}`, true)
    // A committer needs no account: one made up can hide who wrote a commit (SPEC §13). Records
    // before version 3 were judged without this rule, and re-perform as they were judged.
    if (sources.includes('committers') && !isWebFlow(c.committer, c.verified)) add({ ...c.committer, login: c.committer.account?.login }, `committer of ${short(c.sha)}`, change.version >= 3)
    if (sources.includes('co-authors')) for (const co of c.coAuthors) add(co, `co-author of ${short(c.sha)}`, true)
  }
  return [...byKey.values()]
}

/** `Co-authored-by: Name <email>` trailers of a commit message. */
export function parseCoAuthors(message: string): { name: string; email: string }[] {
  const out: { name: string; email: string }[] = []
  for (const m of message.matchAll(/^co-authored-by:\s*(.*?)\s*<([^>]+)>\s*$/gim)) out.push({ name: m[1] as string, email: m[2] as string })
  return out
}
