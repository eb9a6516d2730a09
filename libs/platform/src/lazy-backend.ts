import type {
  BackendCapabilities,
  BackendKind,
  BackendSpecRules,
  ClusterBackend,
  ClusterChange,
  ClusterSpec,
  ClusterSpecDraft,
  ClusterTarget,
  CredentialReference,
  MemberRecord,
  PinnedHostKey,
  SshHostSpec,
  ObservedCluster,
  Plan,
  PlannedStep,
  SettledChange,
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
  readonly kind: BackendKind;
  readonly capabilities: BackendCapabilities;
  readonly auditedFailures?: Readonly<Record<string, string>>;
  readonly occupiedAddresses?: (spec: ClusterSpec) => string[];
  readonly addMember?: (spec: ClusterSpec, request: { host?: SshHostSpec }, members: readonly MemberRecord[]) => ClusterSpec;
  readonly pinHostKeys?: (spec: ClusterSpec, keys: readonly PinnedHostKey[]) => ClusterSpec | undefined;

  constructor(
    private readonly rules: BackendSpecRules,
    private readonly load: () => Promise<ClusterBackend>,
  ) {
    this.kind = rules.kind;
    this.capabilities = rules.capabilities;
    // The optional rules exist only when the light module has them (the control plane tests for them).
    if (rules.auditedFailures) this.auditedFailures = rules.auditedFailures;
    if (rules.occupiedAddresses) this.occupiedAddresses = rules.occupiedAddresses.bind(rules);
    if (rules.addMember) this.addMember = rules.addMember.bind(rules);
    if (rules.pinHostKeys) this.pinHostKeys = rules.pinHostKeys.bind(rules);
  }

  private backend(): Promise<ClusterBackend> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  validateSpec(spec: ClusterSpec): FieldError[] {
    return this.rules.validateSpec(spec);
  }

  specDefaults(draft: ClusterSpecDraft): ReturnType<BackendSpecRules['specDefaults']> {
    return this.rules.specDefaults(draft);
  }

  credentialOf(spec: ClusterSpec): CredentialReference | undefined {
    return this.rules.credentialOf(spec);
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

  /**
   * A cancelled membership change converges through the loaded backend's own `settle` (a
   * StatefulSet set back to the pods there are); a backend without one has nothing to correct.
   */
  async settle(target: ClusterTarget, change: ClusterChange, options: { membersBefore: string[]; signal: AbortSignal; log: (message: string) => void }): Promise<SettledChange> {
    const backend = await this.backend();
    return backend.settle ? backend.settle(target, change, options) : { members: [] };
  }
}
