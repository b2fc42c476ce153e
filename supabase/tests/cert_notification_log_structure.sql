-- Structure of public.cert_notification_log, through pgTAP's catalog assertions.
-- GENERATED from certlog/data/contract.toml by `certlog contract --write`: edit the contract, not this file.
-- Runs under `supabase test db` (pg_prove) on any Supabase project with the migrations applied.
-- Each description starts with the requirement ids (certlog/data/requirements.toml) it proves.
begin;
select plan(165);

-- The table and its owner
select has_table('public', 'cert_notification_log', 'AC-1: table public.cert_notification_log exists');
select table_owner_is('public', 'cert_notification_log', 'postgres', 'PLAT-1: it belongs to postgres, which runs the migrations on Supabase');
select columns_are('public', 'cert_notification_log', array['id', 'certification_id', 'notification_type', 'sent_at', 'recipient_id', 'idempotency_key']::name[], 'AC-1: it has exactly the columns of the task: id, certification_id, notification_type, sent_at, recipient_id, idempotency_key');

-- Columns
select col_type_is('public', 'cert_notification_log', 'id', 'uuid', 'AC-1: id is uuid');
select col_not_null('public', 'cert_notification_log', 'id', 'AC-1: id is NOT NULL');
select col_default_is('public', 'cert_notification_log', 'id', 'gen_random_uuid()', 'AC-1: id defaults to gen_random_uuid()');
select col_type_is('public', 'cert_notification_log', 'certification_id', 'uuid', 'AC-1: certification_id is uuid');
select col_not_null('public', 'cert_notification_log', 'certification_id', 'AC-1: certification_id is NOT NULL');
select col_hasnt_default('public', 'cert_notification_log', 'certification_id', 'AC-1: certification_id has no default');
select col_type_is('public', 'cert_notification_log', 'notification_type', 'text', 'AC-1: notification_type is text');
select col_not_null('public', 'cert_notification_log', 'notification_type', 'AC-1: notification_type is NOT NULL');
select col_hasnt_default('public', 'cert_notification_log', 'notification_type', 'AC-1: notification_type has no default');
select col_type_is('public', 'cert_notification_log', 'sent_at', 'timestamp with time zone', 'AC-1: sent_at is timestamp with time zone');
select col_not_null('public', 'cert_notification_log', 'sent_at', 'AC-1: sent_at is NOT NULL');
select col_default_is('public', 'cert_notification_log', 'sent_at', 'now()', 'AC-1: sent_at defaults to now()');
select col_type_is('public', 'cert_notification_log', 'recipient_id', 'uuid', 'AC-1: recipient_id is uuid');
select col_not_null('public', 'cert_notification_log', 'recipient_id', 'AC-1: recipient_id is NOT NULL');
select col_hasnt_default('public', 'cert_notification_log', 'recipient_id', 'AC-1: recipient_id has no default');
select col_type_is('public', 'cert_notification_log', 'idempotency_key', 'text', 'AC-1: idempotency_key is text');
select col_not_null('public', 'cert_notification_log', 'idempotency_key', 'AC-1: idempotency_key is NOT NULL');
select col_hasnt_default('public', 'cert_notification_log', 'idempotency_key', 'AC-1: idempotency_key has no default');

