/** What stands in for a password in printed text. */
export const REDACTED = '***';

/** `scheme://` followed by the rest of a URL-like word (up to whitespace or a quote). */
const URL_LIKE = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>`]*/g;
/** Query parameters that carry a credential (`?password=…`, `&token=…`). */
const SECRET_PARAMETER = /([?&;](?:password|passwd|pass|pwd|secret|token|auth|access_token|api_key|apikey)=)[^&;#\s"'<>`]*/gi;

/**
 * Text with the credentials in every URL replaced by `***`: `mysql://root:secret@host/db` → `mysql://root:***@host/db`,
 * `redis://:secret@host` → `redis://:***@host`, `?password=secret` → `?password=***`. The user name stays, so an
 * operator still sees which account was used. Works on text that is not a valid URL too (a bad value is exactly
 * what an error message quotes): everything between the first `:` after `//` and the last `@` is treated as the
 * password, so a password with an unescaped `@` or `/` is hidden whole.
 */
export function redactCredentials(text: string): string {
  return text.replace(URL_LIKE, (url) => {
    const start = url.indexOf('//') + 2;
    const at = url.lastIndexOf('@');
    let out = url;
    if (at > start) {
      const userinfo = url.slice(start, at);
      const colon = userinfo.indexOf(':');
      if (colon >= 0) out = `${url.slice(0, start)}${userinfo.slice(0, colon)}:${REDACTED}${url.slice(at)}`;
    }
    return out.replace(SECRET_PARAMETER, `$1${REDACTED}`);
  });
}
