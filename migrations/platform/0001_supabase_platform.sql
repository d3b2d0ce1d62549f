-- Platform: make plain PostgreSQL look like Supabase where the package needs it, and change nothing on
-- Supabase. Every piece is created only when missing, and what this migration created is recorded in
-- dreamcut_private.package_owned_objects so that its rollback removes exactly that and nothing else.

create schema dreamcut_private;
comment on schema dreamcut_private is
'DreamCut internals: trigger functions, security helpers and bookkeeping. Not exposed through the API.';

create table dreamcut_private.package_owned_objects (
    kind text not null check (kind in ('role', 'schema', 'function', 'publication', 'table')),
    name text not null,
    created_at timestamptz not null default now(),
    primary key (kind, name)
);
comment on table dreamcut_private.package_owned_objects is
'Objects outside the package''s own schemas that dreamcut-db created because they were missing '
'(Supabase stand-ins, minimal external tables). Rollback drops exactly these.';

create table dreamcut_private.installed_modules (
    module text primary key,
    installed_at timestamptz not null default now()
);
comment on table dreamcut_private.installed_modules is
'One row per installed module (written by each module''s first migration); read by rollback.sql.';

insert into dreamcut_private.installed_modules (module) values ('platform');

do $platform$
declare
    v_role text;
begin
    foreach v_role in array array['anon', 'authenticated', 'service_role', 'authenticator'] loop
        if not exists (select from pg_catalog.pg_roles where rolname = v_role) then
            if v_role = 'service_role' then
                execute 'create role service_role nologin noinherit bypassrls';
            elsif v_role = 'authenticator' then
                execute 'create role authenticator login noinherit';
            else
                execute format('create role %I nologin noinherit', v_role);
            end if;
            insert into dreamcut_private.package_owned_objects (kind, name) values ('role', v_role);
        end if;
    end loop;
    if exists (select from dreamcut_private.package_owned_objects where kind = 'role' and name = 'authenticator') then
        execute 'grant anon, authenticated, service_role to authenticator';
    end if;

    if not exists (select from pg_catalog.pg_namespace where nspname = 'auth') then
        execute 'create schema auth';
        insert into dreamcut_private.package_owned_objects (kind, name) values ('schema', 'auth');
        execute 'grant usage on schema auth to anon, authenticated, service_role';
    end if;

    -- Supabase's own definitions: the claims PostgREST puts in request.jwt.claims.
    if to_regprocedure('auth.jwt()') is null then
        execute $fn$
            create function auth.jwt() returns jsonb
            language sql stable
            set search_path = ''
            as $body$
                select coalesce(
                    nullif(current_setting('request.jwt.claim', true), ''),
                    nullif(current_setting('request.jwt.claims', true), '')
                )::jsonb
            $body$
        $fn$;
        execute 'comment on function auth.jwt() is ''Stand-in for Supabase auth.jwt(): the JWT claims of the request (jsonb, or null outside PostgREST).''';
        execute 'grant execute on function auth.jwt() to anon, authenticated, service_role';
        insert into dreamcut_private.package_owned_objects (kind, name) values ('function', 'auth.jwt()');
    end if;
    if to_regprocedure('auth.uid()') is null then
        execute $fn$
            create function auth.uid() returns uuid
            language sql stable
            set search_path = ''
            as $body$
                select coalesce(
                    nullif(current_setting('request.jwt.claim.sub', true), ''),
                    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
                )::uuid
            $body$
        $fn$;
        execute 'comment on function auth.uid() is ''Stand-in for Supabase auth.uid(): the sub claim of the request as uuid, or null.''';
        execute 'grant execute on function auth.uid() to anon, authenticated, service_role';
        insert into dreamcut_private.package_owned_objects (kind, name) values ('function', 'auth.uid()');
    end if;
    if to_regprocedure('auth.role()') is null then
        execute $fn$
            create function auth.role() returns text
            language sql stable
            set search_path = ''
            as $body$
                select coalesce(
                    nullif(current_setting('request.jwt.claim.role', true), ''),
                    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
                )::text
            $body$
        $fn$;
        execute 'comment on function auth.role() is ''Stand-in for Supabase auth.role(): the role claim of the request, or null.''';
        execute 'grant execute on function auth.role() to anon, authenticated, service_role';
        insert into dreamcut_private.package_owned_objects (kind, name) values ('function', 'auth.role()');
    end if;

    if not exists (select from pg_catalog.pg_publication where pubname = 'supabase_realtime') then
        execute 'create publication supabase_realtime';
        insert into dreamcut_private.package_owned_objects (kind, name) values ('publication', 'supabase_realtime');
    end if;

    -- Supabase Realtime's realtime.send (Broadcast from the database), only where Realtime is missing (never in
    -- Supabase's own realtime schema): it delivers to plain-PostgreSQL listeners with pg_notify on the topic,
    -- and, like Supabase's, turns every failure into a warning so that the sender's transaction goes on.
    if not exists (select from pg_catalog.pg_namespace where nspname = 'realtime') then
        execute 'create schema realtime';
        insert into dreamcut_private.package_owned_objects (kind, name) values ('schema', 'realtime');
        execute $fn$
            create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
            returns void
            language plpgsql volatile
            set search_path = ''
            as $body$
            begin
                if current_setting('dreamcut.notify', true) is distinct from 'off' then
                    perform pg_notify(
                        topic, jsonb_build_object('event', event, 'payload', payload, 'private', private)::text
                    );
                end if;
            exception when others then
                raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
            end
            $body$
        $fn$;
        execute $c$comment on function realtime.send(jsonb, text, text, boolean) is
            'Stand-in for Supabase Realtime''s realtime.send (Broadcast from the database): pg_notify on channel '
            'topic with {"event", "payload", "private"} (a topic of at most 63 bytes, a payload under 8000 '
            'bytes), unless the setting dreamcut.notify is ''off''. Returns nothing; a failure is a warning '
            '(ErrorSendingBroadcastMessage), never an error.'$c$;
        execute 'revoke all on function realtime.send(jsonb, text, text, boolean) from public';
        insert into dreamcut_private.package_owned_objects (kind, name)
        values ('function', 'realtime.send(jsonb,text,text,boolean)');
    end if;
