import type { FaultRule } from './faults';
import { isPlainObject } from './types';

/**
 * The simulator controls this API drives. The simulator passes itself; declared here rather than
 * imported as `KubernetesSimulator`, so simulator.ts and this file do not import each other.
 */
export interface SimulatorControls {
  readonly faults: { add(rule: FaultRule): number; remove(id: number): void; clear(): void; list(): unknown[]; seed(seed: number): void };
  readonly pods: {
    crash(namespace: string, name: string): void;
    neverReady(namespace: string, name: string): void;
    heal(namespace: string, name: string): void;
    setReadyDelay(ms: number, target?: { namespace: string; statefulSet: string } | { namespace: string; pod: string }): void;
  };
  readonly controller: { pause(): void; resume(): void; readonly paused: boolean; actions(): unknown[] };
  readonly requests: { list(): unknown[]; clear(): void };
  compactWatchHistory(): void;
}

type Answer = { status: number; body: unknown };

const ok = (body: unknown = { ok: true }): Answer => ({ status: 200, body });
const notFound = (): Answer => ({ status: 404, body: { error: 'unknown simulator control' } });
const bad = (message: string): Answer => ({ status: 400, body: { error: message } });

/**
 * The simulator's controls over HTTP, under /_sim/ (bearer token required), for tests that drive a
 * simulator from another process:
 *
 * | method + path                               | body                                   |
 * |---------------------------------------------|----------------------------------------|
 * | GET / DELETE `/_sim/requests`               | -                                      |
 * | GET / POST / DELETE `/_sim/faults`          | POST: a FaultRule (`status`, `fraction`, ...) |
 * | DELETE `/_sim/faults/{id}`                  | -                                      |
 * | POST `/_sim/seed`                           | `{ "seed": 42 }`                       |
 * | POST `/_sim/controller/pause` / `resume`    | -                                      |
 * | GET `/_sim/controller/actions`              | -                                      |
 * | PUT `/_sim/pods/{ns}/{name}/fault`          | `{ "mode": "crash" \| "never-ready" \| null }` |
 * | PUT `/_sim/ready-delay`                     | `{ "ms": 50, "namespace"?, "statefulSet"? \| "pod"? }` |
 * | POST `/_sim/compact`                        | -                                      |
 */
export function handleControlRequest(sim: SimulatorControls, method: string, segments: string[], body: unknown): Answer {
  const [area, ...rest] = segments;
  const input = isPlainObject(body) ? body : {};
  switch (area) {
    case 'requests':
      if (method === 'GET') return ok({ items: sim.requests.list() });
      if (method === 'DELETE') {
        sim.requests.clear();
        return ok();
      }
      return notFound();
    case 'faults':
      if (rest.length === 1 && method === 'DELETE') {
        sim.faults.remove(Number(rest[0]));
        return ok();
      }
      if (method === 'GET') return ok({ items: sim.faults.list() });
      if (method === 'DELETE') {
        sim.faults.clear();
        return ok();
      }
      if (method === 'POST') {
        if (![409, 429, 500, 503].includes(Number(input.status)) || typeof input.fraction !== 'number') {
          return bad('a fault rule needs status (409, 429, 500 or 503) and fraction (0..1)');
        }
        try {
          return ok({ id: sim.faults.add(input as unknown as FaultRule) });
        } catch (error) {
          return bad((error as Error).message);
        }
      }
      return notFound();
    case 'seed':
      if (method !== 'POST' || typeof input.seed !== 'number') return bad('POST { "seed": <number> }');
      sim.faults.seed(input.seed);
      return ok();
    case 'controller':
      if (method === 'POST' && rest[0] === 'pause') sim.controller.pause();
      else if (method === 'POST' && rest[0] === 'resume') sim.controller.resume();
      else if (method === 'GET' && rest[0] === 'actions') return ok({ items: sim.controller.actions() });
      else return notFound();
      return ok({ paused: sim.controller.paused });
    case 'pods': {
      const [namespace, name, what] = rest;
      if (method !== 'PUT' || what !== 'fault' || !namespace || !name) return notFound();
      if (input.mode === 'crash') sim.pods.crash(namespace, name);
      else if (input.mode === 'never-ready') sim.pods.neverReady(namespace, name);
      else if (input.mode === null || input.mode === undefined) sim.pods.heal(namespace, name);
      else return bad('mode must be "crash", "never-ready" or null');
      return ok();
    }
    case 'ready-delay': {
      if (method !== 'PUT' || typeof input.ms !== 'number') return bad('PUT { "ms": <number>, "namespace"?, "statefulSet"? | "pod"? }');
      const namespace = typeof input.namespace === 'string' ? input.namespace : undefined;
      if (namespace && typeof input.pod === 'string') sim.pods.setReadyDelay(input.ms, { namespace, pod: input.pod });
      else if (namespace && typeof input.statefulSet === 'string') sim.pods.setReadyDelay(input.ms, { namespace, statefulSet: input.statefulSet });
      else sim.pods.setReadyDelay(input.ms);
      return ok();
    }
    case 'compact':
      if (method !== 'POST') return notFound();
      sim.compactWatchHistory();
      return ok();
    default:
      return notFound();
  }
}
