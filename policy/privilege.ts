import type { Privilege } from './types.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Classes an HTTP method as `read` (GET, HEAD, OPTIONS) or `write`. POST, PUT, PATCH and DELETE
 * are writes, and so is any other method or API action verb: an unknown verb is treated as the
 * larger privilege, so that it never widens a read-only grant.
 */
export function privilegeOf(method: string): Privilege {
  return READ_METHODS.has(method.toUpperCase()) ? 'read' : 'write';
}

/** Sorts privileges `read` before `write` and removes duplicates. */
export function sortPrivileges(privileges: Iterable<Privilege>): Privilege[] {
  const set = new Set(privileges);
  return (['read', 'write'] as const).filter((p) => set.has(p));
}
