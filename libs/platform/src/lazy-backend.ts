import type {
  BackendCapabilities,
  BackendKind,
  ClusterBackend,
  ClusterChange,
  ClusterSpec,
  ClusterTarget,
  ObservedCluster,
  Plan,
  PlannedStep,
  StepContext,
  StepResult,
} from '@galera-cp/backends';
import type { FieldError } from '@galera-cp/core';

/**
 * A backend whose implementation is loaded on first use. What the control plane needs before
 * any backend work (capabilities, spec checks) comes from a light module; the rest (for
 * Kubernetes: @kubernetes/client-node, about 40 MiB once loaded) only when a cluster of that
 * kind is planned, executed or observed.
 */
export class LazyBackend implements ClusterBackend {
  private loading?: Promise<ClusterBackend>;

  constructor(
    readonly kind: BackendKind,
    readonly capabilities: BackendCapabilities,
    private readonly checkSpec: (spec: ClusterSpec) => FieldError[],
    private readonly load: () => Promise<ClusterBackend>,
  ) {}

  private backend(): Promise<ClusterBackend> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  validateSpec(spec: ClusterSpec): FieldError[] {
    return this.checkSpec(spec);
  }

  async observe(target: ClusterTarget, options: { signal: AbortSignal }): Promise<ObservedCluster> {
    return (await this.backend()).observe(target, options);
  }

  async plan(target: ClusterTarget, change: ClusterChange, options: { signal: AbortSignal; log?: (message: string) => void }): Promise<Plan> {
    return (await this.backend()).plan(target, change, options);
  }

  async executeStep(target: ClusterTarget, step: PlannedStep, context: StepContext): Promise<StepResult> {
    return (await this.backend()).executeStep(target, step, context);
  }
}
