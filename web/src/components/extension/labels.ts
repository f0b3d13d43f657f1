/** Chinese labels of 延长审查期限 and 送达 (行政许可法第四十二条、第四十四条). */
export const EXTENSION_STATUS_ZH: Record<string, string> = {
  requested: '待部门负责人审批',
  granted: '已批准延期',
  refused: '不予延期',
};
export const DELIVERY_METHOD_ZH: Record<string, string> = {
  electronic: '电子送达',
  direct: '直接送达',
  post: '邮寄送达',
};
