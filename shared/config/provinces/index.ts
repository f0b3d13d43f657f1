/**
 * The provinces this code base ships a default catalogue for. A new province is one file next to
 * jiangsu.ts and one line below; deployments choose theirs by code.
 */
import { invalid } from '../../domain/errors.js';
import { type ProvinceConfig, parseProvinceConfig } from '../province-config.js';
import { jiangsu } from './jiangsu.js';
import { shanghai } from './shanghai.js';
import { zhejiang } from './zhejiang.js';

export const defaultProvinces: Record<string, ProvinceConfig> = {
  JS: jiangsu,
  ZJ: zhejiang,
  SH: shanghai,
};

/** The validated default configuration of a province; throws if it is unknown or invalid. */
export function loadProvince(code: string): ProvinceConfig {
  const key = code.toUpperCase();
  const raw = Object.hasOwn(defaultProvinces, key) ? defaultProvinces[key] : undefined;
  if (!raw) {
    const known = Object.keys(defaultProvinces).join('、');
    throw invalid('UNKNOWN_PROVINCE', `未配置省份 ${code}（已配置：${known}）`);
  }
  return parseProvinceConfig(raw);
}
