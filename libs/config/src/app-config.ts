import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, registerDecorator, validateSync } from 'class-validator';
import { isIP } from 'node:net';
import { resolve } from 'node:path';

const toBoolean = ({ value }: { value: unknown }) => (typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase()) : value);
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value);

/** A comma-separated list, trimmed, without empty entries. */
function listOf(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** `10.0.0.0/8`, `fd00::/8` or a single address (`127.0.0.1`, `::1`). */
function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** A comma-separated list whose every entry passes `check`. */
function IsListOf(check: (entry: string) => boolean, what: string) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isListOf',
      target: object.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && listOf(value).every(check),
        defaultMessage: () => `${propertyName} must be a comma-separated list of ${what}`,
      },
    });
}

const HOST_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const CHAT_ROLE_ENTRY = /^[A-Za-z0-9_-]{1,64}\/([A-Za-z0-9_-]{1,64}|\*)=(viewer|operator|admin)$/;

/** Chat roles by `<team>/<user>` (or `<team>/*` for the rest of a team). */
export type ChatUserRoles = Record<string, 'viewer' | 'operator' | 'admin'>;

function parseChatUserRoles(value: string): ChatUserRoles {
  const roles: ChatUserRoles = {};
  for (const entry of listOf(value)) {
    const [identity, role] = entry.split('=');
    roles[identity] = role as ChatUserRoles[string];
  }
  return roles;
}

/**
 * The environment variables the control plane reads, with their defaults. This class is the
 * configuration table of the README: keep the two in step.
 */
export class EnvironmentVariables {
  /** TCP port of the HTTP API. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8080;

  /** Address the HTTP API binds to. */
  @IsOptional()
  @IsString()
  HOST = '127.0.0.1';

  /** PostgreSQL connection URL. Unset: an embedded PostgreSQL is started with its data in DATA_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** Folder for local state: the embedded PostgreSQL's data and the generated master key. */
  @IsOptional()
  @IsString()
  DATA_DIR = '.data';

  /** Base64 of 32 random bytes: the key that encrypts credentials at rest (AES-256-GCM). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'MASTER_KEY must be base64 of exactly 32 bytes' })
  MASTER_KEY?: string;

  /** File holding the master key (base64). Default: DATA_DIR/master.key, generated (mode 0600) when missing. */
  @IsOptional()
  @IsString()
  MASTER_KEY_FILE?: string;

  /** The initial admin API token, for automation. Unset: the first start generates one and prints it once. */
  @IsOptional()
  @IsString()
  @MinLength(24)
  BOOTSTRAP_ADMIN_TOKEN?: string;

  /** Run the operation worker inside the API process (the one-command default). */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  WORKER_IN_PROCESS = true;

  /** Operations one worker process runs at the same time. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY = 4;

  /** Seconds a worker holds an operation without renewing its lease; a dead worker's operation is resumed after it. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(3600)
  OPERATION_LEASE_SECONDS = 30;

  /** Seconds between two sweeps for operations whose worker died. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  OPERATION_SWEEP_SECONDS = 10;

  /** Days events, finished webhook deliveries and finished chat replies are kept (0 keeps them forever). Operations, their logs and the audit log are always kept. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3650)
  RETENTION_DAYS = 30;

  /** Times a step is started before an interrupted or failing step fails its operation. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  STEP_MAX_ATTEMPTS = 3;

  /**
   * Seconds one attempt of a step may take when its plan states no bound of its own (plans set
   * `timeoutSeconds` on the steps they know to be long or short). The engine's one default.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  STEP_TIMEOUT_SECONDS = 600;

  /** Seconds between two status observations of every cluster (0 turns the monitor off). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86400)
  MONITOR_INTERVAL_SECONDS = 15;

  /** Largest accepted request body. */
  @IsOptional()
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 512kb or 1mb' })
  BODY_LIMIT = '1mb';

  /** Bearer token `/metrics` requires (at least 16 printable characters); empty leaves `/metrics` open, as on a private network. */
  @IsOptional()
  @IsString()
  @Matches(/^(|[\x21-\x7e]{16,})$/, { message: 'METRICS_TOKEN must be at least 16 printable characters' })
  METRICS_TOKEN = '';

