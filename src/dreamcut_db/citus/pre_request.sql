-- PostgREST's db-pre-request function on Citus (created by dreamcut-db distribute, dropped by --undo).
create or replace function public.citus_pre_request() returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
    -- PostgREST passes the request's claims and headers with set_config(..., true), which stays on the
    -- coordinator; SET LOCAL with citus.propagate_set_commands = 'local' reaches every worker the request
    -- touches, where the shards' policies read them (auth.uid(), dreamcut_private.client_ip(), ...).
    set local citus.propagate_set_commands = 'local';
    execute pg_catalog.format('set local request.jwt.claims = %L',
                              coalesce(pg_catalog.current_setting('request.jwt.claims', true), ''));
    execute pg_catalog.format('set local request.headers = %L',
                              coalesce(pg_catalog.current_setting('request.headers', true), ''));
end;
$$;
comment on function public.citus_pre_request() is
'PostgREST''s db-pre-request on a Citus coordinator (db-pre-request = "public.citus_pre_request"): re-issues '
'the request''s JWT claims and headers (request.jwt.claims, request.headers, as PostgREST set them with '
'set_config) as SET LOCAL, which Citus propagates to the workers (citus.propagate_set_commands = local), so '
'the policies on the shards see the signed-in user. No parameters; returns nothing; raises nothing of its own. '
'Created by dreamcut-db distribute (docs/distributed.md); implements no product document.';
revoke all on function public.citus_pre_request() from public;
grant execute on function public.citus_pre_request() to anon, authenticated, service_role;