-- Keys and constraints
select col_is_pk('public', 'cert_notification_log', array['id']::name[], 'AC-1: id is the primary key');
select fk_ok('public', 'cert_notification_log', array['certification_id']::name[], 'public', 'peer_mentor_certifications', array['id']::name[], 'AC-1, AC-6: certification_id references public.peer_mentor_certifications(id)');
select is((select format('on delete %s, on update %s', case k.confdeltype when 'a' then 'no action' when 'r' then 'restrict' when 'c' then 'cascade' when 'n' then 'set null' when 'd' then 'set default' end, case k.confupdtype when 'a' then 'no action' when 'r' then 'restrict' when 'c' then 'cascade' when 'n' then 'set null' when 'd' then 'set default' end) from pg_constraint k where k.conrelid = 'public.cert_notification_log'::regclass and k.contype = 'f' and k.conkey = array(select a.attnum from unnest(array['certification_id']::text[]) with ordinality as c(name, n) join pg_attribute a on a.attrelid = 'public.cert_notification_log'::regclass and a.attname = c.name order by c.n)::int2[]), 'on delete cascade, on update no action', 'AC-1, AC-6: the foreign key on certification_id is ON DELETE CASCADE, ON UPDATE NO ACTION');
select fk_ok('public', 'cert_notification_log', array['recipient_id']::name[], 'public', 'users', array['id']::name[], 'AC-1: recipient_id references public.users(id)');
select is((select format('on delete %s, on update %s', case k.confdeltype when 'a' then 'no action' when 'r' then 'restrict' when 'c' then 'cascade' when 'n' then 'set null' when 'd' then 'set default' end, case k.confupdtype when 'a' then 'no action' when 'r' then 'restrict' when 'c' then 'cascade' when 'n' then 'set null' when 'd' then 'set default' end) from pg_constraint k where k.conrelid = 'public.cert_notification_log'::regclass and k.contype = 'f' and k.conkey = array(select a.attnum from unnest(array['recipient_id']::text[]) with ordinality as c(name, n) join pg_attribute a on a.attrelid = 'public.cert_notification_log'::regclass and a.attname = c.name order by c.n)::int2[]), 'on delete no action, on update no action', 'AC-1: the foreign key on recipient_id is ON DELETE NO ACTION, ON UPDATE NO ACTION');
select col_is_unique('public', 'cert_notification_log', array['idempotency_key']::name[], 'AC-1, AC-3: idempotency_key is UNIQUE');
select is((select pg_get_constraintdef(k.oid) from pg_constraint k where k.conrelid = 'public.cert_notification_log'::regclass and k.conname = 'cert_notification_log_notification_type_check'), 'CHECK ((notification_type = ANY (ARRAY[''expiry_warning_90d''::text, ''expiry_warning_30d''::text, ''expiry_warning_7d''::text, ''expired''::text])))', 'AC-1: notification_type accepts exactly expiry_warning_90d, expiry_warning_30d, expiry_warning_7d, expired (CHECK cert_notification_log_notification_type_check)');
select is((select pg_get_constraintdef(k.oid) from pg_constraint k where k.conrelid = 'public.cert_notification_log'::regclass and k.conname = 'cert_notification_log_idempotency_key_format_check'), 'CHECK ((idempotency_key ~ ''^[0-9a-f]{64}$''::text))', 'SEC-3: idempotency_key must match ^[0-9a-f]{64}$ (CHECK cert_notification_log_idempotency_key_format_check)');

