-- The database's idempotency key function against the shared key vectors, which the Edge Function's
-- code (deno test) and the suite's Python twin are checked against too.
-- GENERATED from certlog/data/idempotency_key_vectors.csv by `certlog contract --write`.
begin;
select plan(30);

select is(((timestamptz '2026-11-25T02:00:00Z') at time zone 'UTC')::date::text, '2026-11-25', 'IMPL-1: 2026-11-25T02:00:00Z is scheduled on 2026-11-25 (UTC)');
select is(public.cert_notification_idempotency_key('3f0c2b1e-6a4d-4c8e-9b7a-2d5e8f1a0c93', 'expiry_warning_90d', '2026-11-25'), 'e55278adc9eb953c1166d4a0e3ef35c13f766dd2fa4470645cfaeda6f58d5c3e', 'IMPL-1: key of expiry_warning_90d on 2026-11-25');
select is(((timestamptz '2026-11-25T02:00:00Z') at time zone 'UTC')::date::text, '2026-11-25', 'IMPL-1: 2026-11-25T02:00:00Z is scheduled on 2026-11-25 (UTC)');
select is(public.cert_notification_idempotency_key('3f0c2b1e-6a4d-4c8e-9b7a-2d5e8f1a0c93', 'expiry_warning_30d', '2026-11-25'), 'b494868d30f1f20f003eda7ca6b067452d165bdbae12dfa272d9e30844223321', 'IMPL-1: key of expiry_warning_30d on 2026-11-25');
select is(((timestamptz '2026-11-25T02:00:00Z') at time zone 'UTC')::date::text, '2026-11-25', 'IMPL-1: 2026-11-25T02:00:00Z is scheduled on 2026-11-25 (UTC)');
select is(public.cert_notification_idempotency_key('3f0c2b1e-6a4d-4c8e-9b7a-2d5e8f1a0c93', 'expiry_warning_7d', '2026-11-25'), '1627e58869851b988b0a11ebe2b586896a95c1dd4d9308a01f3ce2a3d800dce9', 'IMPL-1: key of expiry_warning_7d on 2026-11-25');
select is(((timestamptz '2026-11-25T02:00:00Z') at time zone 'UTC')::date::text, '2026-11-25', 'IMPL-1: 2026-11-25T02:00:00Z is scheduled on 2026-11-25 (UTC)');
select is(public.cert_notification_idempotency_key('3f0c2b1e-6a4d-4c8e-9b7a-2d5e8f1a0c93', 'expired', '2026-11-25'), '4d1f660d4f746e08bee5eca349fd58d6f7fb3f1b8368b73b9c2db6207c895d4d', 'IMPL-1: key of expired on 2026-11-25');
select is(((timestamptz '2026-11-26T02:00:00Z') at time zone 'UTC')::date::text, '2026-11-26', 'IMPL-1: 2026-11-26T02:00:00Z is scheduled on 2026-11-26 (UTC)');
select is(public.cert_notification_idempotency_key('3f0c2b1e-6a4d-4c8e-9b7a-2d5e8f1a0c93', 'expired', '2026-11-26'), '8bd9e8464a7b843096cbc24413fd6df8485432d868c3f678c0c28cf26ca4baa6', 'IMPL-1: key of expired on 2026-11-26');
select is(((timestamptz '2026-11-25T23:59:59.999Z') at time zone 'UTC')::date::text, '2026-11-25', 'IMPL-1: 2026-11-25T23:59:59.999Z is scheduled on 2026-11-25 (UTC)');
select is(public.cert_notification_idempotency_key('3f0c2b1e-6a4d-4c8e-9b7a-2d5e8f1a0c93', 'expired', '2026-11-25'), '4d1f660d4f746e08bee5eca349fd58d6f7fb3f1b8368b73b9c2db6207c895d4d', 'IMPL-1: key of expired on 2026-11-25');
select is(((timestamptz '2026-11-25T23:30:00-01:00') at time zone 'UTC')::date::text, '2026-11-26', 'IMPL-1: 2026-11-25T23:30:00-01:00 is scheduled on 2026-11-26 (UTC)');
select is(public.cert_notification_idempotency_key('3f0c2b1e-6a4d-4c8e-9b7a-2d5e8f1a0c93', 'expired', '2026-11-26'), '8bd9e8464a7b843096cbc24413fd6df8485432d868c3f678c0c28cf26ca4baa6', 'IMPL-1: key of expired on 2026-11-26');
select is(((timestamptz '2026-11-26T00:30:00+01:00') at time zone 'UTC')::date::text, '2026-11-25', 'IMPL-1: 2026-11-26T00:30:00+01:00 is scheduled on 2026-11-25 (UTC)');
select is(public.cert_notification_idempotency_key('3f0c2b1e-6a4d-4c8e-9b7a-2d5e8f1a0c93', 'expired', '2026-11-25'), '4d1f660d4f746e08bee5eca349fd58d6f7fb3f1b8368b73b9c2db6207c895d4d', 'IMPL-1: key of expired on 2026-11-25');
select is(((timestamptz '2024-02-29T00:00:00Z') at time zone 'UTC')::date::text, '2024-02-29', 'IMPL-1: 2024-02-29T00:00:00Z is scheduled on 2024-02-29 (UTC)');
select is(public.cert_notification_idempotency_key('00000000-0000-0000-0000-000000000000', 'expiry_warning_90d', '2024-02-29'), '7f494cfc9f19c8a211707e63663a2ce3c99ab79fe357b98f165b325c2e425521', 'IMPL-1: key of expiry_warning_90d on 2024-02-29');
select is(((timestamptz '2028-02-29T23:59:59Z') at time zone 'UTC')::date::text, '2028-02-29', 'IMPL-1: 2028-02-29T23:59:59Z is scheduled on 2028-02-29 (UTC)');
select is(public.cert_notification_idempotency_key('00000000-0000-0000-0000-000000000000', 'expiry_warning_90d', '2028-02-29'), 'a9d3044661b760f700c3ee967136dcf7804fd5de1095b8f44376f34f57d6c30b', 'IMPL-1: key of expiry_warning_90d on 2028-02-29');
select is(((timestamptz '2028-03-01T00:00:00Z') at time zone 'UTC')::date::text, '2028-03-01', 'IMPL-1: 2028-03-01T00:00:00Z is scheduled on 2028-03-01 (UTC)');
select is(public.cert_notification_idempotency_key('00000000-0000-0000-0000-000000000000', 'expiry_warning_90d', '2028-03-01'), 'dd7ee4ca15e550245c5cc0f5b4ae7b16935ffc62963f42720c72798ff4cf998f', 'IMPL-1: key of expiry_warning_90d on 2028-03-01');
select is(((timestamptz '1999-12-31T12:00:00Z') at time zone 'UTC')::date::text, '1999-12-31', 'IMPL-1: 1999-12-31T12:00:00Z is scheduled on 1999-12-31 (UTC)');
select is(public.cert_notification_idempotency_key('ffffffff-ffff-4fff-bfff-ffffffffffff', 'expiry_warning_7d', '1999-12-31'), '832100b0f51e00528953d0cbb8f0cc38354df8916b42c2c8368c7867c28eb484', 'IMPL-1: key of expiry_warning_7d on 1999-12-31');
select is(((timestamptz '2026-12-31T23:59:59Z') at time zone 'UTC')::date::text, '2026-12-31', 'IMPL-1: 2026-12-31T23:59:59Z is scheduled on 2026-12-31 (UTC)');
select is(public.cert_notification_idempotency_key('ffffffff-ffff-4fff-bfff-ffffffffffff', 'expiry_warning_7d', '2026-12-31'), '4c1876be5a41612b7d5a906e0a9633a07797c63876900981edde5d9bc0e03bc0', 'IMPL-1: key of expiry_warning_7d on 2026-12-31');
select is(((timestamptz '2026-12-31T23:00:00-01:00') at time zone 'UTC')::date::text, '2027-01-01', 'IMPL-1: 2026-12-31T23:00:00-01:00 is scheduled on 2027-01-01 (UTC)');
select is(public.cert_notification_idempotency_key('ffffffff-ffff-4fff-bfff-ffffffffffff', 'expiry_warning_7d', '2027-01-01'), '68986cc125c48bfd8df9104a7afcc884a82d592eb44b1354004537c86b07d179', 'IMPL-1: key of expiry_warning_7d on 2027-01-01');
select is(((timestamptz '2030-01-01T00:00:00Z') at time zone 'UTC')::date::text, '2030-01-01', 'IMPL-1: 2030-01-01T00:00:00Z is scheduled on 2030-01-01 (UTC)');
select is(public.cert_notification_idempotency_key('a81bc81b-dead-4e5d-abff-90865d1e13b1', 'expired', '2030-01-01'), '51e2cb8ea984f351a185804a8c30426ab7eb72b0e13ca7b9619bdef2a490848b', 'IMPL-1: key of expired on 2030-01-01');

select * from finish();
rollback;
