-- A minimal but realistic Tier 0: the two tables cert_notification_log depends on,
-- owned by postgres as on Supabase, with RLS and a coordinator policy that lets an
-- authenticated coordinator delete the certifications of their chapter.
-- Skipped where the tables already exist.
set role postgres;

create table if not exists public.users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique,
  full_name text not null,
  role text not null default 'peer_mentor' check (role in ('peer_mentor', 'coordinator', 'admin')),
  chapter_id uuid not null,
  created_at timestamptz not null default now()
);

create table if not exists public.peer_mentor_certifications (
  id uuid primary key default gen_random_uuid(),
  peer_mentor_id uuid not null references public.users (id) on delete cascade,
  chapter_id uuid not null,
  certification_type text not null,
  issued_on date not null,
  expires_on date not null,
  renewal_history jsonb not null default '[]'::jsonb,
  created_at timestamptz not null default now(),
  check (expires_on > issued_on)
);

create index if not exists peer_mentor_certifications_peer_mentor_id_idx
  on public.peer_mentor_certifications (peer_mentor_id);
create index if not exists peer_mentor_certifications_chapter_id_idx
  on public.peer_mentor_certifications (chapter_id);

alter table public.users enable row level security;
alter table public.peer_mentor_certifications enable row level security;

revoke all on table public.users, public.peer_mentor_certifications from anon, authenticated;
grant select on table public.users to authenticated;
grant select, delete on table public.peer_mentor_certifications to authenticated;
grant all on table public.users, public.peer_mentor_certifications to service_role;

do $$
begin
  if not exists (select 1 from pg_policies where schemaname = 'public' and tablename = 'users'
                 and policyname = 'users read their own row') then
    create policy "users read their own row" on public.users
      for select to authenticated using (id = (select auth.uid()));
  end if;
  if not exists (select 1 from pg_policies where schemaname = 'public' and tablename = 'peer_mentor_certifications'
                 and policyname = 'coordinators read their chapter''s certifications') then
    create policy "coordinators read their chapter's certifications" on public.peer_mentor_certifications
      for select to authenticated using (
        chapter_id = (select u.chapter_id from public.users u
                      where u.id = (select auth.uid()) and u.role = 'coordinator'));
  end if;
  if not exists (select 1 from pg_policies where schemaname = 'public' and tablename = 'peer_mentor_certifications'
                 and policyname = 'coordinators delete their chapter''s certifications') then
    create policy "coordinators delete their chapter's certifications" on public.peer_mentor_certifications
      for delete to authenticated using (
        chapter_id = (select u.chapter_id from public.users u
                      where u.id = (select auth.uid()) and u.role = 'coordinator'));
  end if;
end
$$;

reset role;
