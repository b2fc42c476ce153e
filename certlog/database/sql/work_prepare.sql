-- A database whose work is counted (certlog.session.measure), after VACUUM (FREEZE): pageinspect for the
-- btrees' heights; no autovacuum or autoanalyze of its tables, whose rounds leave dead rows (rolled back), to
-- start between two counts; then a checkpoint, so that the counting starts from clean buffers.
create extension if not exists pageinspect schema extensions;
alter table public.cert_notification_log set (autovacuum_enabled = false, toast.autovacuum_enabled = false);
alter table public.users set (autovacuum_enabled = false);
alter table public.peer_mentor_certifications set (autovacuum_enabled = false);

checkpoint;