-- Indexes
select is(array(select i.relname::text from pg_index x join pg_class i on i.oid = x.indexrelid where x.indrelid = 'public.cert_notification_log'::regclass and i.relname <> all(array['cert_notification_log_certification_id_notification_type_idx', 'cert_notification_log_idempotency_key_key', 'cert_notification_log_pkey', 'cert_notification_log_recipient_id_idx', 'cert_notification_log_sent_at_idx']::name[]) order by 1), array[]::text[], 'PLAT-2: it has no index beyond cert_notification_log_certification_id_notification_type_idx, cert_notification_log_idempotency_key_key, cert_notification_log_pkey, cert_notification_log_recipient_id_idx, cert_notification_log_sent_at_idx');
select has_index('public', 'cert_notification_log', 'cert_notification_log_certification_id_notification_type_idx', array['certification_id', 'notification_type']::name[], 'AC-2: cert_notification_log_certification_id_notification_type_idx covers (certification_id, notification_type) in that order, for the cron job''s checks');
select index_is_type('public', 'cert_notification_log', 'cert_notification_log_certification_id_notification_type_idx', 'btree', 'AC-2: cert_notification_log_certification_id_notification_type_idx is a btree index');
select is((select concat_ws(' ', case when x.indisunique then 'unique' end, case when x.indpred is null then 'full' else 'partial' end, case when x.indisvalid then 'valid' else 'invalid' end) from pg_index x where x.indexrelid = to_regclass('public.cert_notification_log_certification_id_notification_type_idx')), 'full valid', 'AC-2: cert_notification_log_certification_id_notification_type_idx is full valid');
select has_index('public', 'cert_notification_log', 'cert_notification_log_idempotency_key_key', array['idempotency_key']::name[], 'AC-3: cert_notification_log_idempotency_key_key covers (idempotency_key) in that order, for the UNIQUE constraint; the dedup lookup');
select index_is_type('public', 'cert_notification_log', 'cert_notification_log_idempotency_key_key', 'btree', 'AC-3: cert_notification_log_idempotency_key_key is a btree index');
select is((select concat_ws(' ', case when x.indisunique then 'unique' end, case when x.indpred is null then 'full' else 'partial' end, case when x.indisvalid then 'valid' else 'invalid' end) from pg_index x where x.indexrelid = to_regclass('public.cert_notification_log_idempotency_key_key')), 'unique full valid', 'AC-3: cert_notification_log_idempotency_key_key is unique full valid');
select has_index('public', 'cert_notification_log', 'cert_notification_log_pkey', array['id']::name[], 'AC-1: cert_notification_log_pkey covers (id) in that order, for the primary key');
select index_is_type('public', 'cert_notification_log', 'cert_notification_log_pkey', 'btree', 'AC-1: cert_notification_log_pkey is a btree index');
select is((select concat_ws(' ', case when x.indisunique then 'unique' end, case when x.indpred is null then 'full' else 'partial' end, case when x.indisvalid then 'valid' else 'invalid' end) from pg_index x where x.indexrelid = to_regclass('public.cert_notification_log_pkey')), 'unique full valid', 'AC-1: cert_notification_log_pkey is unique full valid');
select has_index('public', 'cert_notification_log', 'cert_notification_log_recipient_id_idx', array['recipient_id']::name[], 'PLAT-2: cert_notification_log_recipient_id_idx covers (recipient_id) in that order, for the foreign key to users (Supabase linter: unindexed_foreign_keys)');
select index_is_type('public', 'cert_notification_log', 'cert_notification_log_recipient_id_idx', 'btree', 'PLAT-2: cert_notification_log_recipient_id_idx is a btree index');
select is((select concat_ws(' ', case when x.indisunique then 'unique' end, case when x.indpred is null then 'full' else 'partial' end, case when x.indisvalid then 'valid' else 'invalid' end) from pg_index x where x.indexrelid = to_regclass('public.cert_notification_log_recipient_id_idx')), 'full valid', 'PLAT-2: cert_notification_log_recipient_id_idx is full valid');
select has_index('public', 'cert_notification_log', 'cert_notification_log_sent_at_idx', array['sent_at']::name[], 'IMPL-3: cert_notification_log_sent_at_idx covers (sent_at) in that order, for the retention purge');
select index_is_type('public', 'cert_notification_log', 'cert_notification_log_sent_at_idx', 'btree', 'IMPL-3: cert_notification_log_sent_at_idx is a btree index');
select is((select concat_ws(' ', case when x.indisunique then 'unique' end, case when x.indpred is null then 'full' else 'partial' end, case when x.indisvalid then 'valid' else 'invalid' end) from pg_index x where x.indexrelid = to_regclass('public.cert_notification_log_sent_at_idx')), 'full valid', 'IMPL-3: cert_notification_log_sent_at_idx is full valid');

