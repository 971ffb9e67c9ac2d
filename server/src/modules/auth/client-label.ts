/**
 * A short name for the device behind a login, from its User-Agent: "Chrome on Linux", "Parley desktop on Windows".
 * Deliberately simple (first match wins, no versions): it only has to let a user tell their sessions apart.
 */
export function clientLabel(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  if (!ua.trim()) return 'Unknown device';
  const app = /Electron\//.test(ua)
    ? 'Parley desktop'
    : /Edg(e|A|iOS)?\//.test(ua)
      ? 'Edge'
      : /OPR\//.test(ua)
        ? 'Opera'
        : /Firefox\/|FxiOS\//.test(ua)
          ? 'Firefox'
          : /Chrome\/|Chromium\/|CriOS\//.test(ua)
            ? 'Chrome'
            : /Safari\//.test(ua)
              ? 'Safari'
              : /^node|undici|curl|python|Go-http/i.test(ua)
                ? 'API client'
                : 'Unknown browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad|iPod/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux|X11/.test(ua)
              ? 'Linux'
              : null;
  return os ? `${app} on ${os}` : app;
}
