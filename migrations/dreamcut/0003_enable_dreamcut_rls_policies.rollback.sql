drop policy if exists dreamcut_messages_select_own on public.dreamcut_messages;
drop policy if exists dreamcut_assets_select_own on public.dreamcut_assets;
drop policy if exists dreamcut_queries_select_own on public.dreamcut_queries;
do $$
begin
    if to_regclass('public.dreamcut_queries') is not null then
        revoke all on table public.dreamcut_queries, public.dreamcut_assets, public.dreamcut_messages
        from anon, authenticated, service_role;
        alter table public.dreamcut_queries disable row level security;
        alter table public.dreamcut_assets disable row level security;
        alter table public.dreamcut_messages disable row level security;
    end if;
end
$$;
