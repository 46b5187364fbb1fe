/**
 * A list page keeps its filters in the address. `patch` sets keys; '' or
 * undefined removes one. Unless the patch is the page itself, a list goes
 * back to its first page (`resetPage`).
 */
export function patchParams(
  prev: URLSearchParams,
  patch: Record<string, string | undefined>,
  resetPage = true,
): URLSearchParams {
  const next = new URLSearchParams(prev);
  for (const [k, v] of Object.entries(patch))
    if (v === undefined || v === '') next.delete(k);
    else next.set(k, v);
  if (resetPage && !('page' in patch)) next.delete('page');
  return next;
}
