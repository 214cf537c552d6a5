import { ConfigError } from './errors.js'

/**
 * What a file-system error code means, in a few words a person acts on. These are problems of the
 * runner's disk or of a path the user chose (docs/hostile-input.md), never internal errors: they
 * end the run as configuration errors, one line naming the path (exit 2).
 */
const WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a directory',
  ELOOP: 'is a symbolic link (or a loop of them)',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EFBIG: 'the file is too large',
  EXDEV: 'not on the same file system',
  EBUSY: 'the file or folder is busy',
  ENOTEMPTY: 'the folder is not empty',
  EINVAL: 'not possible on this file system'
}

/** True when `e` is an error from the file system (it has an errno code), not a bug of ours. */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code as string)
}

/** One line for a file-system error: the words for its code, else Node's own message. */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException
  const words = err.code ? WORDS[err.code] : undefined
  if (words) return words
  return (err.message ?? String(e)).split(/\r?\n/)[0] as string
}

/**
 * A ConfigError naming `file` for a file-system error met while `doing` something with it
 * ("cannot write the evidence bundle"); anything else (a bug, a ConfigError already) is returned
 * unchanged, to be rethrown.
 */
export function fsProblem(e: unknown, file: string, doing: string): unknown {
  if (e instanceof ConfigError || !isFsError(e)) return e
  return ConfigError.at(file, `${doing}: ${describeFsError(e)}`)
}
