import { PageQueryDto } from '@galera-cp/http';
import { BACKEND_KINDS } from '@galera-cp/backends';
import { CLUSTER_STATES } from '@galera-cp/clusters';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsParameterMap, IsStringMap } from '../common/string-map.validator';

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
const HOST = /^(?=.{1,253}$)([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$|^[0-9a-fA-F:]{2,39}$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
const SIZE = /^[1-9][0-9]{0,9}[KMG]?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const LABEL_KEY = /^[a-zA-Z0-9]([-a-zA-Z0-9_./]{0,61}[a-zA-Z0-9])?$/;

/** One host of an SSH cluster's inventory. */
@ApiSchema({ name: 'SshHost' })
export class SshHostDto {
  @ApiProperty({ description: 'IP address or DNS name the control plane and the other members reach the host at', example: '10.250.0.11' })
  @IsString()
  @Matches(HOST, { message: 'address must be an IP address or a DNS name' })
  address!: string;

  @ApiPropertyOptional({
    description: 'Pinned SHA-256 fingerprint of the host key, as `ssh-keygen -lf` prints it; required unless trustOnFirstUse',
    example: 'SHA256:2nX1q3W5VBE4P8dC4bH0V0x9yqJ3r8o0Z0cS3QeJ6yQ',
  })
  @IsOptional()
  @Matches(FINGERPRINT, { message: 'hostKeyFingerprint must look like SHA256:<43 base64 characters>' })
  hostKeyFingerprint?: string;
}

/** How an SSH cluster is reached. */
@ApiSchema({ name: 'SshSpecInput' })
export class SshSpecInputDto {
  @ApiProperty({ description: 'Credential (SSH private key or password) to log in with', example: 'cr_01jd2x…' })
  @IsString()
  @Matches(/^cr_[0-9a-z]{26}$/, { message: 'credentialId must be a credential id (cr_…)' })
  credentialId!: string;

  @ApiPropertyOptional({ description: 'Login user; a non-root user needs passwordless sudo', default: 'root' })
  @IsOptional()
  @Matches(/^[a-z_][a-z0-9_-]{0,31}$/, { message: 'user must be a POSIX user name' })
  user?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'SSH port', default: 22 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiProperty({ type: [SshHostDto], description: 'The inventory: members are taken in order; scaling out uses the next unused host' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(64)
  @ValidateNested({ each: true })
  @Type(() => SshHostDto)
  hosts!: SshHostDto[];

  @ApiPropertyOptional({ description: 'Accept and pin the key a host presents on first contact when no fingerprint is given', default: false })
  @IsOptional()
  @IsBoolean()
  trustOnFirstUse?: boolean;
}

/** Compute resources of a pod. */
@ApiSchema({ name: 'KubernetesResources' })
export class KubernetesResourcesDto {
  @ApiPropertyOptional({ example: '500m' })
  @IsOptional()
  @Matches(QUANTITY, { message: 'cpu must be a Kubernetes quantity' })
  cpu?: string;

  @ApiPropertyOptional({ example: '1Gi' })
  @IsOptional()
  @Matches(QUANTITY, { message: 'memory must be a Kubernetes quantity' })
  memory?: string;
}

/** How a Kubernetes cluster is laid out. */
@ApiSchema({ name: 'KubernetesSpecInput' })
export class KubernetesSpecInputDto {
  @ApiPropertyOptional({ description: 'Kubeconfig credential; absent means the in-cluster configuration' })
  @IsOptional()
  @Matches(/^cr_[0-9a-z]{26}$/, { message: 'credentialId must be a credential id (cr_…)' })
  credentialId?: string;

  @ApiPropertyOptional({ default: 'default' })
  @IsOptional()
  @Matches(DNS_LABEL, { message: 'namespace must be a DNS label' })
  namespace?: string;

  @ApiPropertyOptional({ description: 'MariaDB image with its version', default: 'mariadb:10.11' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @Matches(/^[a-z0-9][a-z0-9._/:@-]*$/, { message: 'image must be an image reference' })
  image?: string;

  @ApiPropertyOptional({ description: "Size of each member's volume", default: '10Gi' })
  @IsOptional()
  @Matches(QUANTITY, { message: 'storageSize must be a Kubernetes quantity' })
  storageSize?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(DNS_LABEL, { message: 'storageClassName must be a DNS label' })
  storageClassName?: string;

  @ApiPropertyOptional({ type: KubernetesResourcesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => KubernetesResourcesDto)
  resources?: KubernetesResourcesDto;
}

/** Galera settings. */
@ApiSchema({ name: 'GaleraSpecInput' })
export class GaleraSpecInputDto {
  @ApiPropertyOptional({ enum: ['mariabackup', 'rsync'], default: 'mariabackup', description: 'State transfer method; rsync blocks the donor' })
  @IsOptional()
  @IsIn(['mariabackup', 'rsync'])
  sstMethod?: 'mariabackup' | 'rsync';

  @ApiPropertyOptional({ default: '512M', description: 'Galera cache: size it to cover the longest planned outage (write rate x outage)' })
  @IsOptional()
  @Matches(SIZE, { message: 'gcacheSize must be a size such as 512M or 2G' })
  gcacheSize?: string;

  @ApiPropertyOptional({ default: '256M' })
  @IsOptional()
  @Matches(SIZE, { message: 'bufferPoolSize must be a size such as 256M or 4G' })
  bufferPoolSize?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    description: 'Server parameters from the allow-list',
    example: { max_connections: 500 },
  })
  @IsOptional()
  @IsParameterMap()
  parameters?: Record<string, string | number | boolean>;
}

/** What to do when things go wrong, and what to protect. */
@ApiSchema({ name: 'ClusterPolicyInput' })
export class ClusterPolicyInputDto {
  @ApiPropertyOptional({ default: false, description: 'Run full-crash recovery without waiting for an approval' })
  @IsOptional()
  @IsBoolean()
  autoRecovery?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Refuse deletion until turned off' })
  @IsOptional()
  @IsBoolean()
  deletionProtection?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Count a Donor/Desynced node as serving traffic' })
  @IsOptional()
  @IsBoolean()
  donorServesTraffic?: boolean;
}

/** Engine flavour and version. */
@ApiSchema({ name: 'EngineInput' })
export class EngineInputDto {
  @ApiPropertyOptional({ default: '10.11', example: '10.11' })
  @IsOptional()
  @Matches(/^\d{1,2}\.\d{1,2}$/, { message: 'version must look like 10.11' })
  version?: string;
}

/** A new cluster. */
@ApiSchema({ name: 'CreateClusterRequest' })
export class CreateClusterRequestDto {
  @ApiProperty({ description: 'Unique name: a DNS label of at most 40 characters (also the wsrep cluster name)', example: 'orders' })
  @IsString()
  @Matches(DNS_LABEL, { message: 'name must be a DNS label: lowercase letters, digits and dashes, at most 40 characters' })
  name!: string;

  @ApiProperty({ enum: BACKEND_KINDS })
  @IsIn([...BACKEND_KINDS])
  backend!: 'ssh' | 'kubernetes';

  @ApiPropertyOptional({ type: 'integer', description: 'Members; default: every SSH host, or 3 on Kubernetes. Odd and >= 3 unless force', minimum: 1, maximum: 64 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  replicas?: number;

  @ApiPropertyOptional({ default: false, description: 'Accept an unsafe size (1, 2, even); the plan says why it is risky' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;

  /** Take over hosts another live cluster record holds (its hosts were rebuilt for this one); audited as cluster.takeover. */
  @ApiPropertyOptional({
    default: false,
    description:
      'Take over hosts another live cluster record holds (for example its hosts were rebuilt for this cluster); without it such a create is refused with 409 HOSTS_HELD_BY_OTHER_CLUSTER. Audited as cluster.takeover',
  })
  @IsOptional()
  @IsBoolean()
  takeover?: boolean;

  @ApiPropertyOptional({ type: EngineInputDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => EngineInputDto)
  engine?: EngineInputDto;

  @ApiPropertyOptional({ type: GaleraSpecInputDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => GaleraSpecInputDto)
  galera?: GaleraSpecInputDto;

  @ApiPropertyOptional({ type: ClusterPolicyInputDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ClusterPolicyInputDto)
  policy?: ClusterPolicyInputDto;

  @ApiPropertyOptional({ type: SshSpecInputDto, description: 'Required when backend is ssh' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SshSpecInputDto)
  ssh?: SshSpecInputDto;

  @ApiPropertyOptional({ type: KubernetesSpecInputDto, description: 'Required when backend is kubernetes' })
  @IsOptional()
  @ValidateNested()
  @Type(() => KubernetesSpecInputDto)
  kubernetes?: KubernetesSpecInputDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { team: 'payments' } })
  @IsOptional()
  @IsStringMap({ keyPattern: LABEL_KEY, maxValue: 63, maxEntries: 32 })
  labels?: Record<string, string>;
}

/** The fields that change without backend work. */
@ApiSchema({ name: 'UpdateClusterRequest' })
export class UpdateClusterRequestDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Replaces the labels' })
  @IsOptional()
  @IsStringMap({ keyPattern: LABEL_KEY, maxValue: 63, maxEntries: 32 })
  labels?: Record<string, string>;

  @ApiPropertyOptional({ type: ClusterPolicyInputDto, description: 'Merged into the policy' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ClusterPolicyInputDto)
  policy?: ClusterPolicyInputDto;
}

/** Scale to a number of members. */
@ApiSchema({ name: 'ScaleClusterRequest' })
export class ScaleClusterRequestDto {
  @ApiProperty({ minimum: 1, maximum: 64, example: 5 })
  @IsInt()
  @Min(1)
  @Max(64)
  replicas!: number;

  @ApiPropertyOptional({ default: false, description: 'Accept an unsafe size (never a loss of quorum)' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

/** Add one member. */
@ApiSchema({ name: 'AddNodeRequest' })
export class AddNodeRequestDto {
  @ApiPropertyOptional({ type: SshHostDto, description: 'SSH: the host to add (added to the inventory); Kubernetes: leave out' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SshHostDto)
  host?: SshHostDto;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  force?: boolean;

  /** Take over the host when another live cluster record holds it; audited as cluster.takeover. */
  @ApiPropertyOptional({
    default: false,
    description: 'Take over the host when another live cluster record holds it; without it the request is refused with 409 HOSTS_HELD_BY_OTHER_CLUSTER. Audited as cluster.takeover',
  })
  @IsOptional()
  @IsBoolean()
  takeover?: boolean;
}

/** Full-crash recovery. */
@ApiSchema({ name: 'RecoverClusterRequest' })
export class RecoverClusterRequestDto {
  @ApiPropertyOptional({ type: [String], description: 'Members an operator accepts to recover without (unreachable ones); recovery waits for every other member' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  acceptMissing?: string[];

  @ApiPropertyOptional({ default: false, description: 'Approve the plan now instead of through POST /v1/operations/{id}/approve' })
  @IsOptional()
  @IsBoolean()
  approve?: boolean;
}

/** Change server parameters. */
@ApiSchema({ name: 'ReconfigureClusterRequest' })
export class ReconfigureClusterRequestDto {
  @ApiProperty({ type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] }, example: { max_connections: 800 } })
  @IsParameterMap()
  parameters!: Record<string, string | number | boolean>;
}

/** An empty body (restart, stop, start). */
@ApiSchema({ name: 'EmptyRequest' })
export class EmptyRequestDto {}

// ---- answers ----

@ApiSchema({ name: 'SshSpec' })
export class SshSpecDto {
  @ApiProperty() credentialId!: string;
  @ApiProperty() user!: string;
  @ApiProperty({ type: 'integer' }) port!: number;
  @ApiProperty({ type: [SshHostDto] }) hosts!: SshHostDto[];
  @ApiProperty() trustOnFirstUse!: boolean;
}

@ApiSchema({ name: 'KubernetesSpec' })
export class KubernetesSpecDto {
  @ApiPropertyOptional() credentialId?: string;
  @ApiProperty() namespace!: string;
  @ApiProperty() image!: string;
  @ApiProperty() storageSize!: string;
  @ApiPropertyOptional() storageClassName?: string;
  @ApiPropertyOptional({ type: KubernetesResourcesDto }) resources?: KubernetesResourcesDto;
}

@ApiSchema({ name: 'GaleraSpec' })
export class GaleraSpecDto {
  @ApiProperty({ enum: ['mariabackup', 'rsync'] }) sstMethod!: string;
  @ApiProperty() gcacheSize!: string;
  @ApiProperty() bufferPoolSize!: string;
  @ApiProperty({ type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } }) parameters!: Record<string, string | number | boolean>;
}

@ApiSchema({ name: 'ClusterPolicy' })
export class ClusterPolicyDto {
  @ApiProperty() autoRecovery!: boolean;
  @ApiProperty() deletionProtection!: boolean;
  @ApiProperty() donorServesTraffic!: boolean;
}

@ApiSchema({ name: 'Engine' })
export class EngineDto {
  @ApiProperty({ enum: ['mariadb'] }) flavor!: 'mariadb';
  @ApiProperty() version!: string;
}

/** The desired state, as written by clients (defaults applied). */
@ApiSchema({ name: 'ClusterSpec' })
export class ClusterSpecDto {
  @ApiProperty({ enum: BACKEND_KINDS }) backend!: string;
  @ApiProperty({ type: 'integer' }) replicas!: number;
  @ApiProperty({ type: EngineDto }) engine!: EngineDto;
  @ApiProperty({ type: GaleraSpecDto }) galera!: GaleraSpecDto;
  @ApiProperty({ type: ClusterPolicyDto }) policy!: ClusterPolicyDto;
  @ApiPropertyOptional({ type: SshSpecDto }) ssh?: SshSpecDto;
  @ApiPropertyOptional({ type: KubernetesSpecDto }) kubernetes?: KubernetesSpecDto;
}

@ApiSchema({ name: 'ClusterCondition' })
export class ClusterConditionDto {
  @ApiProperty({ example: 'Ready', description: 'Ready or Progressing' }) type!: string;
  @ApiProperty({ enum: ['True', 'False', 'Unknown'] }) status!: string;
  @ApiProperty({ example: 'Degraded' }) reason!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ format: 'date-time' }) lastTransitionTime!: string;
}

@ApiSchema({ name: 'ClusterSize' })
export class ClusterSizeDto {
  @ApiProperty({ type: 'integer', description: 'Members the spec asks for' }) desired!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'wsrep_cluster_size as last observed' }) observed!: number | null;
  @ApiProperty({ description: 'Members that serve traffic (Primary, ready, connected, Synced)' }) healthy!: number;
}

/** What the system observed and did; written only by the system. */
@ApiSchema({ name: 'ClusterStatus' })
export class ClusterStatusDto {
  @ApiProperty({ enum: CLUSTER_STATES }) state!: string;
  @ApiProperty({ type: [ClusterConditionDto] }) conditions!: ClusterConditionDto[];
  @ApiProperty({ type: 'integer', description: 'The spec generation the last successful operation applied' }) observedGeneration!: number;
  @ApiProperty({ type: ClusterSizeDto }) size!: ClusterSizeDto;
  @ApiProperty({ type: String, nullable: true }) activeOperationId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastObservedAt!: string | null;
  @ApiProperty() message!: string;
}

/** A Galera cluster. */
@ApiSchema({ name: 'Cluster' })
export class ClusterDto {
  @ApiProperty({ example: 'cl_01jd2x…' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer', description: 'Bumped on every spec change; the ETag' }) generation!: number;
  @ApiProperty({ type: ClusterSpecDto }) spec!: ClusterSpecDto;
  @ApiProperty({ type: ClusterStatusDto }) status!: ClusterStatusDto;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels!: Record<string, string>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

@ApiSchema({ name: 'ClusterPage' })
export class ClusterPageDto {
  @ApiProperty({ type: [ClusterDto] }) items!: ClusterDto[];
  @ApiProperty({ type: String, nullable: true }) nextPageToken!: string | null;
}

/** One Galera member. */
@ApiSchema({ name: 'Node' })
export class NodeDto {
  @ApiProperty({ example: 'nd_01jd2x…' }) id!: string;
  @ApiProperty() clusterId!: string;
  @ApiProperty({ example: 'orders-0' }) name!: string;
  @ApiProperty({ type: 'integer' }) ordinal!: number;
  @ApiProperty() address!: string;
  @ApiProperty({ enum: ['member', 'arbitrator'] }) role!: string;
  @ApiProperty({ description: 'Managed lifecycle: Pending, Joining, Member, Stopped, Removing', example: 'Member' }) phase!: string;
  @ApiProperty({ description: 'wsrep_local_state_comment as last observed, or Unreachable/Unknown', example: 'Synced' }) wsrepState!: string;
  @ApiProperty({ description: 'Serves traffic by the Galera health rule' }) healthy!: boolean;
  @ApiProperty({ type: 'integer', nullable: true }) seqno!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Last observed wsrep figures' }) observed!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastSeenAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

@ApiSchema({ name: 'NodeList' })
export class NodeListDto {
  @ApiProperty({ type: [NodeDto] }) items!: NodeDto[];
}

@ApiSchema({ name: 'ListClustersQuery' })
export class ListClustersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only the live cluster with this name (names are unique among live clusters)' })
  @IsOptional()
  @Matches(DNS_LABEL, { message: 'name must be a DNS label' })
  name?: string;

  @ApiPropertyOptional({ enum: CLUSTER_STATES })
  @IsOptional()
  @IsIn([...CLUSTER_STATES])
  state?: string;

  @ApiPropertyOptional({ enum: BACKEND_KINDS })
  @IsOptional()
  @IsIn([...BACKEND_KINDS])
  backend?: string;
}
