import type { MapGrid } from '../../domain/approval-map.js';

/** 江苏 13 地市, north up: 徐州 and 连云港 in the north, 苏州 in the south-east. */
export const jiangsuGrid: MapGrid = {
  province: 'JS',
  level: 'prefecture',
  tiles: [
    { code: '320300', row: 0, col: 0 }, // 徐州
    { code: '320700', row: 0, col: 2 }, // 连云港
    { code: '321300', row: 1, col: 1 }, // 宿迁
    { code: '320800', row: 2, col: 1 }, // 淮安
    { code: '320900', row: 2, col: 2 }, // 盐城
    { code: '321000', row: 3, col: 1 }, // 扬州
    { code: '321200', row: 3, col: 2 }, // 泰州
    { code: '320600', row: 3, col: 3 }, // 南通
    { code: '320100', row: 4, col: 0 }, // 南京
    { code: '321100', row: 4, col: 1 }, // 镇江
    { code: '320400', row: 4, col: 2 }, // 常州
    { code: '320200', row: 5, col: 2 }, // 无锡
    { code: '320500', row: 5, col: 3 }, // 苏州
  ],
};
