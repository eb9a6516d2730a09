/**
 * The types of the Galera control plane API, generated from openapi/openapi.json by
 * scripts/openapi.ts (openapi-typescript, defaultNonNullable: false). Do not edit:
 * change the API and run `npm run openapi`.
 */

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: the database answers */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List audit records, newest first */
        get: operations["listAuditRecords"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/backup-stores": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List backup stores with their last check */
        get: operations["listBackupStores"];
        put?: never;
        /** Add a backup store; it is probed first (a probe object written, read back and deleted) */
        post: operations["createBackupStore"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/backup-stores/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a backup store */
        get: operations["getBackupStore"];
        put?: never;
        post?: never;
        /** Delete a store that holds no live backup (its objects are left where they are) */
        delete: operations["deleteBackupStore"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/backup-stores/{id}/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Probe the store again now and record the outcome (a failing store is answered, ok=false, not an error) */
        post: operations["checkBackupStore"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/chat/slack/commands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Slack slash command: status, scale (plan + confirm code), confirm, recover, approve, help. Signed by Slack (X-Slack-Signature over the raw body); answers at once and posts outcomes to response_url */
        post: operations["slackCommand"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List clusters (keyset-paginated, oldest first) */
        get: operations["listClusters"];
        put?: never;
        /** Create a cluster (starts a cluster.create operation) */
        post: operations["createCluster"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a cluster (ETag: its generation) */
        get: operations["getCluster"];
        put?: never;
        post?: never;
        /** Delete a cluster: stop its services, keep data unless purge; forget=true removes only the record */
        delete: operations["deleteCluster"];
        options?: never;
        head?: never;
        /** Change labels or policy (no backend work); dryRun=true answers the result and keeps nothing */
        patch: operations["updateCluster"];
        trace?: never;
    };
    "/v1/clusters/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a cluster's events, oldest first */
        get: operations["listClusterEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{id}/nodes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a cluster's members */
        get: operations["listNodes"];
        put?: never;
        /** Add one member (SSH: the host to add) */
        post: operations["addNode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{id}/nodes/{nodeId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one member */
        get: operations["getNode"];
        put?: never;
        post?: never;
        /** Remove one member cleanly (never below quorum) */
        delete: operations["removeNode"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{id}/operations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a cluster's operations, newest first */
        get: operations["listClusterOperations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{id}/reconfigure": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change allow-listed server parameters (rolling restart when needed) */
        post: operations["reconfigureCluster"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{id}/recover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Full-crash recovery: collect evidence, choose the bootstrap node, run after approval */
        post: operations["recoverCluster"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{id}/restart": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rolling restart: one member at a time, Synced before the next */
        post: operations["restartCluster"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{id}/scale": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Scale to a number of members (quorum guard: odd >= 3 unless force; never below quorum) */
        post: operations["scaleCluster"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{id}/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start a stopped cluster from its safe bootstrap node */
        post: operations["startCluster"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clusters/{id}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop cleanly, in an order that leaves a safe bootstrap node */
        post: operations["stopCluster"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List credentials (metadata only) */
        get: operations["listCredentials"];
        put?: never;
        /** Store a credential (the secret is encrypted and never returned) */
        post: operations["createCredential"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/credentials/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a credential's metadata */
        get: operations["getCredential"];
        put?: never;
        post?: never;
        /** Delete a credential (409 while a cluster uses it) */
        delete: operations["deleteCredential"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List events, oldest first; filter by cluster, operation and type (exact or prefix); after=<id> reads what came since
         * @description Events are kept for RETENTION_DAYS (default 30); operations, their logs and the audit log are kept for good.
         */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-sent events of every event passing the filters (id = event id, type = event type), then live ones; resume with Last-Event-ID or after=<id>, or start from=now; a heartbeat comment keeps an idle stream open */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List operations, newest first; filter by cluster, type, state */
        get: operations["listOperations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an operation with its steps, plan, progress and result */
        get: operations["getOperation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operations/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve the plan of an operation that waits for approval (recovery) */
        post: operations["approveOperation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operations/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel: stops between steps and aborts the running step */
        post: operations["cancelOperation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operations/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-sent events of an operation: its events (type = event type) and log lines (type = log); ends after the terminal event. Resume with Last-Event-ID. */
        get: operations["streamOperationEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operations/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Log lines of an operation, oldest first (paged) */
        get: operations["listOperationLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operations/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start a failed or cancelled operation again (the cluster's latest only): a new operation with the same change, planned from what is there now */
        post: operations["retryOperation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API tokens */
        get: operations["listTokens"];
        put?: never;
        /** Issue an API token (the secret is in this answer only) */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an API token's metadata */
        get: operations["getToken"];
        put?: never;
        post?: never;
        /** Revoke an API token (kept for the audit trail) */
        delete: operations["revokeToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List webhook subscriptions (never their secrets) */
        get: operations["listWebhooks"];
        put?: never;
        /** Subscribe a URL to events; answers the signing secret once (generated when not given) */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a webhook subscription */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /** Delete a subscription and its delivery log */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        /** Change a subscription: URL, events, cluster, secret, description, enabled */
        patch: operations["updateWebhook"];
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The delivery log of a subscription, newest first: attempts, last status and error, next attempt, delivered at, duration */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a signed ping (event type webhook.ping) now, once; answers its delivery record */
        post: operations["testWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AddNodeRequest: {
            /** @description SSH: the host to add (added to the inventory); Kubernetes: leave out */
            host?: components["schemas"]["SshHost"] | undefined;
            /** @default false */
            force?: boolean | undefined;
            /**
             * @description Take over the host when another live cluster record holds it; without it the request is refused with 409 HOSTS_HELD_BY_OTHER_CLUSTER. Audited as cluster.takeover
             * @default false
             */
            takeover?: boolean | undefined;
        };
        AuditRecord: {
            id: number;
            /** Format: date-time */
            at: string;
            /** @description Token id, chat identity, system or anonymous */
            actor: string;
            actorName: string | null;
            /** @example cluster.scale */
            action: string;
            targetType: string | null;
            targetId: string | null;
            /** @enum {string} */
            outcome: "succeeded" | "failed" | "denied";
            statusCode: number | null;
            requestId: string | null;
            detail: {
                [key: string]: unknown;
            };
        };
        AuditRecordPage: {
            items: components["schemas"]["AuditRecord"][];
            nextPageToken: string | null;
        };
        BackupStore: {
            /** @example bs_01jd2x… */
            id: string;
            name: string;
            /** @enum {string} */
            kind: "s3" | "ssh";
            credentialId: string;
            s3?: components["schemas"]["S3StoreSettings"] | undefined;
            /** @description hostKeyFingerprint is the pinned key */
            ssh?: components["schemas"]["SshStoreSettings"] | undefined;
            description: string | null;
            lastCheck: components["schemas"]["BackupStoreCheck"] | null;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        BackupStoreCheck: {
            /** Format: date-time */
            at: string;
            /** @description The probe object was written, read back identical and deleted */
            ok: boolean;
            /** @description Round trip of the probe */
            latencyMs?: number | undefined;
            /** @description Problem code when not ok (BACKUP_STORE_UNREACHABLE, ..._ACCESS_DENIED, ..._MISCONFIGURED) */
            code?: string | undefined;
            detail?: string | undefined;
        };
        BackupStorePage: {
            items: components["schemas"]["BackupStore"][];
            nextPageToken: string | null;
        };
        BootstrapDecision: {
            code: string;
            message: string;
        };
        CheckBackupStoreRequest: Record<string, never>;
        Cluster: {
            /** @example cl_01jd2x… */
            id: string;
            name: string;
            /** @description Bumped on every spec change; the ETag */
            generation: number;
            spec: components["schemas"]["ClusterSpec"];
            status: components["schemas"]["ClusterStatus"];
            labels: {
                [key: string]: string;
            };
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ClusterCondition: {
            /**
             * @description Ready or Progressing
             * @example Ready
             */
            type: string;
            /** @enum {string} */
            status: "True" | "False" | "Unknown";
            /** @example Degraded */
            reason: string;
            message: string;
            /** Format: date-time */
            lastTransitionTime: string;
        };
        ClusterCreateResult: {
            /** @description True when the operation was cancelled: the result is what was reached */
            cancelled?: boolean | undefined;
            /** @description Cancelled: what was reached, e.g. "3 of 5 members; cancelled" */
            summary?: string | undefined;
            /** @description Cancelled: the keys of the steps that had finished */
            completedSteps?: string[] | undefined;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.create";
            clusterId: string;
            bootstrapNode: string | null;
            members: components["schemas"]["ResultMember"][];
        };
        ClusterDegradedEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "cluster.degraded";
            data: components["schemas"]["ClusterStateEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.degraded";
        };
        ClusterDeleteResult: {
            /** @description True when the operation was cancelled: the result is what was reached */
            cancelled?: boolean | undefined;
            /** @description Cancelled: what was reached, e.g. "3 of 5 members; cancelled" */
            summary?: string | undefined;
            /** @description Cancelled: the keys of the steps that had finished */
            completedSteps?: string[] | undefined;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.delete";
            /** @description Data directories / volumes were removed too */
            purged: boolean;
            /** @description Only the record went (forget=true): nothing on the hosts or objects was touched */
            forgotten: boolean;
        };
        ClusterDeletedEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "cluster.deleted";
            data: components["schemas"]["ClusterDeletedEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.deleted";
        };
        ClusterDeletedEventData: {
            purged: boolean;
            forgotten: boolean;
        };
        ClusterDownEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "cluster.down";
            data: components["schemas"]["ClusterStateEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.down";
        };
        ClusterPage: {
            items: components["schemas"]["Cluster"][];
            nextPageToken: string | null;
        };
        ClusterPolicy: {
            autoRecovery: boolean;
            deletionProtection: boolean;
            donorServesTraffic: boolean;
        };
        ClusterPolicyInput: {
            /**
             * @description Run full-crash recovery without waiting for an approval
             * @default false
             */
            autoRecovery?: boolean | undefined;
            /**
             * @description Refuse deletion until turned off
             * @default false
             */
            deletionProtection?: boolean | undefined;
            /**
             * @description Count a Donor/Desynced node as serving traffic
             * @default false
             */
            donorServesTraffic?: boolean | undefined;
        };
        ClusterReadyEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "cluster.ready";
            data: components["schemas"]["ClusterStateEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.ready";
        };
        ClusterReconfigureResult: {
            /** @description True when the operation was cancelled: the result is what was reached */
            cancelled?: boolean | undefined;
            /** @description Cancelled: what was reached, e.g. "3 of 5 members; cancelled" */
            summary?: string | undefined;
            /** @description Cancelled: the keys of the steps that had finished */
            completedSteps?: string[] | undefined;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.reconfigure";
            changedParameters: {
                [key: string]: string | number | boolean;
            };
            restartedNodes: string[];
            members: components["schemas"]["ResultMember"][];
        };
        ClusterRecoverResult: {
            /** @description True when the operation was cancelled: the result is what was reached */
            cancelled?: boolean | undefined;
            /** @description Cancelled: what was reached, e.g. "3 of 5 members; cancelled" */
            summary?: string | undefined;
            /** @description Cancelled: the keys of the steps that had finished */
            completedSteps?: string[] | undefined;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.recover";
            bootstrapNode: string | null;
            evidence: components["schemas"]["RecoveryEvidence"][];
            members: components["schemas"]["ResultMember"][];
        };
        ClusterRestartResult: {
            /** @description True when the operation was cancelled: the result is what was reached */
            cancelled?: boolean | undefined;
            /** @description Cancelled: what was reached, e.g. "3 of 5 members; cancelled" */
            summary?: string | undefined;
            /** @description Cancelled: the keys of the steps that had finished */
            completedSteps?: string[] | undefined;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.restart";
            /** @description In the order they were restarted */
            restartedNodes: string[];
            members: components["schemas"]["ResultMember"][];
        };
        ClusterScaleResult: {
            /** @description True when the operation was cancelled: the result is what was reached */
            cancelled?: boolean | undefined;
            /** @description Cancelled: what was reached, e.g. "3 of 5 members; cancelled" */
            summary?: string | undefined;
            /** @description Cancelled: the keys of the steps that had finished */
            completedSteps?: string[] | undefined;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.scale";
            fromReplicas: number;
            toReplicas: number;
            addedNodes: string[];
            removedNodes: string[];
            members: components["schemas"]["ResultMember"][];
            /** @description Cancelled: the number of members asked for (the spec now says what was reached) */
            requestedReplicas?: number | undefined;
        };
        ClusterSize: {
            /** @description Members the spec asks for */
            desired: number;
            /** @description wsrep_cluster_size as last observed */
            observed: number | null;
            /** @description Members that serve traffic (Primary, ready, connected, Synced) */
            healthy: number;
        };
        ClusterSpec: {
            /** @enum {string} */
            backend: "ssh" | "kubernetes";
            replicas: number;
            engine: components["schemas"]["Engine"];
            galera: components["schemas"]["GaleraSpec"];
            policy: components["schemas"]["ClusterPolicy"];
            ssh?: components["schemas"]["SshSpec"] | undefined;
            kubernetes?: components["schemas"]["KubernetesSpec"] | undefined;
        };
        ClusterStartResult: {
            /** @description True when the operation was cancelled: the result is what was reached */
            cancelled?: boolean | undefined;
            /** @description Cancelled: what was reached, e.g. "3 of 5 members; cancelled" */
            summary?: string | undefined;
            /** @description Cancelled: the keys of the steps that had finished */
            completedSteps?: string[] | undefined;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.start";
            startedNodes: string[];
            bootstrapNode: string | null;
            members: components["schemas"]["ResultMember"][];
        };
        ClusterStateEventData: {
            from: string;
            to: string;
            reason: string | null;
            healthy: number;
            desired: number;
        };
        ClusterStatus: {
            /** @enum {string} */
            state: "CREATING" | "READY" | "DEGRADED" | "DOWN" | "STOPPED" | "FAILED" | "DELETING" | "DELETED" | "UNKNOWN";
            conditions: components["schemas"]["ClusterCondition"][];
            /** @description The spec generation the last successful operation applied */
            observedGeneration: number;
            size: components["schemas"]["ClusterSize"];
            activeOperationId: string | null;
            /** Format: date-time */
            lastObservedAt: string | null;
            message: string;
        };
        ClusterStopResult: {
            /** @description True when the operation was cancelled: the result is what was reached */
            cancelled?: boolean | undefined;
            /** @description Cancelled: what was reached, e.g. "3 of 5 members; cancelled" */
            summary?: string | undefined;
            /** @description Cancelled: the keys of the steps that had finished */
            completedSteps?: string[] | undefined;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.stop";
            stoppedNodes: string[];
            /** @description The member stopped last, safe to bootstrap from */
            safeBootstrapNode: string | null;
        };
        ClusterUnknownEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "cluster.unknown";
            data: components["schemas"]["ClusterStateEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.unknown";
        };
        ClusterUpdatedEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "cluster.updated";
            data: components["schemas"]["ClusterUpdatedEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.updated";
        };
        ClusterUpdatedEventData: {
            generation: number;
            fields: string[];
        };
        CreateBackupStoreRequest: {
            /**
             * @description Unique name
             * @example nightly-s3
             */
            name: string;
            /** @enum {string} */
            kind: "s3" | "ssh";
            /**
             * @description The credential to log in with: s3-access-key for s3; ssh-private-key or ssh-password for ssh
             * @example cr_01jd2x…
             */
            credentialId: string;
            /** @description Required for kind s3 */
            s3?: components["schemas"]["S3StoreSettings"] | undefined;
            /** @description Required for kind ssh */
            ssh?: components["schemas"]["SshStoreSettings"] | undefined;
            description?: (string | null) | undefined;
        };
        CreateClusterRequest: {
            /**
             * @description Unique name: a DNS label of at most 40 characters (also the wsrep cluster name)
             * @example orders
             */
            name: string;
            /** @enum {string} */
            backend: "ssh" | "kubernetes";
            /** @description Members; default: every SSH host, or 3 on Kubernetes. Odd and >= 3 unless force */
            replicas?: number | undefined;
            /**
             * @description Accept an unsafe size (1, 2, even); the plan says why it is risky
             * @default false
             */
            force?: boolean | undefined;
            /**
             * @description Take over hosts another live cluster record holds (for example its hosts were rebuilt for this cluster); without it such a create is refused with 409 HOSTS_HELD_BY_OTHER_CLUSTER. Audited as cluster.takeover
             * @default false
             */
            takeover?: boolean | undefined;
            engine?: components["schemas"]["EngineInput"] | undefined;
            galera?: components["schemas"]["GaleraSpecInput"] | undefined;
            policy?: components["schemas"]["ClusterPolicyInput"] | undefined;
            /** @description Required when backend is ssh */
            ssh?: components["schemas"]["SshSpecInput"] | undefined;
            /** @description Required when backend is kubernetes */
            kubernetes?: components["schemas"]["KubernetesSpecInput"] | undefined;
            /**
             * @example {
             *       "team": "payments"
             *     }
             */
            labels?: {
                [key: string]: string;
            } | undefined;
        };
        CreateCredentialRequest: {
            /**
             * @description Unique name
             * @example lab-root-key
             */
            name: string;
            /** @enum {string} */
            kind: "ssh-private-key" | "ssh-password" | "kubeconfig" | "s3-access-key";
            /** @description ssh-private-key: the private key (OpenSSH or PEM) */
            privateKey?: string | undefined;
            /** @description ssh-private-key: its passphrase, if any */
            passphrase?: string | undefined;
            /** @description ssh-password: the login password (also used for sudo) */
            password?: string | undefined;
            /** @description kubeconfig: the kubeconfig YAML */
            kubeconfig?: string | undefined;
            /**
             * @description s3-access-key: the access key id (kept as public metadata)
             * @example AKIAIOSFODNN7EXAMPLE
             */
            accessKeyId?: string | undefined;
            /** @description s3-access-key: the secret access key */
            secretAccessKey?: string | undefined;
        };
        CreateTokenRequest: {
            /** @example portal */
            name: string;
            /** @enum {string} */
            role: "viewer" | "operator" | "admin";
            /**
             * Format: date-time
             * @description When it stops working
             */
            expiresAt?: string | undefined;
        };
        CreateWebhookRequest: {
            /** @example https://portal.example.com/hooks/galera */
            url: string;
            /**
             * @description Event types to deliver: exact (`cluster.ready`), a prefix ending in a dot (`operation.`), or `*` for every event
             * @example [
             *       "cluster.",
             *       "operation.succeeded",
             *       "operation.failed"
             *     ]
             */
            events: string[];
            /** @description Only this cluster's events */
            clusterId?: (string | null) | undefined;
            secret?: string | undefined;
            description?: (string | null) | undefined;
            /** @default true */
            enabled?: boolean | undefined;
        };
        CreatedWebhook: {
            /** @example wh_01jd… */
            id: string;
            url: string;
            events: string[];
            clusterId: string | null;
            description: string | null;
            enabled: boolean;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @example whsec_… */
            secret: string;
        };
        Credential: {
            /** @example cr_01jd2x… */
            id: string;
            name: string;
            /** @enum {string} */
            kind: "ssh-private-key" | "ssh-password" | "kubeconfig" | "s3-access-key";
            /** @description Public facts: key type and public key fingerprint, kubeconfig contexts and servers, S3 access key id */
            metadata: {
                [key: string]: unknown;
            };
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
        };
        CredentialPage: {
            items: components["schemas"]["Credential"][];
            nextPageToken: string | null;
        };
        EmptyRequest: Record<string, never>;
        Engine: {
            /** @enum {string} */
            flavor: "mariadb";
            version: string;
        };
        EngineInput: {
            /**
             * @default 10.11
             * @example 10.11
             */
            version?: string | undefined;
        };
        /** @description Something that happened to a cluster or an operation; `data` is typed by `type` */
        Event: components["schemas"]["OperationCreatedEvent"] | components["schemas"]["OperationStartedEvent"] | components["schemas"]["OperationPlannedEvent"] | components["schemas"]["OperationStepStartedEvent"] | components["schemas"]["OperationStepSucceededEvent"] | components["schemas"]["OperationSucceededEvent"] | components["schemas"]["OperationFailedEvent"] | components["schemas"]["OperationCancelledEvent"] | components["schemas"]["OperationCancelRequestedEvent"] | components["schemas"]["OperationApprovedEvent"] | components["schemas"]["OperationResumedEvent"] | components["schemas"]["OperationAwaitingApprovalEvent"] | components["schemas"]["ClusterReadyEvent"] | components["schemas"]["ClusterDegradedEvent"] | components["schemas"]["ClusterDownEvent"] | components["schemas"]["ClusterUnknownEvent"] | components["schemas"]["ClusterUpdatedEvent"] | components["schemas"]["ClusterDeletedEvent"] | components["schemas"]["NodeUpEvent"] | components["schemas"]["NodeDownEvent"];
        EventBase: {
            /** @example 1042 */
            id: number;
            /** Format: date-time */
            at: string;
            clusterId: string | null;
            operationId: string | null;
        };
        EventPage: {
            items: components["schemas"]["Event"][];
            nextPageToken: string | null;
        };
        GaleraSpec: {
            /** @enum {string} */
            sstMethod: "mariabackup" | "rsync";
            gcacheSize: string;
            bufferPoolSize: string;
            parameters: {
                [key: string]: string | number | boolean;
            };
        };
        GaleraSpecInput: {
            /**
             * @description State transfer method; rsync blocks the donor
             * @default mariabackup
             * @enum {string}
             */
            sstMethod?: ("mariabackup" | "rsync") | undefined;
            /**
             * @description Galera cache: size it to cover the longest planned outage (write rate x outage)
             * @default 512M
             */
            gcacheSize?: string | undefined;
            /** @default 256M */
            bufferPoolSize?: string | undefined;
            /**
             * @description Server parameters from the allow-list
             * @example {
             *       "max_connections": 500
             *     }
             */
            parameters?: {
                [key: string]: string | number | boolean;
            };
        };
        Health: {
            /** @enum {string} */
            status: "ok";
        };
        IssuedToken: {
            /** @example tk_01jd2x… */
            id: string;
            name: string;
            /** @enum {string} */
            role: "viewer" | "operator" | "admin";
            /** @description The first characters of the secret, to recognise it */
            prefix: string;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt: string | null;
            /** Format: date-time */
            revokedAt: string | null;
            /** Format: date-time */
            lastUsedAt: string | null;
            /** @description The bearer secret: shown this once, stored only as a hash */
            token: string;
        };
        KubernetesResources: {
            /** @example 500m */
            cpu?: string | undefined;
            /** @example 1Gi */
            memory?: string | undefined;
        };
        KubernetesSpec: {
            credentialId?: string | undefined;
            namespace: string;
            image: string;
            storageSize: string;
            storageClassName?: string | undefined;
            resources?: components["schemas"]["KubernetesResources"] | undefined;
        };
        KubernetesSpecInput: {
            /** @description Kubeconfig credential; absent means the in-cluster configuration */
            credentialId?: string | undefined;
            /** @default default */
            namespace?: string | undefined;
            /**
             * @description MariaDB image with its version
             * @default mariadb:10.11
             */
            image?: string | undefined;
            /**
             * @description Size of each member's volume
             * @default 10Gi
             */
            storageSize?: string | undefined;
            storageClassName?: string | undefined;
            resources?: components["schemas"]["KubernetesResources"] | undefined;
        };
        Node: {
            /** @example nd_01jd2x… */
            id: string;
            clusterId: string;
            /** @example orders-0 */
            name: string;
            ordinal: number;
            address: string;
            /** @enum {string} */
            role: "member" | "arbitrator";
            /**
             * @description Managed lifecycle: Pending, Joining, Member, Stopped, Removing
             * @example Member
             */
            phase: string;
            /**
             * @description wsrep_local_state_comment as last observed, or Unreachable/Unknown
             * @example Synced
             */
            wsrepState: string;
            /** @description Serves traffic by the Galera health rule */
            healthy: boolean;
            seqno: number | null;
            /** @description Last observed wsrep figures */
            observed: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            lastSeenAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        NodeAddResult: {
            /** @description True when the operation was cancelled: the result is what was reached */
            cancelled?: boolean | undefined;
            /** @description Cancelled: what was reached, e.g. "3 of 5 members; cancelled" */
            summary?: string | undefined;
            /** @description Cancelled: the keys of the steps that had finished */
            completedSteps?: string[] | undefined;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "node.add";
            node: string | null;
            members: components["schemas"]["ResultMember"][];
            /** @description Cancelled: the number of members asked for (the spec now says what was reached) */
            requestedReplicas?: number | undefined;
        };
        NodeDownEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "node.down";
            data: components["schemas"]["NodeHealthEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "node.down";
        };
        NodeHealthEventData: {
            node: string;
            wsrepState: string;
            reason: string | null;
        };
        NodeList: {
            items: components["schemas"]["Node"][];
        };
        NodeRemoveResult: {
            /** @description True when the operation was cancelled: the result is what was reached */
            cancelled?: boolean | undefined;
            /** @description Cancelled: what was reached, e.g. "3 of 5 members; cancelled" */
            summary?: string | undefined;
            /** @description Cancelled: the keys of the steps that had finished */
            completedSteps?: string[] | undefined;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "node.remove";
            node: string;
            members: components["schemas"]["ResultMember"][];
            /** @description Cancelled: the number of members asked for (the spec now says what was reached) */
            requestedReplicas?: number | undefined;
        };
        NodeUpEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "node.up";
            data: components["schemas"]["NodeHealthEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "node.up";
        };
        Operation: {
            /** @example op_01jd2x… */
            id: string;
            /** @enum {string} */
            type: "cluster.create" | "cluster.scale" | "node.add" | "node.remove" | "cluster.restart" | "cluster.stop" | "cluster.start" | "cluster.recover" | "cluster.reconfigure" | "cluster.delete";
            /** @enum {string} */
            state: "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLING" | "CANCELLED";
            clusterId: string | null;
            /** @description What was asked */
            params: {
                [key: string]: unknown;
            };
            progress: number;
            steps: components["schemas"]["OperationStep"][];
            plan: components["schemas"]["PlanSummary"] | null;
            approval: components["schemas"]["OperationApproval"];
            /** @description The typed result once SUCCEEDED, or what was reached once CANCELLED while running (cancelled: true; discriminated by type); null otherwise */
            result: (components["schemas"]["ClusterCreateResult"] | components["schemas"]["ClusterScaleResult"] | components["schemas"]["NodeAddResult"] | components["schemas"]["NodeRemoveResult"] | components["schemas"]["ClusterRestartResult"] | components["schemas"]["ClusterStopResult"] | components["schemas"]["ClusterStartResult"] | components["schemas"]["ClusterRecoverResult"] | components["schemas"]["ClusterReconfigureResult"] | components["schemas"]["ClusterDeleteResult"]) | null;
            error: components["schemas"]["OperationError"] | null;
            /** @description Token id (or chat identity) that asked for it */
            requestedBy: string;
            requestId: string | null;
            cancelRequestedBy: string | null;
            /** @description Times a worker started it (more than 1 after a worker crash) */
            runs: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            startedAt: string | null;
            /** Format: date-time */
            finishedAt: string | null;
            /** Format: date-time */
            updatedAt: string;
        };
        OperationActedEventData: {
            by: string;
        };
        OperationApproval: {
            /** @enum {string} */
            state: "NOT_REQUIRED" | "PENDING" | "APPROVED";
            approvedBy: string | null;
            /** Format: date-time */
            approvedAt: string | null;
        };
        OperationApprovedEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "operation.approved";
            data: components["schemas"]["OperationActedEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "operation.approved";
        };
        OperationAwaitingApprovalEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "operation.awaiting_approval";
            data: components["schemas"]["OperationAwaitingApprovalEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "operation.awaiting_approval";
        };
        OperationAwaitingApprovalEventData: {
            plan: components["schemas"]["PlanSummary"];
        };
        OperationCancelRequestedEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "operation.cancel_requested";
            data: components["schemas"]["OperationActedEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "operation.cancel_requested";
        };
        OperationCancelledEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "operation.cancelled";
            data: components["schemas"]["OperationEndedEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "operation.cancelled";
        };
        OperationCreatedEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "operation.created";
            data: components["schemas"]["OperationCreatedEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "operation.created";
        };
        OperationCreatedEventData: {
            /** @enum {string} */
            type: "cluster.create" | "cluster.scale" | "node.add" | "node.remove" | "cluster.restart" | "cluster.stop" | "cluster.start" | "cluster.recover" | "cluster.reconfigure" | "cluster.delete";
            requestedBy: string;
        };
        OperationEndedEventData: {
            /** @enum {string} */
            type?: ("cluster.create" | "cluster.scale" | "node.add" | "node.remove" | "cluster.restart" | "cluster.stop" | "cluster.start" | "cluster.recover" | "cluster.reconfigure" | "cluster.delete") | undefined;
            error?: components["schemas"]["OperationError"] | undefined;
            by?: string | undefined;
        };
        OperationError: {
            /** @example HOST_KEY_MISMATCH */
            code: string;
            detail: string;
            /** @description Key of the step that failed */
            step?: string | undefined;
            /** @description Member the failure is about */
            node?: string | undefined;
        };
        OperationFailedEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "operation.failed";
            data: components["schemas"]["OperationEndedEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "operation.failed";
        };
        OperationLog: {
            id: number;
            /** Format: date-time */
            at: string;
            /** @enum {string} */
            level: "debug" | "info" | "warn" | "error";
            stepIndex: number | null;
            message: string;
        };
        OperationLogPage: {
            items: components["schemas"]["OperationLog"][];
            nextPageToken: string | null;
        };
        OperationPage: {
            items: components["schemas"]["Operation"][];
            nextPageToken: string | null;
        };
        OperationPlannedEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "operation.planned";
            data: components["schemas"]["OperationPlannedEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "operation.planned";
        };
        OperationPlannedEventData: {
            summary: string;
            steps: number;
        };
        OperationResumedEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "operation.resumed";
            data: components["schemas"]["OperationResumedEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "operation.resumed";
        };
        OperationResumedEventData: {
            run: number;
        };
        OperationStartedEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "operation.started";
            data: components["schemas"]["OperationStartedEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "operation.started";
        };
        OperationStartedEventData: {
            /** @enum {string} */
            type: "cluster.create" | "cluster.scale" | "node.add" | "node.remove" | "cluster.restart" | "cluster.stop" | "cluster.start" | "cluster.recover" | "cluster.reconfigure" | "cluster.delete";
        };
        OperationStep: {
            index: number;
            /** @example join:orders-1 */
            key: string;
            /** @example ssh.join-node */
            action: string;
            /** @example Join orders-1 and wait until Synced */
            title: string;
            node: string | null;
            /** @enum {string} */
            state: "PENDING" | "RUNNING" | "WAITING" | "SUCCEEDED" | "FAILED" | "CANCELLED" | "SKIPPED";
            attempts: number;
            maxAttempts: number;
            /** Format: date-time */
            startedAt: string | null;
            /** Format: date-time */
            finishedAt: string | null;
            error: components["schemas"]["OperationError"] | null;
        };
        OperationStepStartedEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "operation.step_started";
            data: components["schemas"]["OperationStepStartedEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "operation.step_started";
        };
        OperationStepStartedEventData: {
            step: string;
            title: string;
            attempt: number;
        };
        OperationStepSucceededEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "operation.step_succeeded";
            data: components["schemas"]["OperationStepSucceededEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "operation.step_succeeded";
        };
        OperationStepSucceededEventData: {
            step: string;
        };
        OperationSucceededEvent: components["schemas"]["EventBase"] & {
            /** @enum {string} */
            type: "operation.succeeded";
            data: components["schemas"]["OperationEndedEventData"];
        } & {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "operation.succeeded";
        };
        Plan: {
            /** @enum {boolean} */
            dryRun: true;
            /** @enum {string} */
            operationType: "cluster.create" | "cluster.scale" | "node.add" | "node.remove" | "cluster.restart" | "cluster.stop" | "cluster.start" | "cluster.recover" | "cluster.reconfigure" | "cluster.delete";
            summary: string;
            steps: components["schemas"]["PlanStep"][];
            details: components["schemas"]["PlanDetails"];
            requiresApproval: boolean;
        };
        PlanDetails: {
            warnings: string[];
            quorum?: components["schemas"]["QuorumChange"] | undefined;
            bootstrapNode?: string | undefined;
            /**
             * @example {
             *       "orders-3": "orders-0"
             *     }
             */
            donors?: {
                [key: string]: string;
            } | undefined;
            evidence?: components["schemas"]["RecoveryEvidence"][] | undefined;
            decision?: components["schemas"]["BootstrapDecision"] | undefined;
            membersAfter?: string[] | undefined;
            membersBefore?: string[] | undefined;
            order?: string[] | undefined;
            hosts?: components["schemas"]["PlanHost"][] | undefined;
            objects?: components["schemas"]["PlanObject"][] | undefined;
            changes?: {
                [key: string]: unknown;
            }[] | undefined;
            restartRequired?: boolean | undefined;
        };
        PlanHost: {
            node: string;
            address: string;
            ordinal: number;
        };
        PlanObject: {
            /** @example StatefulSet */
            kind: string;
            namespace?: string | undefined;
            name: string;
            /** @example apply */
            action: string;
        };
        PlanStep: {
            /** @example join:orders-3 */
            key: string;
            /** @example ssh.join-node */
            action: string;
            /** @example Join orders-3 and wait until Synced */
            title: string;
            node: string | null;
        };
        PlanSummary: {
            summary: string;
            details: components["schemas"]["PlanDetails"];
        };
        Problem: {
            /** @example urn:galera-cp:problem:operation-in-progress */
            type: string;
            /** @example Conflict */
            title: string;
            /** @example 409 */
            status: number;
            /** @example Operation op_01jd… (cluster.scale) is still running on this cluster */
            detail: string;
            /** @example /v1/clusters/cl_01jd…/restart */
            instance: string;
            /** @example OPERATION_IN_PROGRESS */
            code: components["schemas"]["ProblemCode"];
            /** @example req_01jd… */
            requestId: string;
            errors?: components["schemas"]["ProblemFieldError"][] | undefined;
            /** @example op_01jd… */
            activeOperationId?: string | undefined;
        };
        /** @enum {string} */
        ProblemCode: "VALIDATION_FAILED" | "BAD_REQUEST" | "MALFORMED_JSON" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "ROUTE_NOT_FOUND" | "METHOD_NOT_ALLOWED" | "INVALID_PAGE_TOKEN" | "INVALID_IDEMPOTENCY_KEY" | "IDEMPOTENCY_KEY_REUSED" | "IDEMPOTENCY_KEY_IN_FLIGHT" | "PRECONDITION_FAILED" | "RATE_LIMITED" | "BODY_TOO_DEEP" | "UNSUPPORTED_CONTENT_ENCODING" | "HEADERS_TOO_LARGE" | "REQUEST_TIMEOUT" | "MALFORMED_REQUEST" | "TOO_MANY_FAILED_AUTHENTICATIONS" | "UNAUTHENTICATED" | "INVALID_TOKEN" | "FORBIDDEN" | "INTERNAL" | "DATABASE_UNAVAILABLE" | "CLUSTER_NOT_FOUND" | "NODE_NOT_FOUND" | "OPERATION_NOT_FOUND" | "CREDENTIAL_NOT_FOUND" | "TOKEN_NOT_FOUND" | "WEBHOOK_NOT_FOUND" | "CLUSTER_NAME_TAKEN" | "CREDENTIAL_NAME_TAKEN" | "CREDENTIAL_IN_USE" | "INVALID_CREDENTIAL" | "CREDENTIAL_UNREADABLE" | "CREDENTIAL_KIND_MISMATCH" | "CANNOT_REVOKE_OWN_TOKEN" | "WEBHOOK_TARGET_REFUSED" | "OPERATION_IN_PROGRESS" | "OPERATION_FINISHED" | "OPERATION_NOT_RETRYABLE" | "OPERATION_SUPERSEDED" | "APPROVAL_NOT_REQUIRED" | "CLUSTER_STATE_CONFLICT" | "DELETION_PROTECTED" | "NO_CHANGE" | "NOT_SUPPORTED" | "BACKEND_UNAVAILABLE" | "NOT_ENOUGH_HOSTS" | "HOST_ALREADY_MEMBER" | "SSH_SPEC_INVALID" | "CLUSTER_SIZE_INVALID" | "CLUSTER_SIZE_UNSAFE" | "MEMBER_NOT_FOUND" | "NOTHING_TO_REMOVE" | "NO_DATA_NODE_WOULD_REMAIN" | "QUORUM_WOULD_BE_LOST" | "WRITER_NOT_A_MEMBER" | "DUPLICATE_MEMBER" | "NOT_A_FULL_CRASH" | "RECOVERY_WAITING_FOR_NODES" | "BOOTSTRAP_NO_ELIGIBLE_NODE" | "BOOTSTRAP_DIVERGED_HISTORIES" | "BOOTSTRAP_EVIDENCE_CONFLICT" | "BOOTSTRAP_OPERATOR_CHOICE_INVALID" | "BOOTSTRAP_REFUSED" | "GALERA_CONFIG_INVALID" | "CONFIG_VALUE_UNSAFE" | "PROBE_VALUE_UNSAFE" | "GCACHE_INPUT_INVALID" | "CHAT_NOT_CONFIGURED" | "CHAT_FORM_REQUIRED" | "CHAT_FORM_INVALID" | "CHAT_SIGNATURE_INVALID" | "CHAT_REQUEST_EXPIRED" | "CHAT_REQUEST_REPLAYED" | "HOST_KEY_MISMATCH" | "SSH_AUTH_FAILED" | "SSH_UNREACHABLE" | "SSH_HANDSHAKE_FAILED" | "SSH_DISCONNECTED" | "SSH_CHANNEL_OPEN_FAILED" | "SSH_TIMEOUT" | "SSH_ABORTED" | "SSH_COMMAND_FAILED" | "SSH_CONFIG_INVALID" | "SHELL_ARGUMENT_INVALID" | "SUDO_AUTH_FAILED" | "SUDO_FAILED" | "CLOCK_SKEW_TOO_LARGE" | "PORT_IN_USE" | "DISK_SPACE_LOW" | "MEMORY_TOO_LOW" | "SERVICE_MANAGER_UNSUPPORTED" | "CLUSTER_CONFLICT" | "HOST_HAS_DATA" | "HOST_OWNED_BY_OTHER_CLUSTER" | "HOSTS_HELD_BY_OTHER_CLUSTER" | "NO_SYNCED_MEMBER" | "MEMBER_UNREACHABLE" | "PACKAGES_MISSING" | "NODE_START_FAILED" | "NODE_NOT_SYNCED" | "NODE_STOP_FAILED" | "CLUSTER_SIZE_MISMATCH" | "GRASTATE_UNREADABLE" | "REMOTE_COMMAND_FAILED" | "STEP_INVALID" | "KUBERNETES_CONFLICT" | "KUBERNETES_UNAVAILABLE" | "KUBERNETES_UNAUTHORIZED" | "KUBERNETES_FORBIDDEN" | "KUBERNETES_NOT_FOUND" | "KUBERNETES_INVALID_OBJECT" | "KUBERNETES_REQUEST_FAILED" | "KUBECONFIG_INVALID" | "POD_NOT_READY" | "POD_NOT_DELETED" | "CLUSTER_NOT_READY" | "STATEFULSET_NOT_FOUND" | "BACKUP_STORE_NOT_FOUND" | "BACKUP_STORE_NAME_TAKEN" | "BACKUP_NOT_FOUND" | "BACKUP_STORE_UNREACHABLE" | "BACKUP_STORE_ACCESS_DENIED" | "BACKUP_STORE_MISCONFIGURED" | "BACKUP_STORE_IN_USE" | "BACKUP_OBJECT_NOT_FOUND" | "BACKUP_NOT_SUPPORTED" | "BACKUP_NO_ELIGIBLE_MEMBER" | "BACKUP_PARENT_INVALID" | "BACKUP_CHAIN_BROKEN" | "BACKUP_INTEGRITY_FAILED" | "BACKUP_NOT_COMPLETED" | "BACKUP_IN_USE" | "BACKUP_FAILED";
        ProblemFieldError: {
            /** @example /replicas */
            pointer: string;
            /** @example replicas must not be less than 1 */
            detail: string;
        };
        QuorumChange: {
            before: number;
            after: number;
            quorumBefore: number;
            quorumAfter: number;
        };
        ReconfigureClusterRequest: {
            /**
             * @example {
             *       "max_connections": 800
             *     }
             */
            parameters: {
                [key: string]: string | number | boolean;
            };
        };
        RecoverClusterRequest: {
            /** @description Members an operator accepts to recover without (unreachable ones); recovery waits for every other member */
            acceptMissing?: string[] | undefined;
            /**
             * @description Approve the plan now instead of through POST /v1/operations/{id}/approve
             * @default false
             */
            approve?: boolean | undefined;
        };
        RecoveryEvidence: {
            node: string;
            reachable: boolean;
            uuid: string | null;
            seqno: number | null;
            safeToBootstrap: boolean | null;
            /** @description Where the position came from (grastate.dat, wsrep-recover, ...) */
            source: string;
            eligible: boolean;
            reason: string;
        };
        ResultMember: {
            name: string;
            address: string;
            wsrepState: string;
        };
        S3StoreSettings: {
            /**
             * @description The S3-compatible service (http or https, no credentials in it); absent: AWS S3 of the region
             * @example https://minio.example.com:9000
             */
            endpoint?: string | undefined;
            /** @example eu-central-1 */
            region: string;
            /** @example galera-backups */
            bucket: string;
            /**
             * @description Key prefix of every object of the store
             * @default
             * @example prod/galera
             */
            prefix?: string | undefined;
            /**
             * @description Path-style addressing (https://host/bucket/key), which MinIO and Ceph usually need
             * @default false
             */
            forcePathStyle?: boolean | undefined;
        };
        ScaleClusterRequest: {
            /** @example 5 */
            replicas: number;
            /**
             * @description Accept an unsafe size (never a loss of quorum)
             * @default false
             */
            force?: boolean | undefined;
        };
        SlackBlock: {
            /** @enum {string} */
            type: "section" | "context";
            text?: {
                [key: string]: unknown;
            } | undefined;
            elements?: {
                [key: string]: unknown;
            }[] | undefined;
        };
        SlackCommandForm: {
            /** @example T0001 */
            team_id: string;
            /** @example U0001 */
            user_id: string;
            /** @example alice */
            user_name?: string | undefined;
            /** @example /galera */
            command: string;
            /** @example scale orders 5 */
            text: string;
            /** @example https://hooks.slack.com/commands/T0001/1/abc */
            response_url?: string | undefined;
            /** @example C0001 */
            channel_id?: string | undefined;
        };
        SlackMessage: {
            /** @enum {string} */
            response_type: "ephemeral" | "in_channel";
            text: string;
            blocks?: components["schemas"]["SlackBlock"][] | undefined;
            replace_original?: boolean | undefined;
        };
        SshHost: {
            /**
             * @description IP address or DNS name the control plane and the other members reach the host at
             * @example 10.250.0.11
             */
            address: string;
            /**
             * @description Pinned SHA-256 fingerprint of the host key, as `ssh-keygen -lf` prints it; required unless trustOnFirstUse
             * @example SHA256:2nX1q3W5VBE4P8dC4bH0V0x9yqJ3r8o0Z0cS3QeJ6yQ
             */
            hostKeyFingerprint?: string | undefined;
        };
        SshSpec: {
            credentialId: string;
            user: string;
            port: number;
            hosts: components["schemas"]["SshHost"][];
            trustOnFirstUse: boolean;
        };
        SshSpecInput: {
            /**
             * @description Credential (SSH private key or password) to log in with
             * @example cr_01jd2x…
             */
            credentialId: string;
            /**
             * @description Login user; a non-root user needs passwordless sudo
             * @default root
             */
            user?: string | undefined;
            /**
             * @description SSH port
             * @default 22
             */
            port?: number | undefined;
            /** @description The inventory: members are taken in order; scaling out uses the next unused host */
            hosts: components["schemas"]["SshHost"][];
            /**
             * @description Accept and pin the key a host presents on first contact when no fingerprint is given
             * @default false
             */
            trustOnFirstUse?: boolean | undefined;
        };
        SshStoreSettings: {
            /**
             * @description The backup host (IP address or DNS name)
             * @example 10.250.0.50
             */
            address: string;
            /** @default 22 */
            port?: number | undefined;
            /**
             * @description Login user (needs write access to the directory)
             * @default root
             */
            user?: string | undefined;
            /**
             * @description Absolute directory that holds the store (it must exist)
             * @example /srv/backups/galera
             */
            directory: string;
            /**
             * @description The host key's SHA-256 fingerprint, as `ssh-keygen -lf` prints it; required unless trustOnFirstUse
             * @example SHA256:2nX1q3W5VBE4P8dC4bH0V0x9yqJ3r8o0Z0cS3QeJ6yQ
             */
            hostKeyFingerprint?: string | undefined;
            /**
             * @description Accept and pin the key the host presents on the creating probe when no fingerprint is given
             * @default false
             */
            trustOnFirstUse?: boolean | undefined;
        };
        TestWebhookRequest: Record<string, never>;
        Token: {
            /** @example tk_01jd2x… */
            id: string;
            name: string;
            /** @enum {string} */
            role: "viewer" | "operator" | "admin";
            /** @description The first characters of the secret, to recognise it */
            prefix: string;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt: string | null;
            /** Format: date-time */
            revokedAt: string | null;
            /** Format: date-time */
            lastUsedAt: string | null;
        };
        TokenList: {
            items: components["schemas"]["Token"][];
        };
        UpdateClusterRequest: {
            /** @description Replaces the labels */
            labels?: {
                [key: string]: string;
            } | undefined;
            /** @description Merged into the policy */
            policy?: components["schemas"]["ClusterPolicyInput"] | undefined;
        };
        UpdateWebhookRequest: {
            url?: string | undefined;
            /** @description Event types to deliver: exact (`cluster.ready`), a prefix ending in a dot (`operation.`), or `*` for every event */
            events?: string[] | undefined;
            clusterId?: (string | null) | undefined;
            secret?: string | undefined;
            description?: (string | null) | undefined;
            enabled?: boolean | undefined;
        };
        Webhook: {
            /** @example wh_01jd… */
            id: string;
            url: string;
            events: string[];
            clusterId: string | null;
            description: string | null;
            enabled: boolean;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        WebhookDelivery: {
            /** @example dl_01jd… */
            id: string;
            webhookId: string;
            eventId: number | null;
            /** @example cluster.degraded */
            eventType: string;
            /** @enum {string} */
            state: "PENDING" | "SENDING" | "SUCCEEDED" | "FAILED";
            attempts: number;
            maxAttempts: number;
            lastStatusCode: number | null;
            lastError: string | null;
            durationMs: number | null;
            /** Format: date-time */
            nextAttemptAt: string | null;
            /** Format: date-time */
            lastAttemptAt: string | null;
            /** Format: date-time */
            deliveredAt: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        WebhookDeliveryPage: {
            items: components["schemas"]["WebhookDelivery"][];
            nextPageToken: string | null;
        };
        WebhookPage: {
            items: components["schemas"]["Webhook"][];
            nextPageToken: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description A dependency (the database) does not answer; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "DATABASE_UNAVAILABLE";
                    };
                };
            };
        };
    };
    listAuditRecords: {
        parameters: {
            query?: {
                pageSize?: number | undefined;
                pageToken?: string | undefined;
                actor?: string | undefined;
                action?: string | undefined;
                targetId?: string | undefined;
                outcome?: ("succeeded" | "failed" | "denied") | undefined;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditRecordPage"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_PAGE_TOKEN" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    listBackupStores: {
        parameters: {
            query?: {
                pageSize?: number | undefined;
                pageToken?: string | undefined;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BackupStorePage"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_PAGE_TOKEN" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    createBackupStore: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateBackupStoreRequest"];
            };
        };
        responses: {
            /** @description dryRun=true: the store was probed and could be added; nothing was stored */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BackupStore"];
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BackupStore"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKUP_STORE_NAME_TAKEN" | "IDEMPOTENCY_KEY_IN_FLIGHT";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKUP_STORE_ACCESS_DENIED" | "BACKUP_STORE_MISCONFIGURED" | "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
            /** @description A dependency (the database) does not answer; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKUP_STORE_UNREACHABLE" | "DATABASE_UNAVAILABLE";
                    };
                };
            };
        };
    };
    getBackupStore: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BackupStore"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKUP_STORE_NOT_FOUND";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    deleteBackupStore: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted (dryRun=true: it could be deleted; nothing changed) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKUP_STORE_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKUP_STORE_IN_USE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    checkBackupStore: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CheckBackupStoreRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BackupStoreCheck"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKUP_STORE_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_IN_FLIGHT";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    slackCommand: {
        parameters: {
            query?: never;
            header: {
                /** @description v0=<hex HMAC-SHA256 of "v0:<timestamp>:<raw body>" with the signing secret> */
                "X-Slack-Signature": string;
                /** @description Unix seconds; refused when more than five minutes away */
                "X-Slack-Request-Timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["SlackCommandForm"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SlackMessage"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "CHAT_FORM_INVALID" | "CHAT_FORM_REQUIRED" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Not from Slack: signature missing or wrong (CHAT_SIGNATURE_INVALID), timestamp more than five minutes away (CHAT_REQUEST_EXPIRED), or a request already handled (CHAT_REQUEST_REPLAYED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CHAT_REQUEST_EXPIRED" | "CHAT_REQUEST_REPLAYED" | "CHAT_SIGNATURE_INVALID" | "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CHAT_NOT_CONFIGURED";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    listClusters: {
        parameters: {
            query?: {
                pageSize?: number | undefined;
                pageToken?: string | undefined;
                /** @description Only the live cluster with this name (names are unique among live clusters) */
                name?: string | undefined;
                state?: ("CREATING" | "READY" | "DEGRADED" | "DOWN" | "STOPPED" | "FAILED" | "DELETING" | "DELETED" | "UNKNOWN") | undefined;
                backend?: ("ssh" | "kubernetes") | undefined;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClusterPage"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_PAGE_TOKEN" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    createCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateClusterRequest"];
            };
        };
        responses: {
            /** @description dryRun=true: the plan; nothing changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description The operation started */
            202: {
                headers: {
                    /** @description The operation: /v1/operations/{id} */
                    Location?: string | undefined;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKEND_UNAVAILABLE" | "BAD_REQUEST" | "BODY_TOO_DEEP" | "CLUSTER_SIZE_INVALID" | "CLUSTER_SIZE_UNSAFE" | "CREDENTIAL_KIND_MISMATCH" | "CREDENTIAL_NOT_FOUND" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "NOT_SUPPORTED" | "SSH_SPEC_INVALID" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BOOTSTRAP_DIVERGED_HISTORIES" | "BOOTSTRAP_EVIDENCE_CONFLICT" | "BOOTSTRAP_NO_ELIGIBLE_NODE" | "BOOTSTRAP_OPERATOR_CHOICE_INVALID" | "CLUSTER_NAME_TAKEN" | "DUPLICATE_MEMBER" | "HOSTS_HELD_BY_OTHER_CLUSTER" | "IDEMPOTENCY_KEY_IN_FLIGHT" | "NOT_A_FULL_CRASH" | "NO_SYNCED_MEMBER" | "RECOVERY_WAITING_FOR_NODES" | "STEP_INVALID" | "WRITER_NOT_A_MEMBER";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    getCluster: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    /** @description The cluster's generation, for If-Match */
                    ETag?: string | undefined;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    deleteCluster: {
        parameters: {
            query?: {
                /** @description Remove only the record; nothing on the hosts or objects is touched (e.g. a stale record whose hosts another cluster took over). Not with purge. */
                forget?: boolean | undefined;
                /** @description Also remove data directories / volumes */
                purge?: boolean | undefined;
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description dryRun=true: the plan; nothing changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description The operation started */
            202: {
                headers: {
                    /** @description The operation: /v1/operations/{id} */
                    Location?: string | undefined;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKEND_UNAVAILABLE" | "BAD_REQUEST" | "BODY_TOO_DEEP" | "MALFORMED_JSON" | "NOT_SUPPORTED" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BOOTSTRAP_DIVERGED_HISTORIES" | "BOOTSTRAP_EVIDENCE_CONFLICT" | "BOOTSTRAP_NO_ELIGIBLE_NODE" | "BOOTSTRAP_OPERATOR_CHOICE_INVALID" | "CLUSTER_STATE_CONFLICT" | "DELETION_PROTECTED" | "DUPLICATE_MEMBER" | "NOT_A_FULL_CRASH" | "NO_SYNCED_MEMBER" | "OPERATION_IN_PROGRESS" | "RECOVERY_WAITING_FOR_NODES" | "STEP_INVALID" | "WRITER_NOT_A_MEMBER";
                    };
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PRECONDITION_FAILED";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    updateCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateClusterRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    /** @description The cluster's generation, for If-Match */
                    ETag?: string | undefined;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND";
                    };
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PRECONDITION_FAILED";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    listClusterEvents: {
        parameters: {
            query?: {
                /** @description Only this operation's events */
                operationId?: string | undefined;
                /** @description Event types: exact (`cluster.ready`) or a prefix ending in a dot (`operation.`), comma-separated */
                type?: string | undefined;
                /** @description Only events after this event id */
                after?: number | undefined;
                pageSize?: number | undefined;
                pageToken?: string | undefined;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPage"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_PAGE_TOKEN" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    listNodes: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NodeList"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    addNode: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddNodeRequest"];
            };
        };
        responses: {
            /** @description dryRun=true: the plan; nothing changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description The operation started */
            202: {
                headers: {
                    /** @description The operation: /v1/operations/{id} */
                    Location?: string | undefined;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKEND_UNAVAILABLE" | "BAD_REQUEST" | "BODY_TOO_DEEP" | "CLUSTER_SIZE_INVALID" | "CLUSTER_SIZE_UNSAFE" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "NOT_ENOUGH_HOSTS" | "NOT_SUPPORTED" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BOOTSTRAP_DIVERGED_HISTORIES" | "BOOTSTRAP_EVIDENCE_CONFLICT" | "BOOTSTRAP_NO_ELIGIBLE_NODE" | "BOOTSTRAP_OPERATOR_CHOICE_INVALID" | "CLUSTER_STATE_CONFLICT" | "DUPLICATE_MEMBER" | "HOSTS_HELD_BY_OTHER_CLUSTER" | "HOST_ALREADY_MEMBER" | "IDEMPOTENCY_KEY_IN_FLIGHT" | "MEMBER_NOT_FOUND" | "NOTHING_TO_REMOVE" | "NOT_A_FULL_CRASH" | "NO_CHANGE" | "NO_DATA_NODE_WOULD_REMAIN" | "NO_SYNCED_MEMBER" | "OPERATION_IN_PROGRESS" | "QUORUM_WOULD_BE_LOST" | "RECOVERY_WAITING_FOR_NODES" | "STEP_INVALID" | "WRITER_NOT_A_MEMBER";
                    };
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PRECONDITION_FAILED";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    getNode: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                nodeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Node"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND" | "NODE_NOT_FOUND";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    removeNode: {
        parameters: {
            query?: {
                /** @description Accept an unsafe resulting size (never a loss of quorum) */
                force?: boolean | undefined;
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string | undefined;
            };
            path: {
                id: string;
                nodeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description dryRun=true: the plan; nothing changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description The operation started */
            202: {
                headers: {
                    /** @description The operation: /v1/operations/{id} */
                    Location?: string | undefined;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKEND_UNAVAILABLE" | "BAD_REQUEST" | "BODY_TOO_DEEP" | "CLUSTER_SIZE_INVALID" | "CLUSTER_SIZE_UNSAFE" | "MALFORMED_JSON" | "NOT_SUPPORTED" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND" | "NODE_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BOOTSTRAP_DIVERGED_HISTORIES" | "BOOTSTRAP_EVIDENCE_CONFLICT" | "BOOTSTRAP_NO_ELIGIBLE_NODE" | "BOOTSTRAP_OPERATOR_CHOICE_INVALID" | "CLUSTER_STATE_CONFLICT" | "DUPLICATE_MEMBER" | "MEMBER_NOT_FOUND" | "NOTHING_TO_REMOVE" | "NOT_A_FULL_CRASH" | "NO_CHANGE" | "NO_DATA_NODE_WOULD_REMAIN" | "NO_SYNCED_MEMBER" | "OPERATION_IN_PROGRESS" | "QUORUM_WOULD_BE_LOST" | "RECOVERY_WAITING_FOR_NODES" | "STEP_INVALID" | "WRITER_NOT_A_MEMBER";
                    };
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PRECONDITION_FAILED";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    listClusterOperations: {
        parameters: {
            query?: {
                pageSize?: number | undefined;
                pageToken?: string | undefined;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OperationPage"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_PAGE_TOKEN" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    reconfigureCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReconfigureClusterRequest"];
            };
        };
        responses: {
            /** @description dryRun=true: the plan; nothing changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description The operation started */
            202: {
                headers: {
                    /** @description The operation: /v1/operations/{id} */
                    Location?: string | undefined;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKEND_UNAVAILABLE" | "BAD_REQUEST" | "BODY_TOO_DEEP" | "CONFIG_VALUE_UNSAFE" | "GALERA_CONFIG_INVALID" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "NOT_SUPPORTED" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BOOTSTRAP_DIVERGED_HISTORIES" | "BOOTSTRAP_EVIDENCE_CONFLICT" | "BOOTSTRAP_NO_ELIGIBLE_NODE" | "BOOTSTRAP_OPERATOR_CHOICE_INVALID" | "CLUSTER_STATE_CONFLICT" | "DUPLICATE_MEMBER" | "IDEMPOTENCY_KEY_IN_FLIGHT" | "NOT_A_FULL_CRASH" | "NO_CHANGE" | "NO_SYNCED_MEMBER" | "OPERATION_IN_PROGRESS" | "RECOVERY_WAITING_FOR_NODES" | "STEP_INVALID" | "WRITER_NOT_A_MEMBER";
                    };
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PRECONDITION_FAILED";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    recoverCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RecoverClusterRequest"];
            };
        };
        responses: {
            /** @description dryRun=true: the plan; nothing changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description The operation started */
            202: {
                headers: {
                    /** @description The operation: /v1/operations/{id} */
                    Location?: string | undefined;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKEND_UNAVAILABLE" | "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "NOT_SUPPORTED" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BOOTSTRAP_DIVERGED_HISTORIES" | "BOOTSTRAP_EVIDENCE_CONFLICT" | "BOOTSTRAP_NO_ELIGIBLE_NODE" | "BOOTSTRAP_OPERATOR_CHOICE_INVALID" | "CLUSTER_STATE_CONFLICT" | "DUPLICATE_MEMBER" | "IDEMPOTENCY_KEY_IN_FLIGHT" | "NOT_A_FULL_CRASH" | "NO_SYNCED_MEMBER" | "OPERATION_IN_PROGRESS" | "RECOVERY_WAITING_FOR_NODES" | "STEP_INVALID" | "WRITER_NOT_A_MEMBER";
                    };
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PRECONDITION_FAILED";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    restartCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EmptyRequest"];
            };
        };
        responses: {
            /** @description dryRun=true: the plan; nothing changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description The operation started */
            202: {
                headers: {
                    /** @description The operation: /v1/operations/{id} */
                    Location?: string | undefined;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKEND_UNAVAILABLE" | "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "NOT_SUPPORTED" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BOOTSTRAP_DIVERGED_HISTORIES" | "BOOTSTRAP_EVIDENCE_CONFLICT" | "BOOTSTRAP_NO_ELIGIBLE_NODE" | "BOOTSTRAP_OPERATOR_CHOICE_INVALID" | "CLUSTER_STATE_CONFLICT" | "DUPLICATE_MEMBER" | "IDEMPOTENCY_KEY_IN_FLIGHT" | "NOT_A_FULL_CRASH" | "NO_SYNCED_MEMBER" | "OPERATION_IN_PROGRESS" | "RECOVERY_WAITING_FOR_NODES" | "STEP_INVALID" | "WRITER_NOT_A_MEMBER";
                    };
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PRECONDITION_FAILED";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    scaleCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScaleClusterRequest"];
            };
        };
        responses: {
            /** @description dryRun=true: the plan; nothing changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description The operation started */
            202: {
                headers: {
                    /** @description The operation: /v1/operations/{id} */
                    Location?: string | undefined;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKEND_UNAVAILABLE" | "BAD_REQUEST" | "BODY_TOO_DEEP" | "CLUSTER_SIZE_INVALID" | "CLUSTER_SIZE_UNSAFE" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "NOT_SUPPORTED" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BOOTSTRAP_DIVERGED_HISTORIES" | "BOOTSTRAP_EVIDENCE_CONFLICT" | "BOOTSTRAP_NO_ELIGIBLE_NODE" | "BOOTSTRAP_OPERATOR_CHOICE_INVALID" | "CLUSTER_STATE_CONFLICT" | "DUPLICATE_MEMBER" | "IDEMPOTENCY_KEY_IN_FLIGHT" | "MEMBER_NOT_FOUND" | "NOTHING_TO_REMOVE" | "NOT_A_FULL_CRASH" | "NO_CHANGE" | "NO_DATA_NODE_WOULD_REMAIN" | "NO_SYNCED_MEMBER" | "OPERATION_IN_PROGRESS" | "QUORUM_WOULD_BE_LOST" | "RECOVERY_WAITING_FOR_NODES" | "STEP_INVALID" | "WRITER_NOT_A_MEMBER";
                    };
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PRECONDITION_FAILED";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    startCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EmptyRequest"];
            };
        };
        responses: {
            /** @description dryRun=true: the plan; nothing changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description The operation started */
            202: {
                headers: {
                    /** @description The operation: /v1/operations/{id} */
                    Location?: string | undefined;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKEND_UNAVAILABLE" | "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "NOT_SUPPORTED" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BOOTSTRAP_DIVERGED_HISTORIES" | "BOOTSTRAP_EVIDENCE_CONFLICT" | "BOOTSTRAP_NO_ELIGIBLE_NODE" | "BOOTSTRAP_OPERATOR_CHOICE_INVALID" | "CLUSTER_STATE_CONFLICT" | "DUPLICATE_MEMBER" | "IDEMPOTENCY_KEY_IN_FLIGHT" | "NOT_A_FULL_CRASH" | "NO_SYNCED_MEMBER" | "OPERATION_IN_PROGRESS" | "RECOVERY_WAITING_FOR_NODES" | "STEP_INVALID" | "WRITER_NOT_A_MEMBER";
                    };
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PRECONDITION_FAILED";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    stopCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EmptyRequest"];
            };
        };
        responses: {
            /** @description dryRun=true: the plan; nothing changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description The operation started */
            202: {
                headers: {
                    /** @description The operation: /v1/operations/{id} */
                    Location?: string | undefined;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKEND_UNAVAILABLE" | "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "NOT_SUPPORTED" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BOOTSTRAP_DIVERGED_HISTORIES" | "BOOTSTRAP_EVIDENCE_CONFLICT" | "BOOTSTRAP_NO_ELIGIBLE_NODE" | "BOOTSTRAP_OPERATOR_CHOICE_INVALID" | "CLUSTER_STATE_CONFLICT" | "DUPLICATE_MEMBER" | "IDEMPOTENCY_KEY_IN_FLIGHT" | "NOT_A_FULL_CRASH" | "NO_SYNCED_MEMBER" | "OPERATION_IN_PROGRESS" | "RECOVERY_WAITING_FOR_NODES" | "STEP_INVALID" | "WRITER_NOT_A_MEMBER";
                    };
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PRECONDITION_FAILED";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    listCredentials: {
        parameters: {
            query?: {
                pageSize?: number | undefined;
                pageToken?: string | undefined;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CredentialPage"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_PAGE_TOKEN" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    createCredential: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCredentialRequest"];
            };
        };
        responses: {
            /** @description dryRun=true: the credential is valid and could be stored; nothing was stored (the id is not kept) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Credential"];
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Credential"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_CREDENTIAL" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CREDENTIAL_NAME_TAKEN" | "IDEMPOTENCY_KEY_IN_FLIGHT";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    getCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Credential"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CREDENTIAL_NOT_FOUND";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    deleteCredential: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted (dryRun=true: it could be deleted; nothing changed) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CREDENTIAL_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CREDENTIAL_IN_USE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query?: {
                /** @description Only this operation's events */
                operationId?: string | undefined;
                /** @description Event types: exact (`cluster.ready`) or a prefix ending in a dot (`operation.`), comma-separated */
                type?: string | undefined;
                /** @description Only events after this event id */
                after?: number | undefined;
                pageSize?: number | undefined;
                pageToken?: string | undefined;
                /** @description Only this cluster's events */
                clusterId?: string | undefined;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPage"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_PAGE_TOKEN" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    streamEvents: {
        parameters: {
            query?: {
                /** @description Only this operation's events */
                operationId?: string | undefined;
                /** @description Event types: exact (`cluster.ready`) or a prefix ending in a dot (`operation.`), comma-separated */
                type?: string | undefined;
                /** @description Only events after this event id */
                after?: number | undefined;
                /** @description Only this cluster's events */
                clusterId?: string | undefined;
                /** @description `now`: skip the stored log and send only events newer than the newest stored one; the stream then opens with a `position` message (`id:` = that event id) so a reconnect with Last-Event-ID misses nothing. Without it, after=<id> or Last-Event-ID (which win over it), the stream replays the whole stored log */
                from?: "now" | undefined;
            };
            header?: {
                /** @description Resume after this event id (as sent in each event); wins over after */
                "Last-Event-ID"?: string | undefined;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/event-stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    listOperations: {
        parameters: {
            query?: {
                pageSize?: number | undefined;
                pageToken?: string | undefined;
                /** @description Only this cluster's operations */
                clusterId?: string | undefined;
                type?: ("cluster.create" | "cluster.scale" | "node.add" | "node.remove" | "cluster.restart" | "cluster.stop" | "cluster.start" | "cluster.recover" | "cluster.reconfigure" | "cluster.delete") | undefined;
                state?: ("PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLING" | "CANCELLED") | undefined;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OperationPage"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_PAGE_TOKEN" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    getOperation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "OPERATION_NOT_FOUND";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    approveOperation: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The operation after the request (dryRun=true: as it would be; nothing changed) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "OPERATION_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "APPROVAL_NOT_REQUIRED" | "IDEMPOTENCY_KEY_IN_FLIGHT" | "OPERATION_FINISHED";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    cancelOperation: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The operation after the request (dryRun=true: as it would be; nothing changed) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "OPERATION_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_IN_FLIGHT" | "OPERATION_FINISHED";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    streamOperationEvents: {
        parameters: {
            query?: never;
            header?: {
                /** @description Resume after this id (as sent in each event) */
                "Last-Event-ID"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/event-stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "OPERATION_NOT_FOUND";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    listOperationLogs: {
        parameters: {
            query?: {
                pageSize?: number | undefined;
                pageToken?: string | undefined;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OperationLogPage"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_PAGE_TOKEN" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "OPERATION_NOT_FOUND";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    retryOperation: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description dryRun=true: the plan; nothing changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description The new operation */
            202: {
                headers: {
                    /** @description The new operation: /v1/operations/{id} */
                    Location?: string | undefined;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BACKEND_UNAVAILABLE" | "BAD_REQUEST" | "BODY_TOO_DEEP" | "CLUSTER_SIZE_INVALID" | "CLUSTER_SIZE_UNSAFE" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "NOT_ENOUGH_HOSTS" | "NOT_SUPPORTED" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CLUSTER_NOT_FOUND" | "NODE_NOT_FOUND" | "OPERATION_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BOOTSTRAP_DIVERGED_HISTORIES" | "BOOTSTRAP_EVIDENCE_CONFLICT" | "BOOTSTRAP_NO_ELIGIBLE_NODE" | "BOOTSTRAP_OPERATOR_CHOICE_INVALID" | "CLUSTER_STATE_CONFLICT" | "DELETION_PROTECTED" | "DUPLICATE_MEMBER" | "HOST_ALREADY_MEMBER" | "IDEMPOTENCY_KEY_IN_FLIGHT" | "MEMBER_NOT_FOUND" | "NOTHING_TO_REMOVE" | "NOT_A_FULL_CRASH" | "NO_CHANGE" | "NO_DATA_NODE_WOULD_REMAIN" | "OPERATION_IN_PROGRESS" | "OPERATION_NOT_RETRYABLE" | "OPERATION_SUPERSEDED" | "QUORUM_WOULD_BE_LOST" | "RECOVERY_WAITING_FOR_NODES" | "STEP_INVALID" | "WRITER_NOT_A_MEMBER";
                    };
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PRECONDITION_FAILED";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    listTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenList"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_PAGE_TOKEN" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    createToken: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTokenRequest"];
            };
        };
        responses: {
            /** @description dryRun=true: the token could be issued; nothing was stored and no secret is given */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Token"];
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedToken"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_IN_FLIGHT";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    getToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Token"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOKEN_NOT_FOUND";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    revokeToken: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Token"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOKEN_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "CANNOT_REVOKE_OWN_TOKEN";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: {
                pageSize?: number | undefined;
                pageToken?: string | undefined;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookPage"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_PAGE_TOKEN" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookRequest"];
            };
        };
        responses: {
            /** @description dryRun=true: the subscription could be created; nothing was stored and no secret is given */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhook"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "VALIDATION_FAILED" | "WEBHOOK_TARGET_REFUSED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_IN_FLIGHT";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "WEBHOOK_NOT_FOUND";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted (dryRun=true: it could be deleted; nothing changed) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "WEBHOOK_NOT_FOUND";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    updateWebhook: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateWebhookRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "MALFORMED_JSON" | "VALIDATION_FAILED" | "WEBHOOK_TARGET_REFUSED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "WEBHOOK_NOT_FOUND";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                pageSize?: number | undefined;
                pageToken?: string | undefined;
                state?: ("PENDING" | "SENDING" | "SUCCEEDED" | "FAILED") | undefined;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryPage"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_PAGE_TOKEN" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "WEBHOOK_NOT_FOUND";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
    testWebhook: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything; the viewer role may dry-run */
                dryRun?: boolean | undefined;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string | undefined;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TestWebhookRequest"];
            };
        };
        responses: {
            /** @description The ping's delivery record (dryRun=true: the target is checked, nothing is sent or stored) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            /** @description Invalid request (problem+json with field pointers) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "BAD_REQUEST" | "BODY_TOO_DEEP" | "INVALID_IDEMPOTENCY_KEY" | "MALFORMED_JSON" | "VALIDATION_FAILED";
                    };
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "INVALID_TOKEN" | "UNAUTHENTICATED";
                    };
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "FORBIDDEN";
                    };
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "WEBHOOK_NOT_FOUND";
                    };
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_IN_FLIGHT";
                    };
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
            /** @description Request body is not JSON, or is compressed */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "UNSUPPORTED_CONTENT_ENCODING" | "UNSUPPORTED_MEDIA_TYPE";
                    };
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                    };
                };
            };
            /** @description Too many failed authentications from this address; retry after Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "TOO_MANY_FAILED_AUTHENTICATIONS";
                    };
                };
            };
        };
    };
}
