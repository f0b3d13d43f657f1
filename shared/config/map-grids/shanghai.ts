import type { MapGrid } from '../../domain/approval-map.js';

/** 上海 16 区 (a municipality has one prefecture, so the tiles are its districts), north up. */
export const shanghaiGrid: MapGrid = {
  province: 'SH',
  level: 'county',
  tiles: [
    { code: '310151', row: 0, col: 4 }, // 崇明
    { code: '310114', row: 1, col: 1 }, // 嘉定
    { code: '310113', row: 1, col: 3 }, // 宝山
    { code: '310118', row: 2, col: 0 }, // 青浦
    { code: '310107', row: 2, col: 1 }, // 普陀
    { code: '310106', row: 2, col: 2 }, // 静安
    { code: '310109', row: 2, col: 3 }, // 虹口
    { code: '310110', row: 2, col: 4 }, // 杨浦
    { code: '310117', row: 3, col: 0 }, // 松江
    { code: '310105', row: 3, col: 1 }, // 长宁
    { code: '310104', row: 3, col: 2 }, // 徐汇
    { code: '310101', row: 3, col: 3 }, // 黄浦
    { code: '310115', row: 3, col: 4 }, // 浦东新区
    { code: '310116', row: 4, col: 0 }, // 金山
    { code: '310112', row: 4, col: 1 }, // 闵行
    { code: '310120', row: 4, col: 2 }, // 奉贤
  ],
};
