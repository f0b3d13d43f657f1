/**
 * 行政区划代码 (GB/T 2260) of one province, from the registry package china-area-data (installed by
 * `npm ci`, never fetched at run time). Only the province's part is kept once loaded; the console
 * gets it from the API, never from its own bundle.
 */
import areaData from 'china-area-data/v5/data.json' with { type: 'json' };
import type { Division } from '../domain/approval-map.js';

const AREAS = areaData as Record<string, Record<string, string> | undefined>;
/** the package names a municipality's one prefecture 市辖区; the map shows the municipality's name */
const MUNICIPAL = '市辖区';

const cache = new Map<string, Division[]>();

/** Prefectures and counties of the province whose codes start with `regionPrefix` (e.g. 32). */
export function divisionsOf(regionPrefix: string): Division[] {
  const hit = cache.get(regionPrefix);
  if (hit) return hit;
  const provinceCode = `${regionPrefix}0000`;
  const provinceName = AREAS['86']?.[provinceCode] ?? provinceCode;
  const out: Division[] = [];
  for (const [code, name] of Object.entries(AREAS[provinceCode] ?? {})) {
    out.push({ code, name: name === MUNICIPAL ? provinceName : name, level: 'prefecture', prefecture: code });
    for (const [county, countyName] of Object.entries(AREAS[code] ?? {})) {
      // 市辖区 under a prefecture is a statistical placeholder, not a place a project can be in
      if (countyName === MUNICIPAL) continue;
      out.push({ code: county, name: countyName, level: 'county', prefecture: code });
    }
  }
  cache.set(regionPrefix, out);
  return out;
}
