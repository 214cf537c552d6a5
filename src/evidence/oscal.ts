import type { ControlMap } from '../controls/model.js'
import type { GateResult } from '../engine/result.js'
import { headline, PRODUCT_NAME } from '../render/words.js'
import type { ManifestVersion } from './manifest.js'
import { nameUuid } from './uuid.js'

/** The OSCAL token datatype; an id that is not one gets a prefix (the original stays in props). */
const TOKEN = /^[\p{L}_][\p{L}\p{N}._-]*$/u
const token = (id: string): string => (TOKEN.test(id) ? id : `c-${id}`)

export interface OscalInputs {
  map: ControlMap
  result: GateResult
  toolVersion: string
  /** Bundle paths of the reports, for observations' relevant evidence. */
  reportFiles: string[]
  /** Makes every UUID unique to this evaluation while staying reproducible. */
  seed: string
  /** The bundle's version: version 1 titled the result "SOX change-management gate". */
  manifestVersion: ManifestVersion
}

/**
 * NIST OSCAL 1.0.6 assessment-results: each control is a reviewed control; its tests (or its
 * approval check) are an observation; its result is a finding whose target status is
 * satisfied / not-satisfied (a waived control is not satisfied, with the waiver in remarks).
 */
export function renderOscal({ map, result, toolVersion, reportFiles, seed, manifestVersion }: OscalInputs): unknown {
  const at = result.evaluatedAt
  const byId = new Map(map.controls.map((c) => [c.id, c]))
  const observations = result.controls.map((r) => {
    const control = byId.get(r.id)
    const methods = [...(control?.tests.length ? ['TEST'] : []), ...(control?.approval ? ['EXAMINE'] : [])]
    const tests = r.tests.matched ? ` Tests: ${r.tests.matched} matched, ${r.tests.passed} passed, ${r.tests.failed} failed, ${r.tests.skipped} skipped, ${r.tests.flaky} flaky.` : ''
    return {
      uuid: nameUuid(`${seed}:observation:${r.id}`),
      title: `Evidence for ${r.id}`,
      description: `${r.reasons.map((x) => x.message).join(' ')}${tests}`,
      methods: methods.length ? methods : ['UNKNOWN'],
      collected: at,
      ...(control?.tests.length && reportFiles.length ? { 'relevant-evidence': reportFiles.map((href) => ({ href, description: 'Test report as read (masked), in this evidence bundle' })) } : {})
    }
  })
  const findings = result.controls.map((r, i) => ({
    uuid: nameUuid(`${seed}:finding:${r.id}`),
    title: `${r.id}: ${r.title}`,
    description: `${r.status.toUpperCase()}: ${r.reasons.filter((x) => x.effect !== 'info').map((x) => x.message).join(' ') || r.reasons.map((x) => x.message).join(' ')}`,
    ...(token(r.id) !== r.id ? { props: [{ name: 'label', value: r.id }] } : {}),
    target: {
      type: 'objective-id',
      'target-id': `${token(r.id)}_obj`,
      status: { state: r.status === 'pass' ? 'satisfied' : 'not-satisfied', reason: r.status === 'pass' ? 'pass' : r.status === 'fail' ? 'fail' : 'other', ...(r.waiver ? { remarks: `Waived by ${r.waiver}: the failure is accepted, not fixed.` } : {}) }
    },
    'related-observations': [{ 'observation-uuid': observations[i]?.uuid as string }]
  }))
  return {
    'assessment-results': {
      uuid: nameUuid(`${seed}:assessment-results`),
      metadata: { title: `sox-gate assessment of ${map.system}`, 'last-modified': at, version: toolVersion, 'oscal-version': '1.0.6' },
      'import-ap': { href: '#control-map', remarks: `The assessment plan is the control map ${map.file}, kept in this bundle as inputs/control-map.yml.` },
      results: [
        {
          uuid: nameUuid(`${seed}:result`),
          title: `${manifestVersion === 1 ? 'SOX change-management gate' : PRODUCT_NAME}: ${result.decision.toUpperCase()}`,
          description: headline(result),
          start: at,
          end: at,
          'reviewed-controls': { 'control-selections': [{ 'include-controls': result.controls.map((r) => ({ 'control-id': token(r.id) })) }] },
          observations,
          findings
        }
      ]
    }
  }
}
