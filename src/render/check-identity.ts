/** Who posts the check run, for the line that says so (SPEC §13). */
export interface CheckIdentity {
  /** The GitHub App the check run belongs to, when known (app-id, or what GitHub answered); else the github-token. */
  app?: string
  /** GITHUB_WORKFLOW_REF: `owner/repo/.github/workflows/file.yml@refs/…`. */
  workflowRef?: string
  event: string
  checkName: string
}

/** Where the README's hardened set-up is: the fix the warning points to. */
const HARDENED = 'docs/github.md#the-hardened-set-up'

/**
 * One line at the top of the check run's summary: which identity posted it, from which workflow
 * file and ref. When GitHub Actions' token posted it, the line says what an admin must know: any
 * workflow of the repository can post a check of that name with its token — and a workflow file
 * at a pull request's ref is the pull request's own copy, which it can change.
 */
export function identityLine(id: CheckIdentity): string {
  const { path, ref } = splitWorkflowRef(id.workflowRef)
  const from = path ? `from \`${path}\`${ref ? ` at \`${ref}\`` : ''} (${id.event || 'no event'})` : `(${id.event || 'no event'}; GITHUB_WORKFLOW_REF not set)`
  if (id.app && id.app !== 'github-actions') return `Posted by GitHub App \`${id.app}\` ${from}.`
  const own = ref !== undefined && /^refs\/(pull\/|heads\/gh-readonly-queue\/)/.test(ref) ? ' This workflow file is the pull request\'s own copy, which the pull request can change.' : ''
  return `⚠️ Posted with the workflow's github-token ${from}: any workflow of this repository, one a pull request adds included, can post a check named "${id.checkName}" with its token.${own} Require this check from a GitHub App (${HARDENED}).`
}

function splitWorkflowRef(workflowRef: string | undefined): { path?: string; ref?: string } {
  if (!workflowRef) return {}
  const at = workflowRef.lastIndexOf('@')
  const full = at === -1 ? workflowRef : workflowRef.slice(0, at)
  // owner/repo/ then the path inside the repository.
  const path = full.split('/').slice(2).join('/') || full
  return { path, ref: at === -1 ? undefined : workflowRef.slice(at + 1) }
}
