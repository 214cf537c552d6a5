/**
 * The exports of a CommonJS package loaded with `import()`. Node gives them as named exports of
 * the namespace; the split bundle (scripts/bundle.mjs) gives them only as `default`. `probe` is
 * an export the caller needs, to tell which.
 */
export function cjsExports<T extends object>(namespace: T, probe: keyof T): T {
  if (namespace[probe] !== undefined) return namespace
  const whole = (namespace as { default?: T }).default
  return whole !== undefined && whole[probe] !== undefined ? whole : namespace
}
