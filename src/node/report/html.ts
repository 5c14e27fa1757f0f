/** Text and URLs made safe for HTML. Pure. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @example
 * escapeHtml('<b title="x">'); // '&lt;b title=&quot;x&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * A relative file path as a relative URL: each part percent-encoded (`#`, `?`, `:` cannot change its meaning).
 *
 * @example
 * relativeUrl('maps\\a#b.png'); // 'maps/a%23b.png'
 */
export function relativeUrl(path: string): string {
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}
