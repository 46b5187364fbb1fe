/**
 * Characters no field takes: C0 controls but tab, line feed and carriage
 * return (NUL cannot be stored in PostgreSQL text, the others cannot be
 * written into the XML of an .xlsx or .docx export), DEL, the non-characters
 * U+FFFE/U+FFFF, and UTF-16 surrogates without their pair (they would be
 * stored as U+FFFD, silently changed).
 */
const FORBIDDEN =
  // with the u flag a surrogate pair is one code point: only a lone half matches
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff\ud800-\udfff]/u;

/** The first forbidden character in a string, in an object's keys or values (not in uploads). */
export function forbiddenCharIn(v: unknown, depth = 0): string | null {
  if (typeof v === 'string') return FORBIDDEN.exec(v)?.[0] ?? null;
  if (depth > 20 || v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return null;
  // an upload's stream is read by its route
  if (typeof (v as { pipe?: unknown }).pipe === 'function') return null;
  const values = Array.isArray(v) ? v : Object.entries(v).flat();
  for (const x of values) {
    const found = forbiddenCharIn(x, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** The message for a refused character, naming it as a user could look for it. */
export function forbiddenCharMessage(c: string): string {
  const code = c.charCodeAt(0);
  const name =
    code === 0
      ? '空字符（NUL）'
      : code >= 0xd800 && code <= 0xdfff
        ? '不完整的字符编码'
        : `控制字符（U+${code.toString(16).toUpperCase().padStart(4, '0')}）`;
  return `提交的内容含有不可见的${name}，请删除后重试`;
}
