-- create_render_security_helpers (video-platform-database.md, "Security Functions" and "Authentication
-- Roles"): the module's first migration registers it and creates the document's auth.* helpers, which live in
-- dreamcut_private because Supabase closes auth to new objects: auth.user_role() -> dreamcut_private.user_role(),
-- auth.is_admin() -> dreamcut_private.is_admin(), auth.client_ip() -> dreamcut_private.client_ip()
-- (auth.can_subscribe_to_job(uuid) reads jobs and comes with them, in 0002_create_render_jobs). Security
-- definer, EXECUTE for the API roles: RLS policies and column defaults call them as the caller, who has no
-- USAGE on dreamcut_private.
-- depends: 0001_supabase_platform

insert into dreamcut_private.installed_modules (module) values ('render');

create function dreamcut_private.user_role() returns text
language sql stable
security definer
set search_path = ''
as $$
    select case coalesce(
            case when current_setting('role', true) in ('anon', 'authenticated', 'service_role')
                then current_setting('role', true) end,
            case when auth.role() in ('anon', 'authenticated', 'service_role') then auth.role() end,
            'service_role'
        )
        when 'anon' then 'anon'
        when 'authenticated' then
            case when coalesce(auth.jwt() -> 'app_metadata' ->> 'role', '') = 'admin' then 'admin' else 'authenticated' end
        else 'service_account'
    end
$$;
comment on function dreamcut_private.user_role() is
'The document''s auth.user_role() (video-platform-database.md, "Authentication Roles"). Returns text: ''anon'' '
'(anonymous API caller), ''authenticated'' (signed-in user), ''admin'' (signed-in user whose JWT carries '
'app_metadata.role = ''admin'', a claim only the server can set; user_metadata is never trusted) or '
'''service_account'' (service_role, or a direct database session such as a worker or a DBA). The API role is '
'the session role PostgREST sets, else the JWT role claim. Raises nothing.';
revoke all on function dreamcut_private.user_role() from public, anon, authenticated, service_role;
grant execute on function dreamcut_private.user_role() to anon, authenticated, service_role;

create function dreamcut_private.is_admin() returns boolean
language sql stable
security definer
set search_path = ''
as $$
    select dreamcut_private.user_role() = 'admin'
$$;
comment on function dreamcut_private.is_admin() is
'The document''s auth.is_admin() (video-platform-database.md): true when the caller is a signed-in user whose '
'JWT app_metadata.role is ''admin'' (trusted claim; user_metadata is ignored). Returns boolean; raises nothing.';
revoke all on function dreamcut_private.is_admin() from public, anon, authenticated, service_role;
grant execute on function dreamcut_private.is_admin() to anon, authenticated, service_role;

create function dreamcut_private.request_header(p_name text) returns text
language plpgsql stable
security definer
set search_path = ''
as $$
begin
    return nullif(current_setting('request.headers', true), '')::jsonb ->> lower(p_name);
exception when data_exception then
    return null;
end
$$;
comment on function dreamcut_private.request_header(text) is
'One HTTP request header as PostgREST passes them in the request.headers setting (a JSON object with lowercase '
'names). p_name: header name (any case). Returns text, or null when absent, outside PostgREST or unreadable. '
'Raises nothing.';
revoke all on function dreamcut_private.request_header(text) from public, anon, authenticated, service_role;

create function dreamcut_private.client_ip() returns inet
language plpgsql stable
security definer
set search_path = ''
as $$
declare
    v_forwarded text := btrim(split_part(dreamcut_private.request_header('x-forwarded-for'), ',', 1));
begin
    if v_forwarded is null or v_forwarded = '' then
        return null;
    end if;
    return v_forwarded::inet;
exception when data_exception then
    return null;
end
$$;
comment on function dreamcut_private.client_ip() is
'The document''s auth.client_ip() (video-platform-database.md): the public API caller''s address, the first '
'entry of the x-forwarded-for header PostgREST passes in request.headers (set by the Supabase gateway). '
'Returns inet, or null outside an HTTP request or when the header is missing or not an address. Raises nothing.';
revoke all on function dreamcut_private.client_ip() from public, anon, authenticated, service_role;
grant execute on function dreamcut_private.client_ip() to anon, authenticated, service_role;