-- Row level security and privileges
select is((select relrowsecurity from pg_class where oid = 'public.cert_notification_log'::regclass), true, 'AC-5: row level security is enabled');
select is((select relforcerowsecurity from pg_class where oid = 'public.cert_notification_log'::regclass), false, 'AC-5: row level security is not forced on the owner (the purge and cascades act as it)');
select is_empty($$ select policyname from pg_policies where schemaname = 'public' and tablename = 'cert_notification_log' and cmd in ('SELECT', 'ALL') $$, 'SEC-1: no RLS policy lets anyone read the table');
select is_empty($$ select policyname from pg_policies where schemaname = 'public' and tablename = 'cert_notification_log' and cmd in ('INSERT', 'UPDATE', 'DELETE', 'ALL') $$, 'AC-5: no RLS policy lets anyone write the table');
select is(has_table_privilege('anon', 'public.cert_notification_log', 'SELECT'), false, 'SEC-1: anon does not hold SELECT on the table');
select is(has_table_privilege('anon', 'public.cert_notification_log', 'INSERT'), false, 'AC-5, SEC-2: anon does not hold INSERT on the table');
select is(has_table_privilege('anon', 'public.cert_notification_log', 'UPDATE'), false, 'AC-5: anon does not hold UPDATE on the table');
select is(has_table_privilege('anon', 'public.cert_notification_log', 'DELETE'), false, 'AC-5: anon does not hold DELETE on the table');
select is(has_table_privilege('anon', 'public.cert_notification_log', 'TRUNCATE'), false, 'AC-5: anon does not hold TRUNCATE on the table');
select is(has_table_privilege('anon', 'public.cert_notification_log', 'REFERENCES'), false, 'AC-5: anon does not hold REFERENCES on the table');
select is(has_table_privilege('anon', 'public.cert_notification_log', 'TRIGGER'), false, 'AC-5: anon does not hold TRIGGER on the table');
select is(has_table_privilege('authenticated', 'public.cert_notification_log', 'SELECT'), false, 'SEC-1: authenticated does not hold SELECT on the table');
select is(has_table_privilege('authenticated', 'public.cert_notification_log', 'INSERT'), false, 'AC-5, SEC-2: authenticated does not hold INSERT on the table');
select is(has_table_privilege('authenticated', 'public.cert_notification_log', 'UPDATE'), false, 'AC-5: authenticated does not hold UPDATE on the table');
select is(has_table_privilege('authenticated', 'public.cert_notification_log', 'DELETE'), false, 'AC-5: authenticated does not hold DELETE on the table');
select is(has_table_privilege('authenticated', 'public.cert_notification_log', 'TRUNCATE'), false, 'AC-5: authenticated does not hold TRUNCATE on the table');
select is(has_table_privilege('authenticated', 'public.cert_notification_log', 'REFERENCES'), false, 'AC-5: authenticated does not hold REFERENCES on the table');
select is(has_table_privilege('authenticated', 'public.cert_notification_log', 'TRIGGER'), false, 'AC-5: authenticated does not hold TRIGGER on the table');
select is(has_table_privilege('service_role', 'public.cert_notification_log', 'SELECT'), true, 'SEC-2: service_role holds SELECT on the table');
select is(has_table_privilege('service_role', 'public.cert_notification_log', 'INSERT'), true, 'SEC-2: service_role holds INSERT on the table');
select is(has_table_privilege('service_role', 'public.cert_notification_log', 'UPDATE'), false, 'IMPL-2: service_role does not hold UPDATE on the table');
select is(has_table_privilege('service_role', 'public.cert_notification_log', 'DELETE'), false, 'IMPL-2: service_role does not hold DELETE on the table');
select is(has_table_privilege('service_role', 'public.cert_notification_log', 'TRUNCATE'), false, 'IMPL-2: service_role does not hold TRUNCATE on the table');
select is(has_table_privilege('service_role', 'public.cert_notification_log', 'REFERENCES'), false, 'IMPL-2: service_role does not hold REFERENCES on the table');
select is(has_table_privilege('service_role', 'public.cert_notification_log', 'TRIGGER'), false, 'IMPL-2: service_role does not hold TRIGGER on the table');

