import type { MapGrid } from '../../domain/approval-map.js';
import { jiangsuGrid } from './jiangsu.js';
import { shanghaiGrid } from './shanghai.js';
import { zhejiangGrid } from './zhejiang.js';

const GRIDS: Record<string, MapGrid> = { JS: jiangsuGrid, ZJ: zhejiangGrid, SH: shanghaiGrid };

/** The schematic map of a province; a province without one gets an empty grid (nothing placed). */
export function mapGridOf(province: string): MapGrid {
  return GRIDS[province] ?? { province, level: 'prefecture', tiles: [] };
}