  /** Failed authentications (401) one client address may make per AUTH_FAILURE_WINDOW_SECONDS before its API requests get 429 (0 turns the limit off). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000000)
  AUTH_FAILURE_LIMIT = 20;

  /** Window of AUTH_FAILURE_LIMIT, and how long a client address that exceeded it is refused. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  AUTH_FAILURE_WINDOW_SECONDS = 60;

  /** Comma-separated origins allowed by CORS, or * for any; empty turns CORS off. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS = '';

  /** Hours an Idempotency-Key is remembered. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(720)
  IDEMPOTENCY_TTL_HOURS = 24;

  /** Log level of the JSON logs. */
  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Largest clock difference (milliseconds) accepted between the control plane and a host. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600000)
  CLOCK_SKEW_MAX_MS = 1000;

  /** Seconds to wait for an SSH connection. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600)
  SSH_CONNECT_TIMEOUT_SECONDS = 10;

  /** Seconds a single remote command may run unless a step sets its own bound. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  SSH_COMMAND_TIMEOUT_SECONDS = 120;

  /**
   * Seconds a step waits for a host that does not answer (refused, no route, lost connection)
   * before it fails: long enough for a reboot. Separate from STEP_MAX_ATTEMPTS, which bounds
   * the retries of failed commands; 0 fails at once.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  SSH_HOST_WAIT_SECONDS = 120;

  /** Seconds between two heartbeat comments on an idle event stream (SSE), so proxies keep it open. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(300)
  SSE_HEARTBEAT_SECONDS = 15;

  /**
   * Comma-separated CIDRs (or single addresses) that outbound targets (webhooks, chat response
   * URLs) may resolve to even though they are refused by default (loopback, link-local, ...). A
   * cloud metadata address is only allowed when listed as a single address.
   */
  @IsOptional()
  @IsListOf(isCidr, 'CIDRs or IP addresses')
  OUTBOUND_ALLOWED_CIDRS = '';

  /** Comma-separated CIDRs refused as outbound targets on top of the defaults (e.g. private ranges). */
  @IsOptional()
  @IsListOf(isCidr, 'CIDRs or IP addresses')
  OUTBOUND_DENIED_CIDRS = '';

  /** Comma-separated host names (`hooks.example.com`, `*.example.com`) webhook URLs must use; empty allows any host. */
  @IsOptional()
  @IsListOf((h) => HOST_PATTERN.test(h), 'host names or *.domain patterns')
  WEBHOOK_ALLOWED_HOSTS = '';

  /** Attempts of one webhook delivery (or chat reply) before it is marked failed. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(30)
  WEBHOOK_MAX_ATTEMPTS = 8;

  /** Seconds one delivery attempt may take (connect, send, answer). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(120)
  WEBHOOK_TIMEOUT_SECONDS = 10;

  /** Delay before the first retry; each further retry waits twice as long (with jitter, at most an hour). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  WEBHOOK_RETRY_BASE_SECONDS = 10;

  /** Slack signing secret of the chat app (at least 16 characters); empty turns the chat endpoint off. */
  @IsOptional()
  @IsString()
  @Matches(/^(|[\x21-\x7e]{16,})$/, { message: 'CHAT_SIGNING_SECRET must be at least 16 printable characters' })
  CHAT_SIGNING_SECRET = '';

  /** Roles of chat users: `T0001/U0001=operator,T0001/U0002=viewer` (`T0001/*=viewer` for the rest of a team). */
  @IsOptional()
  @IsListOf((e) => CHAT_ROLE_ENTRY.test(e), '<team>/<user>=<viewer|operator|admin> entries')
  CHAT_USER_ROLES = '';

  /** Comma-separated host names a chat response URL may use (`*.domain` patterns allowed). */
  @IsOptional()
  @IsListOf((h) => HOST_PATTERN.test(h), 'host names or *.domain patterns')
  CHAT_RESPONSE_URL_HOSTS = 'hooks.slack.com';

  /** Seconds a chat confirmation code (`confirm <code>`) stays valid. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(3600)
  CHAT_CONFIRM_TTL_SECONDS = 300;
}

/** The validated configuration, as the rest of the code sees it. */
export interface AppConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  masterKey?: string;
  masterKeyFile: string;
  bootstrapAdminToken?: string;
  workerInProcess: boolean;
  workerConcurrency: number;
  operationLeaseSeconds: number;
  operationSweepSeconds: number;
  retentionDays: number;
  stepMaxAttempts: number;
  /** Bound of one step attempt when the plan states none. */
  stepTimeoutSeconds: number;
  monitorIntervalSeconds: number;
  bodyLimit: string;
  /** Unset: `/metrics` needs no token. */
  metricsToken?: string;
  /** 0: no limit on failed authentications. */
  authFailureLimit: number;
  authFailureWindowSeconds: number;
  corsOrigins: string[] | '*' | undefined;
  idempotencyTtlHours: number;
  logLevel: string;
  clockSkewMaxMs: number;
  sshConnectTimeoutSeconds: number;
  sshCommandTimeoutSeconds: number;
  sshHostWaitSeconds: number;
  sseHeartbeatSeconds: number;
  outboundAllowedCidrs: string[];
  outboundDeniedCidrs: string[];
  webhookAllowedHosts: string[];
  webhookMaxAttempts: number;
  webhookTimeoutSeconds: number;
  webhookRetryBaseSeconds: number;
  /** Unset: the chat endpoint answers 404 CHAT_NOT_CONFIGURED. */
  chatSigningSecret?: string;
  chatUserRoles: ChatUserRoles;
  chatResponseUrlHosts: string[];
  chatConfirmTtlSeconds: number;
}

