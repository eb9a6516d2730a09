/**
 * Reading members out of pods and the StatefulSet: readiness (the Galera health rule, through the
 * readiness probe), revisions of a rolling update, and a person-readable account of why a pod is
 * not Ready.
 */
import type { ProbedMember } from '@galera-cp/galera';
import type { V1Pod, V1PodCondition, V1StatefulSet } from '@kubernetes/client-node';

/** The label the StatefulSet controller puts on each pod: the revision of the template it runs. */
export const REVISION_LABEL = 'controller-revision-hash';

/** What a pod's readiness means here, for messages. */
export const READINESS_RULE = 'readiness is the Galera health rule (Primary, wsrep_ready ON, wsrep_connected ON, Synced)';

/** The ordinal of a member's pod `<cluster>-<ordinal>`, or undefined. */
export function ordinalOf(cluster: string, podName: string | undefined): number | undefined {
  const prefix = `${cluster}-`;
  if (!podName?.startsWith(prefix)) return undefined;
  const rest = podName.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : undefined;
}

function readyCondition(pod: V1Pod): V1PodCondition | undefined {
  return (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
}

/** Running, Ready (its readiness probe, the Galera health rule, passes) and not being deleted. */
export function isPodReady(pod: V1Pod | undefined): boolean {
  return Boolean(pod && !pod.metadata?.deletionTimestamp && pod.status?.phase === 'Running' && readyCondition(pod)?.status === 'True');
}

/** Whether the pod's server process runs: Running with a running container, not being deleted. */
export function isPodRunning(pod: V1Pod | undefined): boolean {
  if (!pod || pod.metadata?.deletionTimestamp || pod.status?.phase !== 'Running') return false;
  const statuses = pod.status.containerStatuses ?? [];
  return statuses.length === 0 || statuses.every((s) => Boolean(s.state?.running));
}

/** The revision of the StatefulSet template the pod was made from. */
export function podRevision(pod: V1Pod | undefined): string | undefined {
  return pod?.metadata?.labels?.[REVISION_LABEL];
}

/**
 * The StatefulSet's update revision once its controller has seen the latest spec (status for an
 * older generation says nothing about the template just written).
 */
export function updateRevisionOf(sts: V1StatefulSet | undefined): string | undefined {
  if (!sts?.status) return undefined;
  const generation = sts.metadata?.generation ?? 0;
  if ((sts.status.observedGeneration ?? 0) < generation) return undefined;
  return sts.status.updateRevision;
}

function conditionText(c: V1PodCondition): string {
  const why = [c.reason, c.message].filter(Boolean).join(': ');
  return `${c.type}=${c.status}${why ? ` (${why})` : ''}`;
}

/** Why a pod is (not) Ready, in one line: phase, failing conditions, container state, restarts. */
export function describePod(pod: V1Pod): string {
  const parts: string[] = [];
  if (pod.metadata?.deletionTimestamp) parts.push('being deleted');
  parts.push(`phase ${pod.status?.phase ?? 'unknown'}`);
  const failing = (pod.status?.conditions ?? []).filter((c) => c.status !== 'True');
  if (failing.length > 0) parts.push(failing.map(conditionText).join(', '));
  for (const s of pod.status?.containerStatuses ?? []) {
    const state = s.state?.running
      ? 'running'
      : s.state?.waiting
        ? `waiting (${[s.state.waiting.reason, s.state.waiting.message].filter(Boolean).join(': ')})`
        : s.state?.terminated
          ? `terminated (exit ${s.state.terminated.exitCode}${s.state.terminated.reason ? `, ${s.state.terminated.reason}` : ''})`
          : 'not started';
    const last = s.lastState?.terminated ? `, last exit ${s.lastState.terminated.exitCode}${s.lastState.terminated.reason ? ` (${s.lastState.terminated.reason})` : ''}` : '';
    parts.push(`container ${s.name} ${state}, ${s.ready ? 'ready' : 'not ready'}, ${s.restartCount} restart(s)${last}`);
  }
  return parts.join('; ');
}

/** The facts behind {@link describePod}, for an error's details. */
export function podDetails(pod: V1Pod | undefined): Record<string, unknown> {
  if (!pod) return { exists: false };
  return {
    exists: true,
    phase: pod.status?.phase ?? null,
    revision: podRevision(pod) ?? null,
    conditions: (pod.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason ?? null, message: c.message ?? null })),
    containers: (pod.status?.containerStatuses ?? []).map((s) => ({
      name: s.name,
      ready: s.ready,
      restartCount: s.restartCount,
      state: s.state?.running ? 'running' : s.state?.waiting ? `waiting: ${s.state.waiting.reason ?? ''}` : s.state?.terminated ? `terminated: ${s.state.terminated.exitCode}` : 'unknown',
    })),
  };
}

/** A member as the probe-based cluster condition reads it. */
export function probedMember(name: string, pod: V1Pod | undefined): ProbedMember {
  if (!pod) return { name, state: 'not-running', reason: 'no pod (not created yet, or removed)' };
  if (isPodReady(pod)) return { name, state: 'serving' };
  return { name, state: isPodRunning(pod) ? 'running' : 'not-running', reason: describePod(pod) };
}
