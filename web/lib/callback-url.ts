/** Where to go after login: a path of this app only (never another origin), else the chat. */
export function safeCallbackUrl(raw: string | string[] | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/chat';
}

/** The landing page's address that logs in and comes back to `path`. */
export function loginUrl(path: string): string {
  return `/?callbackUrl=${encodeURIComponent(path)}`;
}
