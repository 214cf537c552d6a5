/** One option token of node:util's parseArgs (`tokens: true`). */
export interface OptionToken {
  kind: 'option'
  name: string
  rawName: string
  value: string | undefined
  inlineValue: boolean | undefined
}

/**
 * One option of a command line, into `values` (repeatable, in order) or `flags`, or one problem
 * line when it is unknown, a flag given a value, or a value missing (`--out --now …` takes no
 * option as a value). The CLI's commands and the audit read their options through it alike.
 */
export function takeOption(t: OptionToken, type: 'boolean' | 'string' | undefined, into: { values: Map<string, string[]>; flags: Set<string>; problems: string[] }): void {
  if (type === undefined) into.problems.push(`unknown option ${t.rawName}`)
  else if (type === 'boolean') {
    if (t.value !== undefined) into.problems.push(`${t.rawName} takes no value (given "${t.value}")`)
    into.flags.add(t.name)
  } else if (t.value === undefined) into.problems.push(`${t.rawName} needs a value`)
  else if (!t.inlineValue && t.value.startsWith('--')) into.problems.push(`${t.rawName} needs a value, not the option ${t.value}`)
  else into.values.set(t.name, [...(into.values.get(t.name) ?? []), t.value])
}
