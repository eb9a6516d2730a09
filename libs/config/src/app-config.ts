import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { resolve } from 'node:path';

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase()) : value;
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value);

/**
 * The environment variables the control plane reads, with their defaults. This class is the
 * configuration table of the README: keep the two in step.
 */
export class EnvironmentVariables {
  /** TCP port of the HTTP API. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 8080;

  /** Address the HTTP API binds to. */
  @IsOptional() @IsString()
  HOST = '127.0.0.1';

  /** PostgreSQL connection URL. Unset: an embedded PostgreSQL is started with its data in DATA_DIR. */
  @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** Folder for local state: the embedded PostgreSQL's data and the generated master key. */
  @IsOptional() @IsString()
  DATA_DIR = '.data';

  /** Base64 of 32 random bytes: the key that encrypts credentials at rest (AES-256-GCM). */
  @IsOptional() @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'MASTER_KEY must be base64 of exactly 32 bytes' })
  MASTER_KEY?: string;

  /** File holding the master key (base64). Default: DATA_DIR/master.key, generated (mode 0600) when missing. */
  @IsOptional() @IsString()
  MASTER_KEY_FILE?: string;

  /** The initial admin API token, for automation. Unset: the first start generates one and prints it once. */
  @IsOptional() @IsString() @MinLength(24)
  BOOTSTRAP_ADMIN_TOKEN?: string;

  /** Run the operation worker inside the API process (the one-command default). */
  @IsOptional() @Transform(toBoolean) @IsBoolean()
  WORKER_IN_PROCESS = true;

  /** Operations one worker process runs at the same time. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(64)
  WORKER_CONCURRENCY = 4;

  /** Seconds a worker holds an operation without renewing its lease; a dead worker's operation is resumed after it. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(2) @Max(3600)
  OPERATION_LEASE_SECONDS = 30;

  /** Seconds between two sweeps for operations whose worker died. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  OPERATION_SWEEP_SECONDS = 10;

  /** Times a step is started before an interrupted or failing step fails its operation. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(20)
  STEP_MAX_ATTEMPTS = 3;

  /** Seconds between two status observations of every cluster (0 turns the monitor off). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(86400)
  MONITOR_INTERVAL_SECONDS = 15;

  /** Largest accepted request body. */
  @IsOptional() @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 512kb or 1mb' })
  BODY_LIMIT = '1mb';

  /** Comma-separated origins allowed by CORS, or * for any; empty turns CORS off. */
  @IsOptional() @IsString()
  CORS_ORIGINS = '';

  /** Hours an Idempotency-Key is remembered. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(720)
  IDEMPOTENCY_TTL_HOURS = 24;

  /** Log level of the JSON logs. */
  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Largest clock difference (milliseconds) accepted between the control plane and a host. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(600000)
  CLOCK_SKEW_MAX_MS = 1000;

  /** Seconds to wait for an SSH connection. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(600)
  SSH_CONNECT_TIMEOUT_SECONDS = 10;

  /** Seconds a single remote command may run unless a step sets its own bound. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(86400)
  SSH_COMMAND_TIMEOUT_SECONDS = 120;
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
  stepMaxAttempts: number;
  monitorIntervalSeconds: number;
  bodyLimit: string;
  corsOrigins: string[] | '*' | undefined;
  idempotencyTtlHours: number;
  logLevel: string;
  clockSkewMaxMs: number;
  sshConnectTimeoutSeconds: number;
  sshCommandTimeoutSeconds: number;
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
    stepMaxAttempts: vars.STEP_MAX_ATTEMPTS,
    monitorIntervalSeconds: vars.MONITOR_INTERVAL_SECONDS,
    bodyLimit: vars.BODY_LIMIT.toLowerCase(),
    corsOrigins: cors === '' ? undefined : cors === '*' ? '*' : cors.split(',').map((o) => o.trim()).filter(Boolean),
    idempotencyTtlHours: vars.IDEMPOTENCY_TTL_HOURS,
    logLevel: vars.LOG_LEVEL,
    clockSkewMaxMs: vars.CLOCK_SKEW_MAX_MS,
    sshConnectTimeoutSeconds: vars.SSH_CONNECT_TIMEOUT_SECONDS,
    sshCommandTimeoutSeconds: vars.SSH_COMMAND_TIMEOUT_SECONDS,
  };
}