-- Functions
select has_function('public', 'cert_notification_idempotency_key', array['uuid', 'text', 'date']::name[], 'IMPL-1, SEC-3: cert_notification_idempotency_key(uuid, text, date) exists');
select function_returns('public', 'cert_notification_idempotency_key', array['uuid', 'text', 'date']::name[], 'text', 'IMPL-1, SEC-3: cert_notification_idempotency_key(uuid, text, date) returns text');
select function_lang_is('public', 'cert_notification_idempotency_key', array['uuid', 'text', 'date']::name[], 'sql', 'IMPL-1, SEC-3: cert_notification_idempotency_key(uuid, text, date) is written in sql');
select volatility_is('public', 'cert_notification_idempotency_key', array['uuid', 'text', 'date']::name[], 'immutable', 'IMPL-1, SEC-3: cert_notification_idempotency_key(uuid, text, date) is immutable');
select isnt_definer('public', 'cert_notification_idempotency_key', array['uuid', 'text', 'date']::name[], 'IMPL-1, SEC-3: cert_notification_idempotency_key(uuid, text, date) is SECURITY INVOKER');
select is((select proconfig from pg_proc where oid = to_regprocedure('public.cert_notification_idempotency_key(uuid,text,date)')), array['search_path=""'], 'PLAT-2: cert_notification_idempotency_key(uuid, text, date) pins an empty search_path');
select function_privs_are('public', 'cert_notification_idempotency_key', array['uuid', 'text', 'date']::name[], 'anon', array[]::text[], 'IMPL-1, SEC-3: anon cannot execute cert_notification_idempotency_key(uuid, text, date)');
select function_privs_are('public', 'cert_notification_idempotency_key', array['uuid', 'text', 'date']::name[], 'authenticated', array[]::text[], 'IMPL-1, SEC-3: authenticated cannot execute cert_notification_idempotency_key(uuid, text, date)');
select function_privs_are('public', 'cert_notification_idempotency_key', array['uuid', 'text', 'date']::name[], 'service_role', array['EXECUTE']::text[], 'IMPL-1, SEC-3: service_role can execute cert_notification_idempotency_key(uuid, text, date)');
select has_function('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]', 'date[]']::name[], 'PERF-2, RULE-2: cert_notifications_already_sent(uuid[], text[], date[]) exists');
select function_returns('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]', 'date[]']::name[], 'setof integer', 'PERF-2, RULE-2: cert_notifications_already_sent(uuid[], text[], date[]) returns setof integer');
select function_lang_is('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]', 'date[]']::name[], 'sql', 'PERF-2, RULE-2: cert_notifications_already_sent(uuid[], text[], date[]) is written in sql');
select volatility_is('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]', 'date[]']::name[], 'stable', 'PERF-2, RULE-2: cert_notifications_already_sent(uuid[], text[], date[]) is stable');
select isnt_definer('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]', 'date[]']::name[], 'SEC-1: cert_notifications_already_sent(uuid[], text[], date[]) is SECURITY INVOKER');
select is((select proconfig from pg_proc where oid = to_regprocedure('public.cert_notifications_already_sent(uuid[],text[],date[])')), array['search_path=""'], 'PLAT-2: cert_notifications_already_sent(uuid[], text[], date[]) pins an empty search_path');
select function_privs_are('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]', 'date[]']::name[], 'anon', array[]::text[], 'SEC-1: anon cannot execute cert_notifications_already_sent(uuid[], text[], date[])');
select function_privs_are('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]', 'date[]']::name[], 'authenticated', array[]::text[], 'SEC-1: authenticated cannot execute cert_notifications_already_sent(uuid[], text[], date[])');
select function_privs_are('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]', 'date[]']::name[], 'service_role', array['EXECUTE']::text[], 'PERF-2, RULE-2: service_role can execute cert_notifications_already_sent(uuid[], text[], date[])');
select has_function('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]']::name[], 'PLAT-4: cert_notifications_already_sent(uuid[], text[]) exists');
select function_returns('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]']::name[], 'setof integer', 'PLAT-4: cert_notifications_already_sent(uuid[], text[]) returns setof integer');
select function_lang_is('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]']::name[], 'plpgsql', 'PLAT-4: cert_notifications_already_sent(uuid[], text[]) is written in plpgsql');
select volatility_is('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]']::name[], 'stable', 'PLAT-4: cert_notifications_already_sent(uuid[], text[]) is stable');
select isnt_definer('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]']::name[], 'PLAT-4: cert_notifications_already_sent(uuid[], text[]) is SECURITY INVOKER');
select is((select proconfig from pg_proc where oid = to_regprocedure('public.cert_notifications_already_sent(uuid[],text[])')), array['search_path=""'], 'PLAT-2: cert_notifications_already_sent(uuid[], text[]) pins an empty search_path');
select function_privs_are('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]']::name[], 'anon', array[]::text[], 'PLAT-4: anon cannot execute cert_notifications_already_sent(uuid[], text[])');
select function_privs_are('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]']::name[], 'authenticated', array[]::text[], 'PLAT-4: authenticated cannot execute cert_notifications_already_sent(uuid[], text[])');
select function_privs_are('public', 'cert_notifications_already_sent', array['uuid[]', 'text[]']::name[], 'service_role', array['EXECUTE']::text[], 'PLAT-4: service_role can execute cert_notifications_already_sent(uuid[], text[])');
select has_function('public', 'cert_notification_days_before', array['text']::name[], 'RULE-1: cert_notification_days_before(text) exists');
select function_returns('public', 'cert_notification_days_before', array['text']::name[], 'integer', 'RULE-1: cert_notification_days_before(text) returns integer');
select function_lang_is('public', 'cert_notification_days_before', array['text']::name[], 'sql', 'RULE-1: cert_notification_days_before(text) is written in sql');
select volatility_is('public', 'cert_notification_days_before', array['text']::name[], 'immutable', 'RULE-1: cert_notification_days_before(text) is immutable');
select isnt_definer('public', 'cert_notification_days_before', array['text']::name[], 'RULE-1: cert_notification_days_before(text) is SECURITY INVOKER');
select is((select proconfig from pg_proc where oid = to_regprocedure('public.cert_notification_days_before(text)')), array['search_path=""'], 'PLAT-2: cert_notification_days_before(text) pins an empty search_path');
select function_privs_are('public', 'cert_notification_days_before', array['text']::name[], 'anon', array[]::text[], 'RULE-1: anon cannot execute cert_notification_days_before(text)');
select function_privs_are('public', 'cert_notification_days_before', array['text']::name[], 'authenticated', array[]::text[], 'RULE-1: authenticated cannot execute cert_notification_days_before(text)');
select function_privs_are('public', 'cert_notification_days_before', array['text']::name[], 'service_role', array['EXECUTE']::text[], 'RULE-1: service_role can execute cert_notification_days_before(text)');
select has_function('public', 'cert_notification_due', array['date', 'date']::name[], 'RULE-1: cert_notification_due(date, date) exists');
select function_returns('public', 'cert_notification_due', array['date', 'date']::name[], 'text', 'RULE-1: cert_notification_due(date, date) returns text');
select function_lang_is('public', 'cert_notification_due', array['date', 'date']::name[], 'sql', 'RULE-1: cert_notification_due(date, date) is written in sql');
select volatility_is('public', 'cert_notification_due', array['date', 'date']::name[], 'immutable', 'RULE-1: cert_notification_due(date, date) is immutable');
select isnt_definer('public', 'cert_notification_due', array['date', 'date']::name[], 'RULE-1: cert_notification_due(date, date) is SECURITY INVOKER');
select is((select proconfig from pg_proc where oid = to_regprocedure('public.cert_notification_due(date,date)')), array['search_path=""'], 'PLAT-2: cert_notification_due(date, date) pins an empty search_path');
select function_privs_are('public', 'cert_notification_due', array['date', 'date']::name[], 'anon', array[]::text[], 'RULE-1: anon cannot execute cert_notification_due(date, date)');
select function_privs_are('public', 'cert_notification_due', array['date', 'date']::name[], 'authenticated', array[]::text[], 'RULE-1: authenticated cannot execute cert_notification_due(date, date)');
select function_privs_are('public', 'cert_notification_due', array['date', 'date']::name[], 'service_role', array['EXECUTE']::text[], 'RULE-1: service_role can execute cert_notification_due(date, date)');
select has_function('public', 'cert_notification_counts_from', array['text']::name[], 'RULE-2: cert_notification_counts_from(text) exists');
select function_returns('public', 'cert_notification_counts_from', array['text']::name[], 'integer', 'RULE-2: cert_notification_counts_from(text) returns integer');
select function_lang_is('public', 'cert_notification_counts_from', array['text']::name[], 'sql', 'RULE-2: cert_notification_counts_from(text) is written in sql');
select volatility_is('public', 'cert_notification_counts_from', array['text']::name[], 'immutable', 'RULE-2: cert_notification_counts_from(text) is immutable');
select isnt_definer('public', 'cert_notification_counts_from', array['text']::name[], 'RULE-2: cert_notification_counts_from(text) is SECURITY INVOKER');
select is((select proconfig from pg_proc where oid = to_regprocedure('public.cert_notification_counts_from(text)')), array['search_path=""'], 'PLAT-2: cert_notification_counts_from(text) pins an empty search_path');
select function_privs_are('public', 'cert_notification_counts_from', array['text']::name[], 'anon', array[]::text[], 'RULE-2: anon cannot execute cert_notification_counts_from(text)');
select function_privs_are('public', 'cert_notification_counts_from', array['text']::name[], 'authenticated', array[]::text[], 'RULE-2: authenticated cannot execute cert_notification_counts_from(text)');
select function_privs_are('public', 'cert_notification_counts_from', array['text']::name[], 'service_role', array['EXECUTE']::text[], 'RULE-2: service_role can execute cert_notification_counts_from(text)');
select has_function('public', 'cert_notification_log_once_per_cycle', array[]::name[], 'RULE-3: cert_notification_log_once_per_cycle() exists');
select function_returns('public', 'cert_notification_log_once_per_cycle', array[]::name[], 'trigger', 'RULE-3: cert_notification_log_once_per_cycle() returns trigger');
select function_lang_is('public', 'cert_notification_log_once_per_cycle', array[]::name[], 'plpgsql', 'RULE-3: cert_notification_log_once_per_cycle() is written in plpgsql');
select volatility_is('public', 'cert_notification_log_once_per_cycle', array[]::name[], 'volatile', 'RULE-3: cert_notification_log_once_per_cycle() is volatile');
select is_definer('public', 'cert_notification_log_once_per_cycle', array[]::name[], 'RULE-3: cert_notification_log_once_per_cycle() is SECURITY DEFINER');
select is((select proconfig from pg_proc where oid = to_regprocedure('public.cert_notification_log_once_per_cycle()')), array['search_path=""'], 'PLAT-2: cert_notification_log_once_per_cycle() pins an empty search_path');
select function_privs_are('public', 'cert_notification_log_once_per_cycle', array[]::name[], 'anon', array[]::text[], 'RULE-3: anon cannot execute cert_notification_log_once_per_cycle()');
select function_privs_are('public', 'cert_notification_log_once_per_cycle', array[]::name[], 'authenticated', array[]::text[], 'RULE-3: authenticated cannot execute cert_notification_log_once_per_cycle()');
select function_privs_are('public', 'cert_notification_log_once_per_cycle', array[]::name[], 'service_role', array[]::text[], 'RULE-3: service_role cannot execute cert_notification_log_once_per_cycle()');
select has_function('public', 'purge_cert_notification_log', array['interval']::name[], 'IMPL-3, PLAT-2: purge_cert_notification_log(interval) exists');
select function_returns('public', 'purge_cert_notification_log', array['interval']::name[], 'bigint', 'IMPL-3, PLAT-2: purge_cert_notification_log(interval) returns bigint');
select function_lang_is('public', 'purge_cert_notification_log', array['interval']::name[], 'plpgsql', 'IMPL-3, PLAT-2: purge_cert_notification_log(interval) is written in plpgsql');
select volatility_is('public', 'purge_cert_notification_log', array['interval']::name[], 'volatile', 'IMPL-3, PLAT-2: purge_cert_notification_log(interval) is volatile');
select is_definer('public', 'purge_cert_notification_log', array['interval']::name[], 'IMPL-3, PLAT-2: purge_cert_notification_log(interval) is SECURITY DEFINER');
select is((select proconfig from pg_proc where oid = to_regprocedure('public.purge_cert_notification_log(interval)')), array['search_path=""'], 'PLAT-2: purge_cert_notification_log(interval) pins an empty search_path');
select function_privs_are('public', 'purge_cert_notification_log', array['interval']::name[], 'anon', array[]::text[], 'IMPL-3, PLAT-2: anon cannot execute purge_cert_notification_log(interval)');
select function_privs_are('public', 'purge_cert_notification_log', array['interval']::name[], 'authenticated', array[]::text[], 'IMPL-3, PLAT-2: authenticated cannot execute purge_cert_notification_log(interval)');
select function_privs_are('public', 'purge_cert_notification_log', array['interval']::name[], 'service_role', array['EXECUTE']::text[], 'IMPL-3, PLAT-2: service_role can execute purge_cert_notification_log(interval)');
select has_function('public', 'cert_notification_log_refuse_update', array[]::name[], 'IMPL-2: cert_notification_log_refuse_update() exists');
select function_returns('public', 'cert_notification_log_refuse_update', array[]::name[], 'trigger', 'IMPL-2: cert_notification_log_refuse_update() returns trigger');
select function_lang_is('public', 'cert_notification_log_refuse_update', array[]::name[], 'plpgsql', 'IMPL-2: cert_notification_log_refuse_update() is written in plpgsql');
select volatility_is('public', 'cert_notification_log_refuse_update', array[]::name[], 'volatile', 'IMPL-2: cert_notification_log_refuse_update() is volatile');
select isnt_definer('public', 'cert_notification_log_refuse_update', array[]::name[], 'IMPL-2: cert_notification_log_refuse_update() is SECURITY INVOKER');
select is((select proconfig from pg_proc where oid = to_regprocedure('public.cert_notification_log_refuse_update()')), array['search_path=""'], 'PLAT-2: cert_notification_log_refuse_update() pins an empty search_path');
select function_privs_are('public', 'cert_notification_log_refuse_update', array[]::name[], 'anon', array[]::text[], 'IMPL-2: anon cannot execute cert_notification_log_refuse_update()');
select function_privs_are('public', 'cert_notification_log_refuse_update', array[]::name[], 'authenticated', array[]::text[], 'IMPL-2: authenticated cannot execute cert_notification_log_refuse_update()');
select function_privs_are('public', 'cert_notification_log_refuse_update', array[]::name[], 'service_role', array[]::text[], 'IMPL-2: service_role cannot execute cert_notification_log_refuse_update()');

