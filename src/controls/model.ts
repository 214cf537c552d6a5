/** The control map as the engine sees it: validated, defaults applied, every item with its line. */

export type SelectorKind = 'tag' | 'name' | 'suite' | 'file' | 'regex'

export interface Located {
  /** 1-based position in the control map, for annotations and error messages. */
  line: number
  col: number
}

export interface Selector extends Located {
  kind: SelectorKind
  pattern: string
}

export type AuthorSource = 'pr-author' | 'commit-authors' | 'committers' | 'co-authors'

export interface ApprovalRule {
  minApprovals: number
  fresh: boolean
  authors: AuthorSource[]
  botsCanApprove: boolean
  blockOnChangesRequested: boolean
  deploymentApproval: boolean
  allowedApprovers: string[]
  allowUnlinkedAuthors: boolean
  /** A waiver may cover this control; such a waiver is an emergency change (SPEC §9). */
  waivable: boolean
}

export interface Control extends Located {
  id: string
  title: string
  sox: string[]
  objective?: string
  risk?: string
  owner?: string
  type?: 'preventive' | 'detective'
  key: boolean
  /** Empty when the control is proven by approval alone. */
  tests: Selector[]
  minTests: number
  allowSkipped: boolean
  flaky: 'pass' | 'fail'
  approval?: ApprovalRule
}

export interface Waiver extends Located {
  id: string
  control: string
  reason: string
  incident?: string
  requestedBy: string
  approvedBy: string
  /** As written in the map, and as epoch milliseconds. */
  expires: string
  expiresAt: number
  compensatingControl?: string
}

export interface ControlMap {
  /** The path the map was read from, as given by the user. */
  file: string
  /** The map's text exactly as read: kept in the evidence and hashed there. */
  source: string
  version: 1
  system: string
  owner?: string
  /** Lower-cased logins who may approve protected changes and waivers (SPEC §9). */
  controlOwners: string[]
  /** Globs of paths beyond the always-protected ones whose change needs an owner's approval. */
  protectedPaths: string[]
  /**
   * Globs of base branches besides the default branch whose own map may judge a pull request into
   * them (SPEC §13); only the default branch's map is asked.
   */
  trustedBranches: string[]
  /** Lower-cased logins whose deployments may start a deployed range (SPEC §13); honoured only from a policy-repository map. */
  deployers: string[]
  /** A waiver gives cover only when it expires at most this many days after the evaluation. */
  maxWaiverDays: number
  reports: string[]
  /** `refuse` (default): a report git tracks at the evaluated commit is refused (SPEC §11). */
  committedReports: 'allow' | 'refuse'
  controls: Control[]
  waivers: Waiver[]
}
