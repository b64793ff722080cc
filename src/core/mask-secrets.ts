// Database URLs carry passwords (postgres://user:password@host/db, ?password=...): whatever shows a URL or an
// argument (CLI output, logs, /healthz) shows it through these, so a password never reaches a terminal or a log.

const MASK = '***';
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;
const PASSWORD_PARAM = /([?&;](?:ssl)?password=)[^&#;\s]*/gi;

/** The URL with its password (userinfo after the colon, and `password=` query parameters) replaced by ***. */
export function maskUrl(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  let masked = url;
  if (scheme) {
    const start = scheme[0].length;
    const rest = url.slice(start);
    // The authority ends at the first / ? #; inside it the last @ ends the userinfo (an unescaped @ in a password).
    const authorityEnd = rest.search(/[/?#]/);
    const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
    const at = authority.lastIndexOf('@');
    const colon = authority.indexOf(':');
    if (at >= 0 && colon >= 0 && colon < at) masked = url.slice(0, start + colon + 1) + MASK + url.slice(start + at);
  }
  return masked.replace(PASSWORD_PARAM, `$1${MASK}`);
}

/** The text with every URL in it masked (an option such as `--to=postgres://u:pw@h/db` included). */
export function maskSecrets(text: string): string {
  if (!text.includes('://') && !/password=/i.test(text)) return text;
  return text.replace(URL_IN_TEXT, (url) => maskUrl(url)).replace(PASSWORD_PARAM, `$1${MASK}`);
}

/** Command-line arguments as they may be shown: any that holds a URL with credentials is masked. */
export function maskArgs(args: readonly string[]): string[] {
  return args.map((arg) => maskSecrets(arg));
}
