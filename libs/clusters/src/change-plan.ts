import type { ClusterBackend, ClusterChange, ClusterTarget, Plan } from '@galera-cp/backends';

/**
 * The plan of a change: the backend's, except for what needs no backend at all. A `forget`
 * delete drops only the control plane's record, so nothing is asked of (or done on) the hosts or
 * objects, which may belong to someone else by now.
 */
export async function planChange(backend: ClusterBackend, target: ClusterTarget, change: ClusterChange, options: Parameters<ClusterBackend['plan']>[2]): Promise<Plan> {
  if (change.type === 'cluster.delete' && change.forget) {
    return {
      summary: `Forget cluster ${target.name}: remove the record only; nothing on its ${target.members.length} member(s) is touched`,
      steps: [],
      details: { warnings: ['forget: the members keep running and keep their data; the control plane stops managing them'] },
    };
  }
  return backend.plan(target, change, options);
}
