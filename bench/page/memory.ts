// performance.measureUserAgentSpecificMemory(): the page's and its workers' memory as Chromium
// attributes it (cross-origin isolated pages only), summed per worker script.

interface MemoryBreakdown {
  bytes: number;
  attribution: { url: string; scope: string }[];
}
type MeasureMemory = () => Promise<{ bytes: number; breakdown: MemoryBreakdown[] }>;

/** Bytes per attributed script URL, plus `total`; undefined where the API is missing. */
export async function readMemory(): Promise<Record<string, number> | undefined> {
  const measure = (performance as { measureUserAgentSpecificMemory?: MeasureMemory }).measureUserAgentSpecificMemory;
  if (!measure || !globalThis.crossOriginIsolated) return undefined;
  const { bytes, breakdown } = await measure.call(performance);
  const byUrl: Record<string, number> = { total: bytes };
  for (const entry of breakdown) {
    for (const { url } of entry.attribution) byUrl[url] = (byUrl[url] ?? 0) + entry.bytes / entry.attribution.length;
  }
  return byUrl;
}
