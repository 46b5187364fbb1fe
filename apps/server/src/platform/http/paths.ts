/**
 * The path a request is about, as the router sees it and then some: percent
 * escapes decoded (the router matches `/%61pi/users` as `/api/users`), runs of
 * slashes collapsed, `.` and `..` segments resolved, lower case. Auth decides
 * on this, never on the raw URL, so no spelling of a path slips past it.
 */
export function normalizedPath(url: string): string {
  let path = url.split(/[?#]/, 1)[0] ?? '';
  // decode until stable (a few rounds): `%2561` is `%61` is `a`
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(path);
    } catch {
      next = path.replace(/%([0-9a-f]{2})/gi, (_m, h: string) =>
        String.fromCharCode(parseInt(h, 16)),
      );
    }
    if (next === path) break;
    path = next;
  }
  const out: string[] = [];
  for (const segment of path.replaceAll('\\', '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`.toLowerCase();
}

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

export const isApiPath = (path: string) => under(path, '/api');
export const isDocsPath = (path: string) => under(path, '/docs');
