import type { TestProperty } from './model.js'

/** Property names whose values tag a test with control ids (comma or space separated). */
const TAG_PROPERTIES = new Set(['control', 'controls'])

// `[ID]` anywhere, or `@ID` at the start or after a space/bracket/paren (so e-mail addresses don't count).
const NAME_TAG = /\[([A-Za-z0-9._-]+)\]|(?:^|[\s([{,])@([A-Za-z0-9._-]+)/g

/** Candidate control tags of a test; the mapping keeps only the ones a selector names. */
export function extractTags(name: string, properties: readonly TestProperty[], inherited: readonly string[] = []): string[] {
  const tags: string[] = [...inherited]
  for (const p of properties) {
    if (TAG_PROPERTIES.has(p.name.toLowerCase())) {
      for (const v of p.value.split(/[\s,]+/)) if (v) tags.push(v)
    }
  }
  if (name.includes('[') || name.includes('@')) {
    for (const m of name.matchAll(NAME_TAG)) {
      // A masked value (`[REDACTED-CARD-1111]`, see mask.ts) is not a tag: reports are read masked.
      if (!m[1]?.startsWith('REDACTED-')) tags.push((m[1] ?? m[2]) as string)
    }
  }
  return tags
}

export function isTagProperty(name: string): boolean {
  return TAG_PROPERTIES.has(name.toLowerCase())
}