-- Triggers
select has_trigger('public', 'cert_notification_log', 'cert_notification_log_refuse_update', 'IMPL-2: trigger cert_notification_log_refuse_update exists');
select trigger_is('public', 'cert_notification_log', 'cert_notification_log_refuse_update', 'public', 'cert_notification_log_refuse_update', 'IMPL-2: cert_notification_log_refuse_update runs cert_notification_log_refuse_update()');
select is((select concat_ws(' ', case when g.tgtype & 2 = 2 then 'before' when g.tgtype & 64 = 64 then 'instead of' else 'after' end, array_to_string(array_remove(array[case when g.tgtype & 4 = 4 then 'insert' end, case when g.tgtype & 8 = 8 then 'delete' end, case when g.tgtype & 16 = 16 then 'update' end, case when g.tgtype & 32 = 32 then 'truncate' end], null), ' or '), 'for each', case when g.tgtype & 1 = 1 then 'row' else 'statement' end) from pg_trigger g where g.tgrelid = 'public.cert_notification_log'::regclass and g.tgname = 'cert_notification_log_refuse_update'), 'before update for each statement', 'IMPL-2: cert_notification_log_refuse_update fires before update for each statement');
select has_trigger('public', 'cert_notification_log', 'cert_notification_log_once_per_cycle', 'RULE-3: trigger cert_notification_log_once_per_cycle exists');
select trigger_is('public', 'cert_notification_log', 'cert_notification_log_once_per_cycle', 'public', 'cert_notification_log_once_per_cycle', 'RULE-3: cert_notification_log_once_per_cycle runs cert_notification_log_once_per_cycle()');
select is((select concat_ws(' ', case when g.tgtype & 2 = 2 then 'before' when g.tgtype & 64 = 64 then 'instead of' else 'after' end, array_to_string(array_remove(array[case when g.tgtype & 4 = 4 then 'insert' end, case when g.tgtype & 8 = 8 then 'delete' end, case when g.tgtype & 16 = 16 then 'update' end, case when g.tgtype & 32 = 32 then 'truncate' end], null), ' or '), 'for each', case when g.tgtype & 1 = 1 then 'row' else 'statement' end) from pg_trigger g where g.tgrelid = 'public.cert_notification_log'::regclass and g.tgname = 'cert_notification_log_once_per_cycle'), 'before insert for each row', 'RULE-3: cert_notification_log_once_per_cycle fires before insert for each row');

