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
        /** Delete a cluster: stop its services, keep data unless purge */
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
        /** Server-sent events of every event passing the filters (id = event id, type = event type), then live ones; resume with Last-Event-ID or after=<id>; a heartbeat comment keeps an idle stream open */
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
            host?: components["schemas"]["SshHost"];
            /** @default false */
            force?: boolean;
            /**
             * @description Take over the host when another live cluster record holds it; without it the request is refused with 409 HOSTS_HELD_BY_OTHER_CLUSTER. Audited as cluster.takeover
             * @default false
             */
            takeover?: boolean;
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
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.create";
            clusterId: string;
            bootstrapNode: string | null;
            members: components["schemas"]["ResultMember"][];
        };
        ClusterDeleteResult: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.delete";
            /** @description Data directories / volumes were removed too */
            purged: boolean;
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
            autoRecovery?: boolean;
            /**
             * @description Refuse deletion until turned off
             * @default false
             */
            deletionProtection?: boolean;
            /**
             * @description Count a Donor/Desynced node as serving traffic
             * @default false
             */
            donorServesTraffic?: boolean;
        };
        ClusterReconfigureResult: {
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
            ssh?: components["schemas"]["SshSpec"];
            kubernetes?: components["schemas"]["KubernetesSpec"];
        };
        ClusterStartResult: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.start";
            startedNodes: string[];
            bootstrapNode: string | null;
            members: components["schemas"]["ResultMember"][];
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
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster.stop";
            stoppedNodes: string[];
            /** @description The member stopped last, safe to bootstrap from */
            safeBootstrapNode: string | null;
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
            replicas?: number;
            /**
             * @description Accept an unsafe size (1, 2, even); the plan says why it is risky
             * @default false
             */
            force?: boolean;
            /**
             * @description Take over hosts another live cluster record holds (for example its hosts were rebuilt for this cluster); without it such a create is refused with 409 HOSTS_HELD_BY_OTHER_CLUSTER. Audited as cluster.takeover
             * @default false
             */
            takeover?: boolean;
            engine?: components["schemas"]["EngineInput"];
            galera?: components["schemas"]["GaleraSpecInput"];
            policy?: components["schemas"]["ClusterPolicyInput"];
            /** @description Required when backend is ssh */
            ssh?: components["schemas"]["SshSpecInput"];
            /** @description Required when backend is kubernetes */
            kubernetes?: components["schemas"]["KubernetesSpecInput"];
            /**
             * @example {
             *       "team": "payments"
             *     }
             */
            labels?: {
                [key: string]: string;
            };
        };
        CreateCredentialRequest: {
            /**
             * @description Unique name
             * @example lab-root-key
             */
            name: string;
            /** @enum {string} */
            kind: "ssh-private-key" | "ssh-password" | "kubeconfig";
            /** @description ssh-private-key: the private key (OpenSSH or PEM) */
            privateKey?: string;
            /** @description ssh-private-key: its passphrase, if any */
            passphrase?: string;
            /** @description ssh-password: the login password (also used for sudo) */
            password?: string;
            /** @description kubeconfig: the kubeconfig YAML */
            kubeconfig?: string;
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
            expiresAt?: string;
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
            clusterId?: string | null;
            secret?: string;
            description?: string | null;
            /** @default true */
            enabled?: boolean;
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
            kind: "ssh-private-key" | "ssh-password" | "kubeconfig";
            /** @description Public facts: key type and public key fingerprint, kubeconfig contexts and servers */
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
            version?: string;
        };
        Event: {
            /** @example 1042 */
            id: number;
            /** Format: date-time */
            at: string;
            /** @example operation.succeeded */
            type: string;
            clusterId: string | null;
            operationId: string | null;
            data: {
                [key: string]: unknown;
            };
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
            sstMethod?: "mariabackup" | "rsync";
            /**
             * @description Galera cache: size it to cover the longest planned outage (write rate x outage)
             * @default 512M
             */
            gcacheSize?: string;
            /** @default 256M */
            bufferPoolSize?: string;
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
            cpu?: string;
            /** @example 1Gi */
            memory?: string;
        };
        KubernetesSpec: {
            credentialId?: string;
            namespace: string;
            image: string;
            storageSize: string;
            storageClassName?: string;
            resources?: components["schemas"]["KubernetesResources"];
        };
        KubernetesSpecInput: {
            /** @description Kubeconfig credential; absent means the in-cluster configuration */
            credentialId?: string;
            /** @default default */
            namespace?: string;
            /**
             * @description MariaDB image with its version
             * @default mariadb:10.11
             */
            image?: string;
            /**
             * @description Size of each member's volume
             * @default 10Gi
             */
            storageSize?: string;
            storageClassName?: string;
            resources?: components["schemas"]["KubernetesResources"];
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
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "node.add";
            node: string | null;
            members: components["schemas"]["ResultMember"][];
        };
        NodeList: {
            items: components["schemas"]["Node"][];
        };
        NodeRemoveResult: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "node.remove";
            node: string;
            members: components["schemas"]["ResultMember"][];
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
            /** @description The typed result once SUCCEEDED (discriminated by type); null before */
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
        OperationApproval: {
            /** @enum {string} */
            state: "NOT_REQUIRED" | "PENDING" | "APPROVED";
            approvedBy: string | null;
            /** Format: date-time */
            approvedAt: string | null;
        };
        OperationError: {
            /** @example HOST_KEY_MISMATCH */
            code: string;
            detail: string;
            /** @description Key of the step that failed */
            step?: string;
            /** @description Member the failure is about */
            node?: string;
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
        Plan: {
            /** @enum {boolean} */
            dryRun: true;
            /** @enum {string} */
            operationType: "cluster.create" | "cluster.scale" | "node.add" | "node.remove" | "cluster.restart" | "cluster.stop" | "cluster.start" | "cluster.recover" | "cluster.reconfigure" | "cluster.delete";
            summary: string;
            /**
             * @description Ordered steps (key, action, title, node)
             * @example [
             *       {
             *         "action": "ssh.bootstrap-node",
             *         "key": "bootstrap:orders-0",
             *         "node": "orders-0",
             *         "title": "Bootstrap orders-0"
             *       }
             *     ]
             */
            steps: Record<string, never>[];
            details: {
                [key: string]: unknown;
            };
            requiresApproval: boolean;
        };
        PlanSummary: {
            summary: string;
            /** @description Bootstrap node, donors, quorum before/after, recovery evidence, objects written, warnings */
            details: {
                [key: string]: unknown;
            };
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
            code: string;
            /** @example req_01jd… */
            requestId: string;
            errors?: components["schemas"]["ProblemFieldError"][];
            /** @example op_01jd… */
            activeOperationId?: string;
        };
        ProblemFieldError: {
            /** @example /replicas */
            pointer: string;
            /** @example replicas must not be less than 1 */
            detail: string;
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
            acceptMissing?: string[];
            /**
             * @description Approve the plan now instead of through POST /v1/operations/{id}/approve
             * @default false
             */
            approve?: boolean;
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
        ScaleClusterRequest: {
            /** @example 5 */
            replicas: number;
            /**
             * @description Accept an unsafe size (never a loss of quorum)
             * @default false
             */
            force?: boolean;
        };
        SlackBlock: {
            /** @enum {string} */
            type: "section" | "context";
            text?: {
                [key: string]: unknown;
            };
            elements?: {
                [key: string]: unknown;
            }[];
        };
        SlackCommandForm: {
            /** @example T0001 */
            team_id: string;
            /** @example U0001 */
            user_id: string;
            /** @example alice */
            user_name?: string;
            /** @example /galera */
            command: string;
            /** @example scale orders 5 */
            text: string;
            /** @example https://hooks.slack.com/commands/T0001/1/abc */
            response_url?: string;
            /** @example C0001 */
            channel_id?: string;
        };
        SlackMessage: {
            /** @enum {string} */
            response_type: "ephemeral" | "in_channel";
            text: string;
            blocks?: components["schemas"]["SlackBlock"][];
            replace_original?: boolean;
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
            hostKeyFingerprint?: string;
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
            user?: string;
            /**
             * @description SSH port
             * @default 22
             */
            port?: number;
            /** @description The inventory: members are taken in order; scaling out uses the next unused host */
            hosts: components["schemas"]["SshHost"][];
            /**
             * @description Accept and pin the key a host presents on first contact when no fingerprint is given
             * @default false
             */
            trustOnFirstUse?: boolean;
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
            };
            /** @description Merged into the policy */
            policy?: components["schemas"]["ClusterPolicyInput"];
        };
        UpdateWebhookRequest: {
            url?: string;
            /** @description Event types to deliver: exact (`cluster.ready`), a prefix ending in a dot (`operation.`), or `*` for every event */
            events?: string[];
            clusterId?: string | null;
            secret?: string;
            description?: string | null;
            enabled?: boolean;
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
            /** @description A dependency (the database) does not answer; retry later */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAuditRecords: {
        parameters: {
            query?: {
                pageSize?: number;
                pageToken?: string;
                actor?: string;
                action?: string;
                targetId?: string;
                outcome?: "succeeded" | "failed" | "denied";
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not from Slack: signature missing or wrong (CHAT_SIGNATURE_INVALID), timestamp more than five minutes away (CHAT_REQUEST_EXPIRED), or a request already handled (CHAT_REQUEST_REPLAYED) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listClusters: {
        parameters: {
            query?: {
                pageSize?: number;
                pageToken?: string;
                /** @description Only the live cluster with this name (names are unique among live clusters) */
                name?: string;
                state?: "CREATING" | "READY" | "DEGRADED" | "DOWN" | "STOPPED" | "FAILED" | "DELETING" | "DELETED" | "UNKNOWN";
                backend?: "ssh" | "kubernetes";
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
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
                    Location?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteCluster: {
        parameters: {
            query?: {
                /** @description Also remove data directories / volumes */
                purge?: boolean;
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string;
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
                    Location?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string;
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
                    ETag?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listClusterEvents: {
        parameters: {
            query?: {
                /** @description Only this operation's events */
                operationId?: string;
                /** @description Event types: exact (`cluster.ready`) or a prefix ending in a dot (`operation.`), comma-separated */
                type?: string;
                /** @description Only events after this event id */
                after?: number;
                pageSize?: number;
                pageToken?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    addNode: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string;
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
                    Location?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    removeNode: {
        parameters: {
            query?: {
                /** @description Accept an unsafe resulting size (never a loss of quorum) */
                force?: boolean;
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string;
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
                    Location?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listClusterOperations: {
        parameters: {
            query?: {
                pageSize?: number;
                pageToken?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    reconfigureCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string;
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
                    Location?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    recoverCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string;
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
                    Location?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    restartCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string;
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
                    Location?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    scaleCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string;
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
                    Location?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    startCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string;
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
                    Location?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    stopCluster: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
                /** @description The ETag (generation) the change is based on; 412 when it moved */
                "If-Match"?: string;
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
                    Location?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listCredentials: {
        parameters: {
            query?: {
                pageSize?: number;
                pageToken?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createCredential: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteCredential: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
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
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query?: {
                /** @description Only this operation's events */
                operationId?: string;
                /** @description Event types: exact (`cluster.ready`) or a prefix ending in a dot (`operation.`), comma-separated */
                type?: string;
                /** @description Only events after this event id */
                after?: number;
                pageSize?: number;
                pageToken?: string;
                /** @description Only this cluster's events */
                clusterId?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamEvents: {
        parameters: {
            query?: {
                /** @description Only this operation's events */
                operationId?: string;
                /** @description Event types: exact (`cluster.ready`) or a prefix ending in a dot (`operation.`), comma-separated */
                type?: string;
                /** @description Only events after this event id */
                after?: number;
                /** @description Only this cluster's events */
                clusterId?: string;
            };
            header?: {
                /** @description Resume after this event id (as sent in each event); wins over after */
                "Last-Event-ID"?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listOperations: {
        parameters: {
            query?: {
                pageSize?: number;
                pageToken?: string;
                /** @description Only this cluster's operations */
                clusterId?: string;
                type?: "cluster.create" | "cluster.scale" | "node.add" | "node.remove" | "cluster.restart" | "cluster.stop" | "cluster.start" | "cluster.recover" | "cluster.reconfigure" | "cluster.delete";
                state?: "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLING" | "CANCELLED";
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    approveOperation: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelOperation: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamOperationEvents: {
        parameters: {
            query?: never;
            header?: {
                /** @description Resume after this id (as sent in each event) */
                "Last-Event-ID"?: string;
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
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listOperationLogs: {
        parameters: {
            query?: {
                pageSize?: number;
                pageToken?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    retryOperation: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
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
                    Location?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createToken: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeToken: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
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
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: {
                pageSize?: number;
                pageToken?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
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
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateWebhook: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                pageSize?: number;
                pageToken?: string;
                state?: "PENDING" | "SENDING" | "SUCCEEDED" | "FAILED";
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    testWebhook: {
        parameters: {
            query?: {
                /** @description Answer the plan (200) without changing anything */
                dryRun?: boolean;
            };
            header?: {
                /** @description Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409 */
                "Idempotency-Key"?: string;
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
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the role this needs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflicts with the current state (e.g. OPERATION_IN_PROGRESS) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with another request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
