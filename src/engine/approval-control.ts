import type { Control } from '../controls/model.js'
import type { Reason } from './result.js'

export interface ApprovalVerdict {
  pass: boolean
  reasons: Reason[]
}

/**
 * Segregation-of-duties controls (SPEC §3). Reading the change from GitHub is not built yet, so
 * an approval control cannot be evaluated — and what cannot be evaluated fails, never passes.
 */
export function evaluateApprovalControl(control: Control): ApprovalVerdict {
  return {
    pass: false,
    reasons: [{ code: 'approval-unavailable', effect: 'fail', message: 'approval evaluation not available', line: control.line }]
  }
}
