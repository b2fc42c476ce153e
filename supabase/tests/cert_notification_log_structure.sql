-- Structure of public.cert_notification_log, through pgTAP's catalog assertions.
-- Runs under `supabase test db` (pg_prove) on any Supabase project with the migration applied.
begin;
select plan(38);

select has_table('public', 'cert_notification_log', 'table cert_notification_log exists');
select columns_are('public', 'cert_notification_log',
  array['id', 'certification_id', 'notification_type', 'sent_at', 'recipient_id', 'idempotency_key'],
  'it has exactly the six columns of the task');

select col_type_is('public', 'cert_notification_log', 'id', 'uuid', 'id is uuid');
select col_is_pk('public', 'cert_notification_log', 'id', 'id is the primary key');
select col_not_null('public', 'cert_notification_log', 'id', 'id is NOT NULL');
select col_default_is('public', 'cert_notification_log', 'id', 'gen_random_uuid()', 'id defaults to gen_random_uuid()');

select col_type_is('public', 'cert_notification_log', 'certification_id', 'uuid', 'certification_id is uuid');
select col_not_null('public', 'cert_notification_log', 'certification_id', 'certification_id is NOT NULL');
select fk_ok('public', 'cert_notification_log', 'certification_id', 'public', 'peer_mentor_certifications', 'id',
  'certification_id references peer_mentor_certifications.id');
select is(
  (select confdeltype::text from pg_constraint
    where conrelid = 'public.cert_notification_log'::regclass and contype = 'f'
      and confrelid = 'public.peer_mentor_certifications'::regclass),
  'c', 'the certification foreign key is ON DELETE CASCADE');

select col_type_is('public', 'cert_notification_log', 'notification_type', 'text', 'notification_type is text');
select col_not_null('public', 'cert_notification_log', 'notification_type', 'notification_type is NOT NULL');
select col_has_check('public', 'cert_notification_log', 'notification_type', 'notification_type has a CHECK');

select col_type_is('public', 'cert_notification_log', 'sent_at', 'timestamp with time zone', 'sent_at is timestamptz');
select col_not_null('public', 'cert_notification_log', 'sent_at', 'sent_at is NOT NULL');
select col_default_is('public', 'cert_notification_log', 'sent_at', 'now()', 'sent_at defaults to now()');

select col_type_is('public', 'cert_notification_log', 'recipient_id', 'uuid', 'recipient_id is uuid');
select col_not_null('public', 'cert_notification_log', 'recipient_id', 'recipient_id is NOT NULL');
select fk_ok('public', 'cert_notification_log', 'recipient_id', 'public', 'users', 'id',
  'recipient_id references users.id');

select col_type_is('public', 'cert_notification_log', 'idempotency_key', 'text', 'idempotency_key is text');
select col_not_null('public', 'cert_notification_log', 'idempotency_key', 'idempotency_key is NOT NULL');
select col_is_unique('public', 'cert_notification_log', array['idempotency_key'], 'idempotency_key is UNIQUE');
select col_has_check('public', 'cert_notification_log', 'idempotency_key', 'idempotency_key has a format CHECK');

select has_index('public', 'cert_notification_log', 'cert_notification_log_certification_id_notification_type_idx',
  array['certification_id', 'notification_type'],
  'the composite index covers (certification_id, notification_type) in that order');
select index_is_type('public', 'cert_notification_log', 'cert_notification_log_certification_id_notification_type_idx',
  'btree', 'the composite index is a btree');
select has_index('public', 'cert_notification_log', 'cert_notification_log_recipient_id_idx', array['recipient_id'],
  'recipient_id is indexed');

select ok((select relrowsecurity from pg_class where oid = 'public.cert_notification_log'::regclass),
  'row level security is enabled');
select policies_are('public', 'cert_notification_log', array[]::name[],
  'no RLS policy exists: anon and authenticated can read and write nothing');

select table_privs_are('public', 'cert_notification_log', 'anon', array[]::text[], 'anon has no privilege on the table');
select table_privs_are('public', 'cert_notification_log', 'authenticated', array[]::text[],
  'authenticated has no privilege on the table');
select table_privs_are('public', 'cert_notification_log', 'service_role', array['SELECT', 'INSERT'],
  'service_role may SELECT and INSERT, nothing else');

select has_function('public', 'cert_notification_idempotency_key', array['uuid', 'text', 'date'],
  'the idempotency key function exists');
select volatility_is('public', 'cert_notification_idempotency_key', array['uuid', 'text', 'date'], 'immutable',
  'the idempotency key function is IMMUTABLE');
select function_privs_are('public', 'cert_notification_idempotency_key', array['uuid', 'text', 'date'], 'anon',
  array[]::text[], 'anon cannot execute the key function');
select is_definer('public', 'purge_cert_notification_log', array['interval'],
  'the retention purge is SECURITY DEFINER');
select function_privs_are('public', 'purge_cert_notification_log', array['interval'], 'authenticated',
  array[]::text[], 'authenticated cannot execute the retention purge');
select function_privs_are('public', 'purge_cert_notification_log', array['interval'], 'service_role',
  array['EXECUTE'], 'service_role can execute the retention purge');
select has_trigger('public', 'cert_notification_log', 'cert_notification_log_refuse_update',
  'the append-only trigger exists');

select * from finish();
rollback;
