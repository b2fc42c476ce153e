-- Behaviour of public.cert_notification_log: the task's three pgTAP tests, client roles switched
-- as PostgREST switches them, the cron job's ON CONFLICT path, append-only. Each description
-- starts with the requirement ids it proves (certlog/data/requirements.toml).
-- Fixture rows are created inside the transaction and rolled back; they name every column, so that a
-- missing default fails the assertion about it, not the whole file.
begin;
select plan(21);

insert into public.users (id, email, full_name, role, chapter_id) values
  ('11111111-1111-4111-8111-111111111111', 'pgtap.mentor@example.org', 'pgTAP Mentor', 'peer_mentor',
   'cccccccc-cccc-4ccc-8ccc-cccccccccccc');
insert into public.peer_mentor_certifications (id, peer_mentor_id, chapter_id, certification_type, issued_on, expires_on)
values
  ('22222222-2222-4222-8222-222222222222', '11111111-1111-4111-8111-111111111111',
   'cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'peer_mentor_basic', '2024-12-02', '2026-12-02'),
  ('33333333-3333-4333-8333-333333333333', '11111111-1111-4111-8111-111111111111',
   'cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'first_aid', '2024-12-02', '2026-12-02');
insert into public.cert_notification_log (certification_id, notification_type, recipient_id, idempotency_key, sent_at) values
  ('22222222-2222-4222-8222-222222222222', 'expiry_warning_90d', '11111111-1111-4111-8111-111111111111',
   public.cert_notification_idempotency_key('22222222-2222-4222-8222-222222222222', 'expiry_warning_90d', '2026-09-03'),
   '2026-09-03 02:00+00'),
  ('22222222-2222-4222-8222-222222222222', 'expiry_warning_30d', '11111111-1111-4111-8111-111111111111',
   public.cert_notification_idempotency_key('22222222-2222-4222-8222-222222222222', 'expiry_warning_30d', '2026-11-02'),
   '2026-11-02 02:00+00');

-- The task's three pgTAP tests.
select throws_ok(
  $$ insert into public.cert_notification_log (certification_id, notification_type, recipient_id, idempotency_key, sent_at)
     values ('33333333-3333-4333-8333-333333333333', 'expired', '11111111-1111-4111-8111-111111111111',
             public.cert_notification_idempotency_key('22222222-2222-4222-8222-222222222222', 'expiry_warning_90d', '2026-09-03'),
             '2026-12-02 02:00+00') $$,
  '23505', null, 'TEST-1, AC-3: a second row with the same idempotency_key raises unique_violation');

select throws_ok(
  $$ insert into public.cert_notification_log (certification_id, notification_type, recipient_id, idempotency_key, sent_at)
     values ('33333333-3333-4333-8333-333333333333', 'expiry_warning_60d', '11111111-1111-4111-8111-111111111111',
             repeat('b', 64), '2026-10-03 02:00+00') $$,
  '23514', null, 'TEST-3, AC-1: an invalid notification_type raises check_violation');

select lives_ok(
  $$ delete from public.peer_mentor_certifications where id = '22222222-2222-4222-8222-222222222222' $$,
  'TEST-2, AC-6: a certification with notification log rows can be deleted');
select is_empty(
  $$ select 1 from public.cert_notification_log where certification_id = '22222222-2222-4222-8222-222222222222' $$,
  'TEST-2, AC-6: deleting a certification cascades to delete its notification log rows');

-- The key refuses anything but 64 lowercase hex characters, so it can carry no PII.
select throws_ok(
  $$ insert into public.cert_notification_log (certification_id, notification_type, recipient_id, idempotency_key, sent_at)
     values ('33333333-3333-4333-8333-333333333333', 'expired', '11111111-1111-4111-8111-111111111111',
             'pgtap.mentor@example.org:expired:2026-12-02', '2026-12-02 02:00+00') $$,
  '23514', null, 'SEC-3: a key carrying an e-mail address raises check_violation');

-- The cron job, as service_role (PostgREST: role and claims set for the transaction).
set local role service_role;
set local request.jwt.claims to '{"role": "service_role", "iss": "supabase"}';
select lives_ok(
  $$ insert into public.cert_notification_log (certification_id, notification_type, recipient_id, idempotency_key)
     values ('33333333-3333-4333-8333-333333333333', 'expiry_warning_7d', '11111111-1111-4111-8111-111111111111',
             public.cert_notification_idempotency_key('33333333-3333-4333-8333-333333333333', 'expiry_warning_7d', '2026-11-25'))
     on conflict (idempotency_key) do nothing $$,
  'TEST-4: service_role: the cron insert of a new notification succeeds');
select lives_ok(
  $$ insert into public.cert_notification_log (certification_id, notification_type, recipient_id, idempotency_key)
     values ('33333333-3333-4333-8333-333333333333', 'expiry_warning_7d', '11111111-1111-4111-8111-111111111111',
             public.cert_notification_idempotency_key('33333333-3333-4333-8333-333333333333', 'expiry_warning_7d', '2026-11-25'))
     on conflict (idempotency_key) do nothing $$,
  'TEST-4, IMPL-1: service_role: the same cron insert again returns cleanly (ON CONFLICT DO NOTHING)');
select is(
  (select count(*) from public.cert_notification_log
    where certification_id = '33333333-3333-4333-8333-333333333333' and notification_type = 'expiry_warning_7d'),
  1::bigint, 'TEST-4: service_role: the retried notification is stored exactly once');
select throws_ok($$ update public.cert_notification_log set sent_at = now() where notification_type = 'expired' $$, '42501', null,
  'IMPL-2: service_role cannot UPDATE');
select throws_ok($$ delete from public.cert_notification_log where notification_type = 'expired' $$, '42501', null, 'IMPL-2: service_role cannot DELETE');
reset role;

select throws_ok($$ update public.cert_notification_log set sent_at = now() where notification_type = 'expired' $$, '55000', null,
  'IMPL-2: the owner cannot UPDATE either: the table is append-only');

-- anon, as PostgREST switches to it.
set local role anon;
set local request.jwt.claims to '{"role": "anon", "iss": "supabase"}';
select throws_ok($$ select * from public.cert_notification_log $$, '42501', null, 'SEC-1: anon cannot SELECT');
select throws_ok(
  $$ insert into public.cert_notification_log (certification_id, notification_type, recipient_id, idempotency_key)
     values ('33333333-3333-4333-8333-333333333333', 'expired', '11111111-1111-4111-8111-111111111111', repeat('c', 64)) $$,
  '42501', null, 'AC-5, SEC-2: anon cannot INSERT');
select throws_ok($$ update public.cert_notification_log set sent_at = now() where notification_type = 'expired' $$, '42501', null, 'AC-5: anon cannot UPDATE');
select throws_ok($$ delete from public.cert_notification_log where notification_type = 'expired' $$, '42501', null, 'AC-5: anon cannot DELETE');
select throws_ok($$ truncate public.cert_notification_log $$, '42501', null, 'AC-5: anon cannot TRUNCATE');
reset role;

-- authenticated, as PostgREST switches to it.
set local role authenticated;
set local request.jwt.claims to '{"role": "authenticated", "iss": "supabase", "sub": "11111111-1111-4111-8111-111111111111", "aud": "authenticated"}';
select throws_ok($$ select * from public.cert_notification_log $$, '42501', null, 'SEC-1: authenticated cannot SELECT');
select throws_ok(
  $$ insert into public.cert_notification_log (certification_id, notification_type, recipient_id, idempotency_key)
     values ('33333333-3333-4333-8333-333333333333', 'expired', '11111111-1111-4111-8111-111111111111', repeat('c', 64)) $$,
  '42501', null, 'AC-5, SEC-2: authenticated cannot INSERT');
select throws_ok($$ update public.cert_notification_log set sent_at = now() where notification_type = 'expired' $$, '42501', null, 'AC-5: authenticated cannot UPDATE');
select throws_ok($$ delete from public.cert_notification_log where notification_type = 'expired' $$, '42501', null, 'AC-5: authenticated cannot DELETE');
select throws_ok($$ truncate public.cert_notification_log $$, '42501', null, 'AC-5: authenticated cannot TRUNCATE');
reset role;

select * from finish();
rollback;