/** Raised when the environment does not describe a valid configuration. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the configuration once. Unknown variables are ignored (the environment
 * holds far more than ours); a bad value of ours is an error that names the variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.keys(new EnvironmentVariables());
  const picked: Record<string, string> = {};
  for (const key of [...known, 'DATABASE_URL', 'MASTER_KEY', 'MASTER_KEY_FILE', 'BOOTSTRAP_ADMIN_TOKEN']) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const vars = plainToInstance(EnvironmentVariables, picked);
  const errors = validateSync(vars, { whitelist: true });
  if (errors.length > 0) {
    throw new ConfigError(errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`)));
  }
  const dataDir = resolve(vars.DATA_DIR);
  const cors = vars.CORS_ORIGINS.trim();
  return {
    port: vars.PORT,
    host: vars.HOST,
    databaseUrl: vars.DATABASE_URL,
    dataDir,
    masterKey: vars.MASTER_KEY,
    masterKeyFile: resolve(vars.MASTER_KEY_FILE ?? `${dataDir}/master.key`),
    bootstrapAdminToken: vars.BOOTSTRAP_ADMIN_TOKEN,
    workerInProcess: vars.WORKER_IN_PROCESS,
    workerConcurrency: vars.WORKER_CONCURRENCY,
    operationLeaseSeconds: vars.OPERATION_LEASE_SECONDS,
    operationSweepSeconds: vars.OPERATION_SWEEP_SECONDS,
    retentionDays: vars.RETENTION_DAYS,
    stepMaxAttempts: vars.STEP_MAX_ATTEMPTS,
    stepTimeoutSeconds: vars.STEP_TIMEOUT_SECONDS,
    monitorIntervalSeconds: vars.MONITOR_INTERVAL_SECONDS,
    bodyLimit: vars.BODY_LIMIT.toLowerCase(),
    metricsToken: vars.METRICS_TOKEN === '' ? undefined : vars.METRICS_TOKEN,
    authFailureLimit: vars.AUTH_FAILURE_LIMIT,
    authFailureWindowSeconds: vars.AUTH_FAILURE_WINDOW_SECONDS,
    corsOrigins:
      cors === ''
        ? undefined
        : cors === '*'
          ? '*'
          : cors
              .split(',')
              .map((o) => o.trim())
              .filter(Boolean),
    idempotencyTtlHours: vars.IDEMPOTENCY_TTL_HOURS,
    logLevel: vars.LOG_LEVEL,
    clockSkewMaxMs: vars.CLOCK_SKEW_MAX_MS,
    sshConnectTimeoutSeconds: vars.SSH_CONNECT_TIMEOUT_SECONDS,
    sshCommandTimeoutSeconds: vars.SSH_COMMAND_TIMEOUT_SECONDS,
    sshHostWaitSeconds: vars.SSH_HOST_WAIT_SECONDS,
    sseHeartbeatSeconds: vars.SSE_HEARTBEAT_SECONDS,
    outboundAllowedCidrs: listOf(vars.OUTBOUND_ALLOWED_CIDRS),
    outboundDeniedCidrs: listOf(vars.OUTBOUND_DENIED_CIDRS),
    webhookAllowedHosts: listOf(vars.WEBHOOK_ALLOWED_HOSTS).map((h) => h.toLowerCase()),
    webhookMaxAttempts: vars.WEBHOOK_MAX_ATTEMPTS,
    webhookTimeoutSeconds: vars.WEBHOOK_TIMEOUT_SECONDS,
    webhookRetryBaseSeconds: vars.WEBHOOK_RETRY_BASE_SECONDS,
    chatSigningSecret: vars.CHAT_SIGNING_SECRET === '' ? undefined : vars.CHAT_SIGNING_SECRET,
    chatUserRoles: parseChatUserRoles(vars.CHAT_USER_ROLES),
    chatResponseUrlHosts: listOf(vars.CHAT_RESPONSE_URL_HOSTS).map((h) => h.toLowerCase()),
    chatConfirmTtlSeconds: vars.CHAT_CONFIRM_TTL_SECONDS,
  };
}
