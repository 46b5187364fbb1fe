import type { FastifyReply } from 'fastify';

/** A user's file name as a Content-Disposition: an ASCII fallback and the UTF-8 original (RFC 6266). */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = filename.replace(/[\u0000-\u001f\u007f"\\/]/g, '_').trim() || 'file';
  const ext = /\.[a-z0-9]{1,8}$/i.exec(clean)?.[0] ?? '';
  const ascii = /^[\x20-\x7e]+$/.test(clean) ? clean : `file${ext}`;
  // encodeURIComponent leaves ' ( ) * — not allowed in an RFC 5987 value
  const utf8 = encodeURIComponent(clean).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

/**
 * Sends back a file a user uploaded (a photo): typed as it was checked on
 * upload, never sniffed, and sandboxed — opened on its own it can run no
 * script and reach nothing, whatever its bytes are.
 */
export function sendUserFile(
  reply: FastifyReply,
  file: { contentType: string; data: Buffer; filename: string },
) {
  return reply
    .header('content-type', file.contentType)
    .header('content-length', file.data.length)
    .header('content-disposition', contentDisposition('inline', file.filename))
    .header('cache-control', 'private, max-age=86400')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('x-content-type-options', 'nosniff')
    .send(file.data);
}
