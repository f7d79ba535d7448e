/**
 * Removes the CRI log prefix that containerd and CRI-O write before each line a container prints
 * (`2025-12-31T17:37:40.493035218+01:00 stdout F `), so proxies logging from Kubernetes pods parse
 * like the proxy's own output. Text without the prefix is returned unchanged.
 */
export function stripCriPrefix(text: string): string {
  const first = text.indexOf(' ');
  if (first < 20 || first > 40 || text.charCodeAt(4) !== 0x2d || text[10] !== 'T') return text;
  const stream = text.slice(first + 1, first + 8);
  if (stream !== 'stdout ' && stream !== 'stderr ') return text;
  const tag = text.slice(first + 8, first + 10);
  return tag === 'F ' || tag === 'P ' ? text.slice(first + 10) : text;
}
