-- What each statement run in this database since work_reset.sql cost, as the server counted it: shared
-- buffers touched (hit + read), rows returned or written, WAL, execution time. A top-level statement's
-- figures include everything it ran (functions, triggers, foreign-key checks), which are also listed on
-- their own (toplevel false) when pg_stat_statements.track is 'all'. The statements that switch the role
-- (set_config, set, reset) are not the work.
select s.toplevel, s.query, s.calls, s.rows,
       s.shared_blks_hit + s.shared_blks_read as buffers, s.shared_blks_hit as hit, s.shared_blks_read as read,
       s.shared_blks_dirtied as dirtied, s.wal_records, s.wal_fpi, s.wal_bytes::bigint as wal_bytes,
       s.total_exec_time as exec_ms
from extensions.pg_stat_statements s
where s.dbid = (select oid from pg_catalog.pg_database where datname = pg_catalog.current_database())
  and s.query not like '%set_config%'
  and s.query not like '%pg_stat_statements%'
  and s.query !~* '^(set|reset) '
order by s.toplevel desc, s.total_exec_time desc;