-- The notification schedule
select is(public.cert_notification_days_before('expiry_warning_90d'), 90, 'RULE-1: expiry_warning_90d is due 90 days before expiry');
select is(public.cert_notification_days_before('expiry_warning_30d'), 30, 'RULE-1: expiry_warning_30d is due 30 days before expiry');
select is(public.cert_notification_days_before('expiry_warning_7d'), 7, 'RULE-1: expiry_warning_7d is due 7 days before expiry');
select is(public.cert_notification_days_before('expired'), 0, 'RULE-1: expired is due 0 days before expiry');

-- Documentation
select ok(strpos(coalesce(col_description('public.cert_notification_log'::regclass, (select attnum from pg_attribute where attrelid = 'public.cert_notification_log'::regclass and attname = 'idempotency_key')), ''), 'SHA-256') > 0, 'AC-4: the comment on idempotency_key states SHA-256');
select ok(strpos(coalesce(col_description('public.cert_notification_log'::regclass, (select attnum from pg_attribute where attrelid = 'public.cert_notification_log'::regclass and attname = 'idempotency_key')), ''), '{certification_id}|{notification_type}|{YYYY-MM-DD}') > 0, 'AC-4: the comment on idempotency_key states {certification_id}|{notification_type}|{YYYY-MM-DD}');
select ok(strpos(coalesce(col_description('public.cert_notification_log'::regclass, (select attnum from pg_attribute where attrelid = 'public.cert_notification_log'::regclass and attname = 'idempotency_key')), ''), 'scheduled run date') > 0, 'AC-4: the comment on idempotency_key states scheduled run date');
select ok(strpos(coalesce(col_description('public.cert_notification_log'::regclass, (select attnum from pg_attribute where attrelid = 'public.cert_notification_log'::regclass and attname = 'idempotency_key')), ''), 'the day it is due in its cycle') > 0, 'AC-4: the comment on idempotency_key states the day it is due in its cycle');

select * from finish();
rollback;
