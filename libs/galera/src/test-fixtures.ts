/** Real outputs captured from MariaDB 10.11 / Galera 26.4 for the unit tests of this library. */

/**
 * `SHOW GLOBAL STATUS LIKE 'wsrep_%'` as MariaDB 10.11.19 / Galera 4.23 (Debian 12) answered it on
 * a freshly bootstrapped single node, tab-separated as the `mariadb -N` client prints it.
 */
export const WSREP_STATUS_10_11_SINGLE_NODE = `wsrep_local_state_uuid	ef03f24e-e8ae-11f1-ba4b-c7773f8be10e
wsrep_protocol_version	11
wsrep_protocol_application	4
wsrep_protocol_replicator	11
wsrep_protocol_gcs	5
wsrep_last_committed	4
wsrep_replicated	3
wsrep_replicated_bytes	1264
wsrep_repl_keys	11
wsrep_repl_keys_bytes	160
wsrep_repl_data_bytes	904
wsrep_repl_other_bytes	0
wsrep_received	2
wsrep_received_bytes	144
wsrep_local_commits	1
wsrep_local_cert_failures	0
wsrep_local_replays	0
wsrep_local_send_queue	0
wsrep_local_send_queue_max	1
wsrep_local_send_queue_min	0
wsrep_local_send_queue_avg	0
wsrep_local_recv_queue	0
wsrep_local_recv_queue_max	2
wsrep_local_recv_queue_min	0
wsrep_local_recv_queue_avg	0.5
wsrep_local_cached_downto	1
wsrep_flow_control_paused_ns	0
wsrep_flow_control_paused	0
wsrep_flow_control_sent	0
wsrep_flow_control_recv	0
wsrep_flow_control_active	false
wsrep_flow_control_requested	false
wsrep_cert_deps_distance	1
wsrep_apply_oooe	0
wsrep_apply_oool	0
wsrep_apply_window	1
wsrep_apply_waits	0
wsrep_commit_oooe	0
wsrep_commit_oool	0
wsrep_commit_window	1
wsrep_local_state	4
wsrep_local_state_comment	Synced
wsrep_cert_index_size	6
wsrep_causal_reads	0
wsrep_cert_interval	0
wsrep_open_transactions	0
wsrep_open_connections	0
wsrep_incoming_addresses	192.0.2.2:0
wsrep_cluster_weight	1
wsrep_desync_count	0
wsrep_evs_delayed	
wsrep_evs_evict_list	
wsrep_evs_repl_latency	6.72e-07/6.56625e-06/1.5009e-05/5.03935e-06/8
wsrep_evs_state	OPERATIONAL
wsrep_gcomm_uuid	ef035bbd-e8ae-11f1-a611-d6300f7114c5
wsrep_gmcast_segment	0
wsrep_checkpoint_position	ef03f24e-e8ae-11f1-ba4b-c7773f8be10e:4
wsrep_se_checkpoint	ef03f24e-e8ae-11f1-ba4b-c7773f8be10e:4 0-1-3
wsrep_applier_thread_count	1
wsrep_cluster_capabilities	
wsrep_cluster_conf_id	1
wsrep_cluster_size	1
wsrep_cluster_state_uuid	ef03f24e-e8ae-11f1-ba4b-c7773f8be10e
wsrep_cluster_status	Primary
wsrep_connected	ON
wsrep_local_bf_aborts	0
wsrep_local_index	0
wsrep_provider_capabilities	:MULTI_MASTER:CERTIFICATION:PARALLEL_APPLYING:TRX_REPLAY:ISOLATION:PAUSE:CAUSAL_READS:INCREMENTAL_WRITESET:UNORDERED:PREORDERED:STREAMING:NBO:
wsrep_provider_name	Galera
wsrep_provider_vendor	Codership Oy <info@codership.com>
wsrep_provider_version	4.23(rXXXX)
wsrep_ready	ON
wsrep_rollbacker_thread_count	1
wsrep_thread_count	2
`;

/** The same rows as a driver returns them. */
export function statusRows(tsv: string): Array<{ Variable_name: string; Value: string }> {
  return tsv
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [name, value = ''] = line.split('\t');
      return { Variable_name: name, Value: value };
    });
}

/**
 * The error log of `mariadbd --wsrep-recover` on MariaDB 10.11.19 after a node was killed (kill -9)
 * with committed transactions.
 */
export const WSREP_RECOVER_LOG_10_11 = `2026-11-25  9:02:53 0 [Note] Starting MariaDB 10.11.19-MariaDB-0+deb12u1 source revision 5843d8475120241667a7ce0f8a1abb6c9b43a273 server_uid fXdYp7ZWAMMBm0PUMZFJoAcM0o0= as process 19805
2026-11-25  9:02:53 0 [Note] InnoDB: Compressed tables use zlib 1.2.13
2026-11-25  9:02:53 0 [Note] InnoDB: Number of transaction pools: 1
2026-11-25  9:02:53 0 [Note] InnoDB: Using crc32 + pclmulqdq instructions
2026-11-25  9:02:53 0 [Note] InnoDB: Using io_uring
2026-11-25  9:02:53 0 [Note] InnoDB: innodb_buffer_pool_size_max=8388614m, innodb_buffer_pool_size=128m
2026-11-25  9:02:53 0 [Note] InnoDB: Completed initialization of buffer pool
2026-11-25  9:02:53 0 [Note] InnoDB: File system buffers for log disabled (block size=4096 bytes)
2026-11-25  9:02:53 0 [Note] InnoDB: Starting crash recovery from checkpoint LSN=61698
2026-11-25  9:02:53 0 [Note] InnoDB: End of log at LSN=63127
2026-11-25  9:02:53 0 [Note] InnoDB: To recover: 4 pages
2026-11-25  9:02:53 0 [Note] InnoDB: Resizing redo log from 32.000MiB to 96.000MiB; LSN=63127
2026-11-25  9:02:53 0 [Note] InnoDB: File system buffers for log disabled (block size=4096 bytes)
2026-11-25  9:02:53 0 [Note] InnoDB: 128 rollback segments are active.
2026-11-25  9:02:53 0 [Note] InnoDB: Removed temporary tablespace data file: "./ibtmp1"
2026-11-25  9:02:53 0 [Note] InnoDB: Setting file './ibtmp1' size to 12.000MiB. Physically writing the file full; Please wait ...
2026-11-25  9:02:53 0 [Note] InnoDB: File './ibtmp1' size is now 12.000MiB.
2026-11-25  9:02:53 0 [Note] InnoDB: log sequence number 63127; transaction id 44
2026-11-25  9:02:53 0 [Warning] InnoDB: Skipping buffer pool dump/restore during wsrep recovery.
2026-11-25  9:02:53 0 [Note] Plugin 'FEEDBACK' is disabled.
2026-11-25  9:02:53 0 [Note] Recovering after a crash using tc.log
2026-11-25  9:02:53 0 [Note] Starting table crash recovery...
2026-11-25  9:02:53 0 [Note] Crash table recovery finished.
2026-11-25  9:02:53 0 [Note] WSREP: Recovered position: ef03f24e-e8ae-11f1-ba4b-c7773f8be10e:5
`;
