// The permissions of a job's GITHUB_TOKEN, enforced by the fake GitHub as GitHub enforces them
// (SPEC §13, issue 20): a token the workflow simulator registered may call an endpoint only with
// the permission GitHub's documentation names for it ("Permissions required for GitHub Apps",
// github/docs src/github-apps/data/fpt-2022-11-28/server-to-server-permissions.json); otherwise
// the call is refused with 403 "Resource not accessible by integration". Tokens nobody registered
// (the existing tests' `ghs_faketoken`, a GitHub App's installation token) keep full access.

/** The scopes a workflow's `permissions:` can name (and `metadata`, which every token has). */
export type Scope = 'actions' | 'attestations' | 'checks' | 'contents' | 'deployments' | 'discussions' | 'id-token' | 'issues' | 'metadata' | 'models' | 'packages' | 'pages' | 'pull-requests' | 'repository-projects' | 'security-events' | 'statuses'
export type Access = 'none' | 'read' | 'write'
export type TokenPermissions = Partial<Record<Scope, Access>>

/** Tokens handed to jobs, with what each may do; a token is revoked when its job ends (as GitHub does). */
export interface TokenRegistry {
  tokens: Map<string, { permissions: TokenPermissions; revoked?: boolean }>
}

export function newTokenRegistry(): TokenRegistry {
  return { tokens: new Map() }
}

type Need = [Scope, Access]
/** One of these sets of needs must be met in full (GitHub: "at least one of the following permission sets"). */
type Requirement = Need[][]

const R = (scope: Scope): Requirement => [[[scope, 'read']]]
const W = (scope: Scope): Requirement => [[[scope, 'write']]]

/** Endpoints (method, path with the repository folded to acme/ledger) and the permission each needs. */
const ENDPOINTS: [string, RegExp, Requirement][] = [
  ['GET', /^\/repos\/acme\/ledger$/, R('metadata')],
  ['GET', /^\/repos\/acme\/ledger\/branches(\/.+)?$/, R('contents')],
  ['GET', /^\/repos\/acme\/ledger\/commits\/[^/]+\/pulls$/, R('pull-requests')],
  ['GET', /^\/repos\/acme\/ledger\/commits(\/[^/]+)?$/, R('contents')],
  ['GET', /^\/repos\/acme\/ledger\/compare\/.+$/, R('contents')],
  ['GET', /^\/repos\/[^/]+\/[^/]+\/contents\/.+$/, R('contents')],
  ['GET', /^\/repos\/acme\/ledger\/pulls(\/\d+(\/(reviews|commits|files))?)?$/, R('pull-requests')],
  // The issue timeline takes either (both are listed with additional-permissions in GitHub's table).
  ['GET', /^\/repos\/acme\/ledger\/issues\/\d+\/timeline$/, [[['issues', 'read']], [['pull-requests', 'read']]]],
  ['POST', /^\/repos\/acme\/ledger\/check-runs$/, W('checks')],
  ['PATCH', /^\/repos\/acme\/ledger\/check-runs\/\d+$/, W('checks')],
  ['GET', /^\/repos\/acme\/ledger\/check-runs\/\d+$/, R('checks')],
  ['GET', /^\/repos\/acme\/ledger\/actions\/(workflows|runs|artifacts)(\/.*)?$/, R('actions')],
  ['GET', /^\/repos\/acme\/ledger\/deployments(\/\d+(\/statuses)?)?$/, R('deployments')],
  ['POST', /^\/repos\/acme\/ledger\/deployments(\/\d+\/statuses)?$/, W('deployments')],
  ['POST', /^\/repos\/acme\/ledger\/attestations$/, W('attestations')],
  // The gate's only GraphQL question: commits' associated pull requests (a commit object, and pull requests).
  ['POST', /^\/graphql$/, [[['contents', 'read'], ['pull-requests', 'read']]]],
  // The installation token a workflow's GITHUB_TOKEN cannot mint (JWT-authenticated): never a GITHUB_TOKEN's to call.
  ['GET', /^\/repos\/acme\/ledger\/installation$/, [[]]]
]

const LEVEL: Record<Access, number> = { none: 0, read: 1, write: 2 }

/** Whether `permissions` meet `need` (write includes read; metadata is always read). */
function has(permissions: TokenPermissions, [scope, access]: Need): boolean {
  const granted = scope === 'metadata' ? 'read' : (permissions[scope] ?? 'none')
  return LEVEL[granted] >= LEVEL[access]
}

export interface Refusal {
  status: number
  body: { message: string; documentation_url: string; status: string }
}

/**
 * GitHub's answer when the request's token may not make it: 401 for a revoked token, 403
 * "Resource not accessible by integration" for a missing permission; undefined when the token
 * may (or is not one the simulator registered). A registered token calling an endpoint this table
 * does not know is answered 500, so a gap in the table is loud, never a silent pass.
 */
export function refusePermission(registry: TokenRegistry | undefined, method: string, canonicalPath: string, authorization: string | undefined): Refusal | undefined {
  const token = /^(?:token|bearer) (.+)$/i.exec(authorization ?? '')?.[1]
  const entry = token ? registry?.tokens.get(token) : undefined
  if (!entry) return undefined
  if (entry.revoked) return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } }
  const endpoint = ENDPOINTS.find(([m, re]) => m === method && re.test(canonicalPath))
  if (!endpoint) return { status: 500, body: { message: `fake-github-permissions: no permission is known for ${method} ${canonicalPath}; add it to ENDPOINTS`, documentation_url: '', status: '500' } }
  const requirement = endpoint[2]
  if (requirement.some((set) => set.length > 0 && set.every((need) => has(entry.permissions, need)))) return undefined
  return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' } }
}

/** The token's permissions, with the defaults GitHub fills in: every scope not named is none, metadata is read. */
export function grantedPermissions(permissions: TokenPermissions): Required<Pick<TokenPermissions, 'metadata'>> & TokenPermissions {
  return { ...permissions, metadata: 'read' }
}
