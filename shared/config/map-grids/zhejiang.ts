import type { MapGrid } from '../../domain/approval-map.js';

/** 浙江 11 地市, north up: 湖州 and 嘉兴 on 太湖, 舟山 off the coast, 温州 in the south. */
export const zhejiangGrid: MapGrid = {
  province: 'ZJ',
  level: 'prefecture',
  tiles: [
    { code: '330500', row: 0, col: 1 }, // 湖州
    { code: '330400', row: 0, col: 2 }, // 嘉兴
    { code: '330100', row: 1, col: 1 }, // 杭州
    { code: '330600', row: 1, col: 2 }, // 绍兴
    { code: '330200', row: 1, col: 3 }, // 宁波
    { code: '330900', row: 1, col: 4 }, // 舟山
    { code: '330800', row: 2, col: 0 }, // 衢州
    { code: '330700', row: 2, col: 1 }, // 金华
    { code: '331000', row: 2, col: 3 }, // 台州
    { code: '331100', row: 3, col: 1 }, // 丽水
    { code: '330300', row: 3, col: 2 }, // 温州
  ],
};
