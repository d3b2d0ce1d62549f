-- enable_dreamcut_rls_policies (dreamcut-migration-summary.md, migration 3): RLS on, grants explicit.
-- A signed-in user reads their own queries and the assets and messages of those queries; anon has the
-- document's SELECT grant but no policy, so it reads nothing; service_role (BYPASSRLS) does everything.
-- Nobody but service_role writes directly: users write through initialize_dreamcut_query.
-- depends: 0002_create_dreamcut_indexes

alter table public.dreamcut_queries enable row level security;
alter table public.dreamcut_assets enable row level security;
alter table public.dreamcut_messages enable row level security;

revoke all on table public.dreamcut_queries, public.dreamcut_assets, public.dreamcut_messages
from public, anon, authenticated, service_role;
grant select on table public.dreamcut_queries, public.dreamcut_assets, public.dreamcut_messages
to anon, authenticated;
grant select, insert, update, delete on table public.dreamcut_queries, public.dreamcut_assets, public.dreamcut_messages
to service_role;

create policy dreamcut_queries_select_own on public.dreamcut_queries
for select to authenticated
using (user_id = (select auth.uid())::text);

create policy dreamcut_assets_select_own on public.dreamcut_assets
for select to authenticated
using (
    query_id in (
        select q.id from public.dreamcut_queries as q
        where q.user_id = (select auth.uid())::text
    )
);

create policy dreamcut_messages_select_own on public.dreamcut_messages
for select to authenticated
using (
    query_id in (
        select q.id from public.dreamcut_queries as q
        where q.user_id = (select auth.uid())::text
    )
);
