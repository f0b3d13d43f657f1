import { ElMessage } from 'element-plus';
import 'element-plus/es/components/message/style/css';
import { ApiProblem } from '../api/client';
import { signOut } from '../auth/session';
import { router } from '../router';

/**
 * Runs one action a person took and tells them what happened, in Chinese: the API's own message
 * on failure, a reload on a version conflict, the sign-in page when the session ended.
 */
export async function act<T>(
  run: () => Promise<T>,
  options: { success?: string; reload?: () => unknown } = {},
): Promise<T | undefined> {
  try {
    const result = await run();
    if (options.success) ElMessage.success({ message: options.success, showClose: true });
    return result;
  } catch (err) {
    report(err, options.reload);
    return undefined;
  }
}

/** Shows an error the way `act` does (for loads, which have no success message). */
export function report(err: unknown, reload?: () => unknown): void {
  if (err instanceof ApiProblem) {
    if (err.isConflict) {
      ElMessage.warning({
        message: '数据已被他人更新，已为您重新加载最新内容，请核对后再操作',
        showClose: true,
        duration: 6000,
      });
      void reload?.();
      return;
    }
    if (err.status === 401) {
      signOut();
      ElMessage.warning({ message: `${err.title}，请重新登录`, showClose: true });
      void router.push({ name: 'signIn' });
      return;
    }
    ElMessage.error({ message: err.messageZh, showClose: true, duration: 8000 });
    return;
  }
  console.warn(err);
  ElMessage.error({ message: '操作未完成，请稍后重试', showClose: true });
}
