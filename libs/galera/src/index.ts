/**
 * Backend-neutral Galera knowledge shared by the SSH and Kubernetes backends: wsrep status and
 * health, quorum and size rules, bootstrap and recovery choices, donors and rolling restarts, and
 * the configuration file. Pure functions: no I/O, no framework, no other project library.
 */
export { GaleraRuleError, pointerToken, type FieldError, type GaleraProblem, type ParseResult } from './problems';
export { compareNodeNames } from './node-names';
export { highestOrdinals, nextOrdinal } from './ordinals';
export { GALERA_PORT_NUMBERS, GALERA_PORTS } from './ports';
export { formatByteSize, parseByteSize } from './byte-size';
export {
  assessNodeHealth,
  parseNodeState,
  parseWsrepStatus,
  type NodeHealth,
  type NodeHealthCode,
  type NodeHealthPolicy,
  type WsrepClusterStatus,
  type WsrepNodeState,
  type WsrepStatus,
  type WsrepStatusRow,
} from './node-health';
export {
  assessClusterCondition,
  type ClusterCondition,
  type ClusterConditionCode,
  type ClusterConditionStatus,
  type ClusterCounts,
  type ClusterObservation,
  type MemberHealth,
  type ObservedMember,
} from './cluster-condition';
export { WSREP_METRICS, type WsrepMetric } from './wsrep-metrics';
export {
  canRemoveMembers,
  checkClusterSize,
  quorumOf,
  quorumChange,
  type QuorumChange,
  type ClusterSizeCheck,
  type ClusterSizeCode,
  type ClusterSizeOptions,
  type QuorumMember,
  type RemovalCheck,
  type RemovalCode,
} from './quorum';
export { ZERO_UUID, isGaleraUuid, needsPositionRecovery, parseGrastate, parseGvwstate, renderGrastate, type Grastate, type Gvwstate } from './grastate';
export {
  canUsePcRecovery,
  chooseBootstrapNode,
  parseRecoveredPosition,
  type BootstrapDecision,
  type BootstrapDecisionCode,
  type BootstrapEvidence,
  type BootstrapEvidenceRow,
  type BootstrapOptions,
  type EvidenceCode,
  type PcRecoveryCheck,
  type PcRecoveryCode,
  type RecoveredPosition,
} from './recovery';
export { judgeHostOwner, type ClusterOwnerIdentity, type HostOwnerEvidence, type HostOwnership } from './host-owner';
export { judgeExistingData, userSchemas, type ExistingData, type ExistingDataVerdict } from './existing-data';
export { orderRollingRestart, type RollingRestartOptions, type RollingRestartPlan } from './rolling';
export {
  averageWriteSetBytes,
  chooseDonor,
  chooseStateTransfer,
  isRecentlyRestarted,
  recommendGcacheSize,
  RECENT_RESTART_SECONDS,
  type DonorCandidate,
  type DonorChoice,
  type DonorOptions,
  type GcacheRecommendation,
  type GcacheSizingInput,
  type StateTransferChoice,
  type StateTransferCode,
  type StateTransferInput,
} from './donor';
export { chooseSstMethod, NEW_CLUSTER_SST_METHOD, planJoinTransfer, type JoinSituation, type JoinTransfer, type SstMethodChoice, type SstMethodCode } from './join-transfer';
export {
  DROPPED_PARAMETERS,
  PARAMETER_SPECS,
  REFUSED_PARAMETERS,
  findParameterSpec,
  normalizeParameterName,
  planParameterChanges,
  validateParameters,
  type ParameterChange,
  type ParameterChangePlan,
  type ParameterSpec,
  type ParameterType,
  type ParameterValidation,
  type ParameterValue,
  type ParameterWarning,
  type ValidateParametersOptions,
  type ValidatedParameter,
} from './parameters';
export {
  DEBIAN_GALERA_CONFIG_PATH,
  DEBIAN_GALERA_PROVIDER_PATH,
  DEFAULT_LOG_ERROR_PATH,
  readGaleraConfig,
  renderGaleraConfig,
  validateGaleraConfigInput,
  type GaleraConfigInput,
  type GaleraConfigValidation,
  type ReadGaleraConfig,
  type RenderedGaleraConfig,
  type SstMethod,
} from './galera-config';
export { NODE_START_OPTIONS, renderSharedGaleraConfig, validateSharedGaleraConfigInput, type SharedGaleraConfigInput } from './shared-config';
export { nodeHealthProbe, nodeHealthProbeChecks, type HealthProbeCheck, type NodeHealthProbe } from './health-probe';
export {
  assessClusterConditionFromProbes,
  type ProbedClusterCondition,
  type ProbedClusterObservation,
  type ProbedMember,
  type ProbedMemberCode,
  type ProbedMemberHealth,
  type ProbedMemberState,
} from './probe-condition';