end
$platform$;

grant usage on schema public to anon, authenticated, service_role;
grant usage on schema dreamcut_private to service_role;

create function dreamcut_private.api_caller_is_end_user() returns boolean
language sql stable
set search_path = ''
as $$
    select current_setting('role', true) in ('anon', 'authenticated')
        or coalesce(auth.role(), '') in ('anon', 'authenticated')
$$;
comment on function dreamcut_private.api_caller_is_end_user() is
'True when the request comes from an end user through the API: the session role (set by PostgREST with '
'set_config(''role'', ...), unchanged inside security definer functions) or the JWT role claim is anon or '
'authenticated. False for service_role and for direct database sessions (workers, DBAs). '
'Returns boolean; raises nothing. Used by security definer functions to decide whose data a caller may write.';
revoke all on function dreamcut_private.api_caller_is_end_user() from public;

create function dreamcut_private.update_updated_at_column() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    new.updated_at := now();
    return new;
end
$$;
comment on function dreamcut_private.update_updated_at_column() is
'BEFORE UPDATE trigger function shared by every module (dreamcut-migration-summary.md names it): sets '
'updated_at to now(), the transaction''s start time. Returns the new row; raises nothing.';
revoke all on function dreamcut_private.update_updated_at_column() from public;

create function dreamcut_private.drop_from_realtime_publication(p_tables text[]) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_table text;
begin
    foreach v_table in array p_tables loop
        if exists (
            select from pg_catalog.pg_publication_tables
            where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = v_table
        ) then
            execute format('alter publication supabase_realtime drop table public.%I', v_table);
        end if;
    end loop;
end
$$;
comment on function dreamcut_private.drop_from_realtime_publication(text[]) is
'Used by the modules'' rollbacks: removes each named table of schema public (p_tables: table names, unqualified) '
'from the publication supabase_realtime when it is a member; other members and absent names are left alone. '
'Returns nothing. Raises 42501 when the caller may not alter the publication.';
revoke all on function dreamcut_private.drop_from_realtime_publication(text[]) from public;
