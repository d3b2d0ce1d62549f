-- dreamcut-db migrations as one SQL file, for psql or the Supabase SQL editor -- generated, do not edit.
-- Printed by `dreamcut-db sql migrate` (`dreamcut-db render` writes the every-module file to sql/migrate.sql).
-- Installs module(s): platform, content, dreamcut, multimedia, render, storyboard.
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f <this file>
-- It keeps the runner's history (yoyo's tables and the checksums in schema dreamcut_migrations): a migration
-- recorded there, by this file or by `dreamcut-db migrate`, is skipped, and each one it applies is recorded,
-- so `dreamcut-db status` and `verify` see it. Everything runs in one transaction: on an error (e.g. a table
-- of that name exists already) nothing is changed. Running it again changes nothing.
begin;
-- The runner's bookkeeping, created where missing exactly as dreamcut-db and yoyo create it: the schema and
-- migration_checksums (dreamcut-db), yoyo's lock table and its internal schema version 2 (_yoyo_log,
-- _yoyo_version, _yoyo_migration; yoyo/internalmigrations/v2.py).
do $bookkeeping$
begin
    -- Wait for a dreamcut-db run holding the migration lock (the runner's advisory lock).
    perform pg_catalog.pg_advisory_xact_lock(1684235362, 1);
    if to_regnamespace('dreamcut_migrations') is null then
        create schema dreamcut_migrations;
        comment on schema dreamcut_migrations is 'dreamcut-db bookkeeping: yoyo tables, checksums.';
    end if;
    if to_regclass('dreamcut_migrations.migration_checksums') is null then
        create table dreamcut_migrations.migration_checksums (
            migration_id text primary key,
            module text not null,
            sha256 text not null,
            applied_at timestamptz not null default now()
        );
    end if;
    if to_regclass('dreamcut_migrations.yoyo_lock') is null then
        create table dreamcut_migrations.yoyo_lock (
            locked int default 1,
            ctime timestamp,
            pid int not null,
            primary key (locked)
        );
    end if;
    if to_regclass('dreamcut_migrations._yoyo_log') is null then
        create table dreamcut_migrations._yoyo_log (
            id varchar(36),
            migration_hash varchar(64),
            migration_id varchar(255),
            operation varchar(10),
            username varchar(255),
            hostname varchar(255),
            comment varchar(255),
            created_at_utc timestamp,
            primary key (id)
        );
    end if;
    if to_regclass('dreamcut_migrations._yoyo_version') is null then
        create table dreamcut_migrations._yoyo_version (
            version int not null primary key,
            installed_at_utc timestamp
        );
        insert into dreamcut_migrations._yoyo_version values (2, now() at time zone 'utc');
    end if;
    if to_regclass('dreamcut_migrations._yoyo_migration') is null then
        create table dreamcut_migrations._yoyo_migration (
            migration_hash varchar(64),
            migration_id varchar(255),
            applied_at_utc timestamp,
            primary key (migration_hash)
        );
    end if;
end
$bookkeeping$;


-- Apply one migration unless recorded; record it as dreamcut-db does (yoyo's mark and log rows, checksum).
create or replace procedure pg_temp.dreamcut_db_apply(
    p_module text, p_id text, p_hash text, p_sha256 text, p_sql text
)
language plpgsql
as $procedure$
declare
    v_detail text;
begin
    if exists (select from dreamcut_migrations._yoyo_migration where migration_hash = p_hash) then
        return;
    end if;
    begin
        execute p_sql;
    exception when others then
        get stacked diagnostics v_detail = pg_exception_detail;
        raise exception 'migration %/% cannot be applied: %', p_module, p_id, sqlerrm
            using errcode = sqlstate, detail = v_detail,
            hint = 'Nothing was changed: the whole file is one transaction.';
    end;
    insert into dreamcut_migrations._yoyo_migration (migration_hash, migration_id, applied_at_utc)
    values (p_hash, p_id, clock_timestamp() at time zone 'utc');
    insert into dreamcut_migrations._yoyo_log (
        id, migration_hash, migration_id, operation, username, hostname, comment, created_at_utc
    )
    values (
        gen_random_uuid()::text, p_hash, p_id, 'apply', current_user,
        coalesce(host(inet_client_addr()), 'local socket'), 'applied by the SQL file of dreamcut-db sql migrate',
        clock_timestamp() at time zone 'utc'
    );
    insert into dreamcut_migrations.migration_checksums (migration_id, module, sha256)
    values (p_id, p_module, p_sha256)
    on conflict (migration_id) do update set sha256 = excluded.sha256, applied_at = now();
    perform set_config(
        'dreamcut_db.applied', (coalesce(nullif(current_setting('dreamcut_db.applied', true), ''), '0')::int + 1)::text,
        true
    );
    raise notice 'applied %/%', p_module, p_id;
end
$procedure$;

-- Migrations run as the runner runs them: search_path = dreamcut_migrations, lock_timeout 10s.
set local search_path = dreamcut_migrations;
set local lock_timeout = '10s';

-- ===== platform/0001_supabase_platform =====
call pg_temp.dreamcut_db_apply('platform', '0001_supabase_platform', 'f3a544e335d7363a421747751253fb18da64204f9954fb060409363ef671f58e', 'dcbaa51f35bd5e35b0eb79b05ce24052fef8055474e3c614a75e7b387d1de7f9', $migration$
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
$migration$);

-- ===== content/0001_create_content_companies =====
call pg_temp.dreamcut_db_apply('content', '0001_create_content_companies', '4172a3dfc8fced6a2b4dff329cf51e11f91690057bf299aacd5040156eed54d1', 'b4c66f1cf01fc22c85529916378d9dc3c47afde862cd2d64ae83b106bd2e9ad6', $migration$
insert into dreamcut_private.installed_modules (module) values ('content');

create function dreamcut_private.jwt_company_id() returns uuid
language sql stable
set search_path = ''
as $$
    select case
        when claim.company_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then claim.company_id::uuid
    end
    from (select auth.jwt() -> 'app_metadata' ->> 'company_id' as company_id) as claim
$$;
comment on function dreamcut_private.jwt_company_id() is
'The company of the request: the JWT claim app_metadata.company_id (set by the backend through the auth '
'admin API, so users cannot change it; user_metadata is never read) as uuid. Returns null when the claim is '
'missing or not a uuid, so such a caller matches no company. Raises nothing. Used by the company isolation '
'policies of the content and multimedia modules (video-pipeline-content-multimedia.md, "Row Level Security").';
revoke all on function dreamcut_private.jwt_company_id() from public;
grant execute on function dreamcut_private.jwt_company_id() to authenticated, service_role;

create procedure dreamcut_private.enable_company_isolation(p_table regclass)
language plpgsql
set search_path = ''
as $$
declare
    v_schema text;
    v_table text;
    v_policy text;
    v_ids name[];
    v_column name;
begin
    select n.nspname::text, c.relname::text, c.relname || '_company' into v_schema, v_table, v_policy
    from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
    where c.oid = p_table;
    select coalesce(array_agg(a.attname), '{}') into v_ids
    from pg_catalog.pg_constraint as k
    join pg_catalog.pg_attribute as a on a.attrelid = k.conrelid and a.attnum = any (k.conkey)
    where k.conrelid = p_table and k.contype = 'p' and a.attname <> 'company_id';

    execute format('alter table %I.%I enable row level security', v_schema, v_table);
    execute format('revoke all on table %I.%I from public, anon, authenticated, service_role', v_schema, v_table);
    execute format('grant select, insert, update, delete on table %I.%I to service_role', v_schema, v_table);
    execute format('grant select, delete on table %I.%I to authenticated', v_schema, v_table);
    -- Users write every column but the row's own id, which the database generates: an id names one row across
    -- all companies, so lookups by id alone stay unambiguous.
    for v_column in
        select a.attname from pg_catalog.pg_attribute as a
        where a.attrelid = p_table and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
            and a.attname <> all (v_ids)
        order by a.attnum
    loop
        execute format('grant insert (%I), update (%I) on table %I.%I to authenticated', v_column, v_column,
            v_schema, v_table);
    end loop;
    execute format(
        'create policy %I on %I.%I for all to authenticated '
        'using (company_id = (select dreamcut_private.jwt_company_id())) '
        'with check (company_id = (select dreamcut_private.jwt_company_id()))',
        v_policy, v_schema, v_table
    );
end
$$;
-- (noqa: the linter reads the argument list after "comment on procedure" as a function call)
comment on procedure dreamcut_private.enable_company_isolation(regclass) is  -- noqa: LT01
'Puts a company-owned table (a column company_id, a primary key (company_id, <id>)) under company isolation '
'(video-pipeline-content-multimedia.md, "Row Level Security"): enables RLS, revokes every privilege from PUBLIC '
'and the API roles, grants everything to service_role, select and delete to authenticated, and insert and '
'update of every column but the generated ones and the id of the primary key (the database generates ids, so '
'an id names one row in all companies); creates the policy <table>_company for all to authenticated with '
'company_id = (select dreamcut_private.jwt_company_id()) in USING and WITH CHECK. A column added later needs '
'its own grant insert (column), update (column) to authenticated. Called by the migrations of the cm_* and '
'mm_* table families.';
revoke all on procedure dreamcut_private.enable_company_isolation(regclass) from public;

create function public.cm_caller_company_id(p_company_id uuid default null) returns uuid
language plpgsql stable
set search_path = ''
as $$
declare
    v_claim text := auth.jwt() -> 'app_metadata' ->> 'company_id';
begin
    if p_company_id is null and v_claim is null then
        raise exception 'p_company_id is required (the caller has no app_metadata.company_id claim)'
        using errcode = '22023';
    end if;
    if p_company_id is not null and v_claim is not null and p_company_id::text <> lower(v_claim) then
        raise exception 'p_company_id % is not the company of the signed-in user (%)', p_company_id, v_claim
        using errcode = '42501';
    end if;
    return coalesce(p_company_id, v_claim::uuid);
end
$$;
comment on function public.cm_caller_company_id(uuid) is
'The company a new row is written for (video-pipeline-content-multimedia.md, "company-based isolation via '
'company_id"): p_company_id (uuid, or null), else the caller''s JWT claim app_metadata.company_id. Returns '
'uuid. Errors: 22023 neither given, 42501 a signed-in caller naming another company than its claim. Used by '
'create_module_content and store_course_plan before they insert.';
revoke all on function public.cm_caller_company_id(uuid) from public, anon, authenticated, service_role;
grant execute on function public.cm_caller_company_id(uuid) to authenticated, service_role;

-- companies and employees live outside the package. Create minimal ones only where they are missing and
-- remember it; where they exist, they must have a uuid key "id" for the foreign keys, and are left untouched.
do $external$
declare
    v_table text;
begin
    foreach v_table in array array['public.companies', 'public.employees'] loop
        if to_regclass(v_table) is not null and not exists (
            select from pg_catalog.pg_constraint as c
            join pg_catalog.pg_attribute as a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
            where c.conrelid = to_regclass(v_table)
                and c.contype in ('p', 'u')
                and cardinality(c.conkey) = 1
                and a.attname = 'id'
                and a.atttypid = 'pg_catalog.uuid'::pg_catalog.regtype
        ) then
            raise exception '% exists but has no uuid column "id" with a primary key or unique constraint: '
                'module content cannot reference it', v_table
            using errcode = '55000';
        end if;
    end loop;

    if to_regclass('public.companies') is null then
        create table public.companies (
            id uuid primary key default gen_random_uuid(),
            name text not null check (btrim(name) <> ''),
            created_at timestamptz not null default now()
        );
        comment on table public.companies is
        'Minimal companies table created by dreamcut-db module content because the database had none '
        '(video-pipeline-content-multimedia.md references it). Rolled back only because the package created it.';
        alter table public.companies enable row level security;
        revoke all on table public.companies from public, anon, authenticated, service_role;
        grant select on table public.companies to authenticated;
        grant select, insert, update, delete on table public.companies to service_role;
        create policy companies_select_own on public.companies
        for select to authenticated
        using (id = (select dreamcut_private.jwt_company_id()));
        insert into dreamcut_private.package_owned_objects (kind, name) values ('table', 'public.companies');
    end if;

    if to_regclass('public.employees') is null then
        create table public.employees (
            id uuid primary key default gen_random_uuid(),
            company_id uuid not null references public.companies (id),
            full_name text not null check (btrim(full_name) <> ''),
            email text,
            created_at timestamptz not null default now()
        );
        comment on table public.employees is
        'Minimal employees table created by dreamcut-db module content because the database had none '
        '(cm_course_plans.employee_id references it). Rolled back only because the package created it.';
        create index idx_employees_company_id on public.employees (company_id);
        alter table public.employees enable row level security;
        revoke all on table public.employees from public, anon, authenticated, service_role;
        grant select on table public.employees to authenticated;
        grant select, insert, update, delete on table public.employees to service_role;
        create policy employees_select_own_company on public.employees
        for select to authenticated
        using (company_id = (select dreamcut_private.jwt_company_id()));
        insert into dreamcut_private.package_owned_objects (kind, name) values ('table', 'public.employees');
    end if;
end
$external$;
$migration$);

-- ===== content/0002_create_module_content =====
call pg_temp.dreamcut_db_apply('content', '0002_create_module_content', 'c732f7131a89c48b2907bf8c56df6cd2e55d1cc5c197d4eee03d8a0b99eac525', '1a20c3d4b6300853552640776361a9fb40b431947fe0def070dd5f0427a72e2d', $migration$
create function public.cm_content_sections() returns text[]
language sql immutable
set search_path = ''
as $$
    select array['introduction', 'core_content', 'practical_applications', 'case_studies', 'assessments']
$$;
comment on function public.cm_content_sections() is
'The section names of a module''s content, in reading order (video-pipeline-content-multimedia.md, '
'cm_module_content): introduction, core_content, practical_applications, case_studies, assessments. Takes no '
'parameters; returns text[]; raises nothing. Used by the checks and procedures that take section names.';
revoke all on function public.cm_content_sections() from public, anon, authenticated, service_role;
grant execute on function public.cm_content_sections() to authenticated, service_role;

create function dreamcut_private.cm_word_count(p_text text) returns integer
language sql immutable
set search_path = ''
as $$
    select coalesce(regexp_count(p_text, '\S+'), 0)
$$;
comment on function dreamcut_private.cm_word_count(text) is
'Number of words of p_text (runs of non-whitespace characters, as Python''s len(text.split())); 0 for null or '
'blank text. Returns integer; raises nothing. Feeds the generated word count columns of cm_module_content.';
revoke all on function dreamcut_private.cm_word_count(text) from public;
grant execute on function dreamcut_private.cm_word_count(text) to authenticated, service_role;

create function dreamcut_private.cm_section_word_counts(
    p_introduction text,
    p_core_content text,
    p_practical_applications text,
    p_case_studies text,
    p_assessments text
) returns jsonb
language sql immutable
set search_path = ''
as $$
    -- The words of cm_word_count(), inlined: a SQL function body is resolved by name as the caller, who may
    -- have no USAGE on dreamcut_private.
    select jsonb_build_object(
        'introduction', coalesce(regexp_count(p_introduction, '\S+'), 0),
        'core_content', coalesce(regexp_count(p_core_content, '\S+'), 0),
        'practical_applications', coalesce(regexp_count(p_practical_applications, '\S+'), 0),
        'case_studies', coalesce(regexp_count(p_case_studies, '\S+'), 0),
        'assessments', coalesce(regexp_count(p_assessments, '\S+'), 0)
    )
$$;
comment on function dreamcut_private.cm_section_word_counts(text, text, text, text, text) is
'Word count of each of the five sections (in the order of cm_content_sections()) as a JSON object '
'{"introduction": n, "core_content": n, ...}. Returns jsonb; raises nothing. Feeds the generated column '
'cm_module_content.section_word_counts.';
revoke all on function dreamcut_private.cm_section_word_counts(text, text, text, text, text) from public;
grant execute on function dreamcut_private.cm_section_word_counts(text, text, text, text, text)
to authenticated, service_role;

create table public.cm_module_content (
    content_id uuid not null default gen_random_uuid(),
    company_id uuid not null references public.companies (id),
    module_name text not null check (btrim(module_name) <> ''),
    employee_name text,
    session_id text,

    introduction text,
    core_content text,
    practical_applications text,
    case_studies text,
    assessments text,

    module_spec jsonb not null default '{}' check (jsonb_typeof(module_spec) = 'object'),
    research_context jsonb not null default '{}' check (jsonb_typeof(research_context) = 'object'),

    total_word_count integer generated always as (
        dreamcut_private.cm_word_count(introduction)
        + dreamcut_private.cm_word_count(core_content)
        + dreamcut_private.cm_word_count(practical_applications)
        + dreamcut_private.cm_word_count(case_studies)
        + dreamcut_private.cm_word_count(assessments)
    ) stored,
    section_word_counts jsonb generated always as (
        dreamcut_private.cm_section_word_counts(
            introduction, core_content, practical_applications, case_studies, assessments
        )
    ) stored,

    status text not null default 'draft' check (status in ('draft', 'quality_check', 'revision', 'approved')),
    priority_level text not null default 'medium' check (priority_level in ('critical', 'high', 'medium', 'low')),
    revision_count integer not null default 0 check (revision_count >= 0),

    search_vector tsvector generated always as (
        setweight(to_tsvector('english'::regconfig, coalesce(module_name, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(introduction, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(core_content, '')), 'C')
        || setweight(to_tsvector('english'::regconfig, coalesce(practical_applications, '')), 'C')
        || setweight(to_tsvector('english'::regconfig, coalesce(case_studies, '')), 'C')
        || setweight(to_tsvector('english'::regconfig, coalesce(assessments, '')), 'D')
    ) stored,

    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (company_id, content_id)
);
comment on table public.cm_module_content is
'Course module content with its five text sections (video-pipeline-content-multimedia.md, cm_*, table 1). '
'A signed-in user sees and writes only the rows of the company in its JWT claim app_metadata.company_id.';
comment on column public.cm_module_content.company_id is
'Owning company, the distribution key of the content and multimedia tables (every key leads with it); RLS '
'compares it with the JWT claim app_metadata.company_id.';
comment on column public.cm_module_content.employee_name is 'Learner''s name, for personalization.';
comment on column public.cm_module_content.session_id is 'Content pipeline session identifier (free text).';
comment on column public.cm_module_content.total_word_count is
'Words over the five sections (generated: always equal to the sum of section_word_counts).';
comment on column public.cm_module_content.section_word_counts is
'{"introduction": n, "core_content": n, "practical_applications": n, "case_studies": n, "assessments": n} '
'(generated from the sections).';
comment on column public.cm_module_content.status is
'draft -> quality_check -> approved | revision; revision -> quality_check; approved -> revision. Sections can '
'change only in draft or revision (trigger).';
comment on column public.cm_module_content.revision_count is
'Number of updates that changed a section (kept by trigger; 0 at creation).';
comment on column public.cm_module_content.search_vector is
'English full-text vector (generated): module name (weight A), introduction (B), core content, practical '
'applications and case studies (C), assessments (D). Searched by search_module_content().';
create index idx_cm_module_content_company_id on public.cm_module_content (company_id, created_at desc);
create index idx_cm_module_content_content_id on public.cm_module_content (content_id);
create index idx_cm_module_content_session_id on public.cm_module_content (session_id);
create index idx_cm_module_content_status on public.cm_module_content (status);
create index idx_cm_module_content_search_vector on public.cm_module_content using gin (search_vector);

call dreamcut_private.enable_company_isolation('public.cm_module_content');

create trigger trigger_cm_module_content_updated_at
before update on public.cm_module_content
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.cm_module_content_new() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.revision_count <> 0 then
        raise exception 'revision_count is kept by trigger: a new content starts at 0, got %', new.revision_count
        using errcode = '22023';
    end if;
    if new.status <> 'draft' then
        raise exception 'a new content starts in status draft (then draft -> quality_check -> approved), got %',
            new.status
        using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.cm_module_content_new() is
'BEFORE INSERT trigger function on cm_module_content (video-pipeline-content-multimedia.md, "Status tracking and '
'revision management"): a new content starts with revision_count 0 (22023 otherwise) in status draft (55000 '
'otherwise). Returns the row.';
revoke all on function dreamcut_private.cm_module_content_new() from public;

create trigger trigger_cm_module_content_new
before insert on public.cm_module_content
for each row execute function dreamcut_private.cm_module_content_new();

create function dreamcut_private.cm_module_content_workflow() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.revision_count <> old.revision_count then
        raise exception 'revision_count of content % is kept by trigger and cannot be set (from % to %)',
            old.content_id, old.revision_count, new.revision_count
        using errcode = '22023';
    end if;

    if (new.introduction, new.core_content, new.practical_applications, new.case_studies, new.assessments)
        is distinct from
        (old.introduction, old.core_content, old.practical_applications, old.case_studies, old.assessments) then
        if old.status not in ('draft', 'revision') then
            raise exception 'content % is in status %: its sections can change only in draft or revision '
                '(move it to revision first)', old.content_id, old.status
            using errcode = '55000';
        end if;
        new.revision_count := old.revision_count + 1;
    end if;

    if new.status is distinct from old.status then
        if (old.status, new.status) not in (
            ('draft', 'quality_check'),
            ('quality_check', 'approved'),
            ('quality_check', 'revision'),
            ('revision', 'quality_check'),
            ('approved', 'revision')
        ) then
            raise exception 'content % cannot move from status % to % (draft -> quality_check -> approved | '
                'revision; revision -> quality_check; approved -> revision)', old.content_id, old.status, new.status
            using errcode = '55000';
        end if;
        if new.status = 'quality_check' and concat(
            new.introduction, new.core_content, new.practical_applications, new.case_studies, new.assessments
        ) !~ '\S' then
            raise exception 'content % has no text in any section: nothing to check', old.content_id
            using errcode = '55000';
        end if;
    end if;
    return new;
end
$$;
comment on function dreamcut_private.cm_module_content_workflow() is
'BEFORE UPDATE trigger function on cm_module_content (video-pipeline-content-multimedia.md, "Status tracking and '
'revision management"). revision_count is bumped by one for every update that changes a section; it cannot be '
'written directly (22023). Sections change only in status draft or revision (55000). Status moves draft -> '
'quality_check -> approved | revision, revision -> quality_check, approved -> revision (else 55000); '
'quality_check needs text in at least one section (55000). Returns the row.';
revoke all on function dreamcut_private.cm_module_content_workflow() from public;

create trigger trigger_cm_module_content_workflow
before update on public.cm_module_content
for each row execute function dreamcut_private.cm_module_content_workflow();
$migration$);

-- ===== content/0003_create_module_content_procedures =====
call pg_temp.dreamcut_db_apply('content', '0003_create_module_content_procedures', 'a81fa97e53bbcb6f5e0cc4d041238d2acd8e196664c657f20ee9c8b1148ea9d2', '68ad13b6030ae83b0a6d2fedc8baed459237b6bd5012b74553c3f3d6ee5a6a50', $migration$
create function public.create_module_content(
    p_module_name text,
    p_employee_name text default null,
    p_session_id text default null,
    p_module_spec jsonb default '{}',
    p_company_id uuid default null,
    p_research_context jsonb default '{}',
    p_priority_level text default 'medium'
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_company_id uuid;
    v_content_id uuid;
begin
    if p_module_name is null or btrim(p_module_name) = '' then
        raise exception 'p_module_name is required, got %', coalesce(quote_literal(p_module_name), 'null')
        using errcode = '22023';
    end if;
    if p_module_spec is not null and jsonb_typeof(p_module_spec) <> 'object' then
        raise exception 'p_module_spec must be a JSON object, got %', jsonb_typeof(p_module_spec) using errcode = '22023';
    end if;
    if p_research_context is not null and jsonb_typeof(p_research_context) <> 'object' then
        raise exception 'p_research_context must be a JSON object, got %', jsonb_typeof(p_research_context)
        using errcode = '22023';
    end if;
    if p_priority_level is null or p_priority_level not in ('critical', 'high', 'medium', 'low') then
        raise exception 'p_priority_level must be one of critical, high, medium, low, got %',
            coalesce(quote_literal(p_priority_level), 'null')
        using errcode = '22023';
    end if;
    if length(p_session_id) > 255 then
        raise exception 'p_session_id must be at most 255 characters, got %', length(p_session_id)
        using errcode = '22023';
    end if;
    v_company_id := public.cm_caller_company_id(p_company_id);

    insert into public.cm_module_content (
        company_id, module_name, employee_name, session_id, module_spec, research_context, priority_level
    )
    values (
        v_company_id, p_module_name, p_employee_name, p_session_id,
        coalesce(p_module_spec, '{}'), coalesce(p_research_context, '{}'), p_priority_level
    )
    returning content_id into v_content_id;
    return v_content_id;
end
$$;
comment on function public.create_module_content(text, text, text, jsonb, uuid, jsonb, text) is
'Creates a module content entry (video-pipeline-content-multimedia.md, "Content Creation Workflow" step 1, '
'create_module_content). p_module_name: non-empty text; p_employee_name: learner''s name; p_session_id: '
'pipeline session (text); p_module_spec, p_research_context: JSON objects; p_company_id: the owning company '
'(default: the caller''s JWT claim app_metadata.company_id; a signed-in caller may pass only its own); '
'p_priority_level: critical | high | medium | low. Returns the new content_id (uuid). The content starts in '
'status draft with revision_count 0 and word counts 0; sections are written with update_module_section(s). '
'Errors: 22023 bad parameter, 42501 another company than the caller''s, 23503 unknown company. Writes '
'nothing on error.';
revoke all on function public.create_module_content(text, text, text, jsonb, uuid, jsonb, text)
from public, anon, authenticated, service_role;
grant execute on function public.create_module_content(text, text, text, jsonb, uuid, jsonb, text)
to authenticated, service_role;

create function public.update_module_sections(p_content_id uuid, p_sections jsonb, p_company_id uuid default null)
returns public.cm_module_content
language plpgsql volatile
set search_path = ''
as $$
declare
    v_bad record;
    v_row public.cm_module_content;
begin
    if p_content_id is null then
        raise exception 'p_content_id is required' using errcode = '22023';
    end if;
    if p_sections is null or jsonb_typeof(p_sections) <> 'object' then
        raise exception 'p_sections must be a JSON object {"<section>": "text" | null, ...}, got %',
            coalesce(jsonb_typeof(p_sections), 'null')
        using errcode = '22023';
    end if;
    if p_sections = '{}' then
        raise exception 'p_sections must name at least one of the sections %', public.cm_content_sections()
        using errcode = '22023';
    end if;
    select s.key, jsonb_typeof(s.value) as kind into v_bad
    from jsonb_each(p_sections) as s
    where s.key <> all (public.cm_content_sections()) or jsonb_typeof(s.value) not in ('string', 'null')
    order by s.key
    limit 1;
    if found then
        if v_bad.key <> all (public.cm_content_sections()) then
            raise exception 'p_sections: unknown section %, the sections are %', quote_literal(v_bad.key),
                public.cm_content_sections()
            using errcode = '22023';
        end if;
        raise exception 'p_sections.%: a section is text or null, got %', v_bad.key, v_bad.kind
        using errcode = '22023';
    end if;

    update public.cm_module_content
    set introduction = case when p_sections ? 'introduction' then p_sections ->> 'introduction' else introduction end,
        core_content = case when p_sections ? 'core_content' then p_sections ->> 'core_content' else core_content end,
        practical_applications = case
            when p_sections ? 'practical_applications' then p_sections ->> 'practical_applications'
            else practical_applications
        end,
        case_studies = case when p_sections ? 'case_studies' then p_sections ->> 'case_studies' else case_studies end,
        assessments = case when p_sections ? 'assessments' then p_sections ->> 'assessments' else assessments end
    where content_id = p_content_id and (p_company_id is null or company_id = p_company_id)
    returning * into v_row;
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    return v_row;
end
$$;
comment on function public.update_module_sections(uuid, jsonb, uuid) is
'Updates several sections of a module''s content in one call (video-pipeline-content-multimedia.md, "Batch updates '
'for all sections"). p_content_id: the content; p_company_id: optional, its company (the distribution key; without '
'it the content is found by its id alone); p_sections: JSON object {"<section>": text or null} whose keys are '
'among cm_content_sections() (introduction, core_content, practical_applications, case_studies, assessments); '
'sections not named keep their text, null clears one. Returns the updated cm_module_content row: total_word_count '
'and section_word_counts are recomputed (generated columns) and revision_count is bumped by one when a section '
'changed. Errors: 22023 bad parameter or unknown section, P0002 unknown content (or another company''s), 55000 '
'content not in status draft or revision. Writes nothing on error.';
revoke all on function public.update_module_sections(uuid, jsonb, uuid) from public, anon, authenticated, service_role;
grant execute on function public.update_module_sections(uuid, jsonb, uuid) to authenticated, service_role;

create function public.update_module_section(
    p_content_id uuid, p_section_name text, p_section_content text, p_company_id uuid default null
)
returns public.cm_module_content
language plpgsql volatile
set search_path = ''
as $$
begin
    if p_section_name is null or p_section_name <> all (public.cm_content_sections()) then
        raise exception 'p_section_name must be one of %, got %', public.cm_content_sections(),
            coalesce(quote_literal(p_section_name), 'null')
        using errcode = '22023';
    end if;
    return public.update_module_sections(
        p_content_id, jsonb_build_object(p_section_name, p_section_content), p_company_id
    );
end
$$;
comment on function public.update_module_section(uuid, text, text, uuid) is
'Updates one section of a module''s content (video-pipeline-content-multimedia.md, "Content Creation Workflow" '
'step 2, update_module_section). p_content_id: the content; p_company_id: optional, its company (the distribution '
'key; without it the content is found by its id alone); p_section_name: one of cm_content_sections() '
'(introduction, core_content, practical_applications, case_studies, assessments); p_section_content: the new text '
'(null clears it). Returns the updated cm_module_content row with recomputed total_word_count and '
'section_word_counts and revision_count bumped by one when the text changed. Errors: 22023 bad parameter or '
'unknown section, P0002 unknown content (or another company''s), 55000 content not in status draft or revision. '
'Writes nothing on error.';
revoke all on function public.update_module_section(uuid, text, text, uuid) from public, anon, authenticated, service_role;
grant execute on function public.update_module_section(uuid, text, text, uuid) to authenticated, service_role;

create function public.update_content_status(p_content_id uuid, p_status text, p_company_id uuid default null)
returns public.cm_module_content
language plpgsql volatile
set search_path = ''
as $$
declare
    v_row public.cm_module_content;
begin
    if p_content_id is null then
        raise exception 'p_content_id is required' using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('draft', 'quality_check', 'revision', 'approved') then
        raise exception 'p_status must be one of draft, quality_check, revision, approved, got %',
            coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    update public.cm_module_content set status = p_status
    where content_id = p_content_id and (p_company_id is null or company_id = p_company_id)
    returning * into v_row;
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    return v_row;
end
$$;
comment on function public.update_content_status(uuid, text, uuid) is
'Moves a module''s content along its workflow (video-pipeline-content-multimedia.md, "Status tracking and revision '
'management"). p_content_id: the content; p_company_id: optional, its company (the distribution key; without it '
'the content is found by its id alone); p_status: draft -> quality_check -> approved | revision, revision -> '
'quality_check, approved -> revision (setting the current status again changes nothing). Returns the updated '
'cm_module_content row. Errors: 22023 bad parameter, P0002 unknown content (or another company''s), 55000 '
'transition not allowed or quality_check with no text. Writes nothing on error.';
revoke all on function public.update_content_status(uuid, text, uuid) from public, anon, authenticated, service_role;
grant execute on function public.update_content_status(uuid, text, uuid) to authenticated, service_role;

create function public.get_module_content(p_content_id uuid, p_company_id uuid default null)
returns public.cm_module_content
language plpgsql stable
set search_path = ''
as $$
declare
    v_row public.cm_module_content;
begin
    select * into v_row from public.cm_module_content
    where content_id = p_content_id and (p_company_id is null or company_id = p_company_id);
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    return v_row;
end
$$;
comment on function public.get_module_content(uuid, uuid) is
'A module''s content (video-pipeline-content-multimedia.md, "Data Retrieval Patterns", get_module_content). '
'p_content_id: the content; p_company_id: optional, its company (the distribution key; without it the content is '
'found by its id alone). Returns the cm_module_content row (sections, word counts, status, revision_count). '
'Errors: P0002 unknown content (or another company''s).';
revoke all on function public.get_module_content(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_module_content(uuid, uuid) to authenticated, service_role;

create function public.get_content_sections(p_content_id uuid, p_company_id uuid default null)
returns table (section_name text, section_order integer, section_content text, word_count integer)
language plpgsql stable
set search_path = ''
as $$
declare
    v_row public.cm_module_content;
begin
    v_row := public.get_module_content(p_content_id, p_company_id);
    return query
    select s.name, s.ord::integer, s.content, (v_row.section_word_counts ->> s.name)::integer
    from unnest(
        public.cm_content_sections(),
        array[
            v_row.introduction, v_row.core_content, v_row.practical_applications, v_row.case_studies,
            v_row.assessments
        ]
    ) with ordinality as s (name, content, ord)
    order by s.ord;
end
$$;
comment on function public.get_content_sections(uuid, uuid) is
'The sections of a module''s content in reading order (video-pipeline-content-multimedia.md, "Data Retrieval '
'Patterns", get_content_sections). p_content_id: the content; p_company_id: optional, its company (the '
'distribution key; without it the content is found by its id alone). Returns five rows (section_name, '
'section_order 1..5, section_content or null, word_count). Errors: P0002 unknown content (or another company''s).';
revoke all on function public.get_content_sections(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_content_sections(uuid, uuid) to authenticated, service_role;

create function public.search_module_content(
    p_query text, p_limit integer default 20, p_status text default null, p_company_id uuid default null
)
returns table (
    content_id uuid, module_name text, employee_name text, status text, rank real, headline text
)
language plpgsql stable
set search_path = ''
as $$
declare
    v_query tsquery;
begin
    if p_query is null or btrim(p_query) = '' then
        raise exception 'p_query is required, got %', coalesce(quote_literal(p_query), 'null') using errcode = '22023';
    end if;
    -- Bounded before the parser sees it: a search is a few words, and websearch_to_tsquery on tens of kilobytes of
    -- operators runs out of its own stack (XX000) or the server's (54001).
    if length(p_query) > 1000 then
        raise exception 'p_query must be at most 1000 characters, got %', length(p_query) using errcode = '22023';
    end if;
    if cardinality(regexp_split_to_array(btrim(p_query), '\s+')) > 64 then
        raise exception 'p_query must be at most 64 words, got %',
            cardinality(regexp_split_to_array(btrim(p_query), '\s+'))
        using errcode = '22023';
    end if;
    -- each "-" may nest one NOT, and the tsquery parser's stack holds 32
    if length(p_query) - length(replace(p_query, '-', '')) > 32 then
        raise exception 'p_query must hold at most 32 "-" (websearch''s NOT), got %',
            length(p_query) - length(replace(p_query, '-', ''))
        using errcode = '22023';
    end if;
    if p_limit is null or p_limit not between 1 and 100 then
        raise exception 'p_limit must be between 1 and 100, got %', coalesce(p_limit::text, 'null')
        using errcode = '22023';
    end if;
    if p_status is not null and p_status not in ('draft', 'quality_check', 'revision', 'approved') then
        raise exception 'p_status must be one of draft, quality_check, revision, approved (or null), got %',
            quote_literal(p_status)
        using errcode = '22023';
    end if;
    v_query := websearch_to_tsquery('english'::regconfig, p_query);
    return query
    select
        c.content_id, c.module_name, c.employee_name, c.status, ts_rank(c.search_vector, v_query),
        ts_headline(
            'english'::regconfig,
            concat_ws(' ', c.introduction, c.core_content, c.practical_applications, c.case_studies, c.assessments),
            v_query,
            'MaxFragments=2, MaxWords=20, MinWords=5'
        )
    from public.cm_module_content as c
    where c.search_vector @@ v_query and (p_status is null or c.status = p_status)
        and (p_company_id is null or c.company_id = p_company_id)
    order by ts_rank(c.search_vector, v_query) desc, c.created_at desc, c.content_id
    limit p_limit;
end
$$;
comment on function public.search_module_content(text, integer, text, uuid) is
'Full-text search over module content (video-pipeline-content-multimedia.md, "Content Storage: enables full-text '
'search capabilities"), through the GIN-indexed generated column search_vector (English). p_query: web-search '
'syntax ("quoted phrase", or, -word), 1..1000 characters, at most 64 words (separated by white space) and at '
'most 32 "-", checked before the parser sees it; p_limit: 1..100 rows; p_status: only content in that status, or null; '
'p_company_id: only that company''s content, or null (a signed-in user sees its own company''s only anyway). Returns '
'rows (content_id, module_name, employee_name, status, rank: ts_rank, higher is better, headline: matching '
'fragments of the sections) best first. Runs as the caller, so RLS applies: a signed-in user finds only its '
'company''s content. Errors: 22023 bad parameter.';
revoke all on function public.search_module_content(text, integer, text, uuid) from public, anon, authenticated, service_role;
grant execute on function public.search_module_content(text, integer, text, uuid) to authenticated, service_role;
$migration$);

-- ===== content/0004_create_course_plans =====
call pg_temp.dreamcut_db_apply('content', '0004_create_course_plans', '7077f5c517570f3084e86eab805ff1e61349c496bbb2c6f1fc4efa6873a6bcb2', 'd7d17680531e1e0c0cfb7c7b594c2a5c2d12584ead27908a845f0d428dfa47e0', $migration$
create table public.cm_course_plans (
    plan_id uuid not null default gen_random_uuid(),
    company_id uuid not null references public.companies (id),
    employee_id uuid not null references public.employees (id),
    employee_name text,
    session_id text,
    course_structure jsonb not null default '{}' check (jsonb_typeof(course_structure) = 'object'),
    prioritized_gaps jsonb not null default '[]',
    research_strategy jsonb not null default '{}',
    learning_path jsonb not null default '{}',
    employee_profile jsonb not null default '{}',
    total_modules integer not null default 0 check (total_modules >= 0),
    course_duration_weeks integer check (course_duration_weeks > 0),
    course_title text not null check (btrim(course_title) <> ''),
    status text not null default 'active' check (status in ('draft', 'active', 'completed', 'archived')),
    created_at timestamptz not null default now(),
    primary key (company_id, plan_id)
);
comment on table public.cm_course_plans is
'Course structure and planning for one employee (video-pipeline-content-multimedia.md, cm_*, table 2).';
comment on column public.cm_course_plans.company_id is
'Owning company (not in the document: added for company isolation; RLS compares it with app_metadata.company_id).';
comment on column public.cm_course_plans.course_structure is 'Complete course structure, with its "modules" array.';
comment on column public.cm_course_plans.total_modules is 'Number of modules in the course.';
comment on column public.cm_course_plans.course_duration_weeks is 'Estimated duration in weeks (> 0).';
create index idx_cm_course_plans_company_id on public.cm_course_plans (company_id, created_at desc);
create index idx_cm_course_plans_plan_id on public.cm_course_plans (plan_id);
create index idx_cm_course_plans_employee_id on public.cm_course_plans (employee_id);
create index idx_cm_course_plans_session_id on public.cm_course_plans (session_id);

create table public.cm_research_results (
    research_id uuid not null default gen_random_uuid(),
    plan_id uuid not null,
    company_id uuid not null references public.companies (id),
    session_id text,
    research_findings jsonb not null default '{}',
    content_library jsonb not null default '{}',
    module_mappings jsonb not null default '{}',
    total_topics integer not null default 0 check (total_topics >= 0),
    total_sources integer not null default 0 check (total_sources >= 0),
    search_queries text[] not null default '{}',
    sources_analyzed text[] not null default '{}',
    status text not null default 'completed' check (status in ('in_progress', 'completed', 'failed')),
    created_at timestamptz not null default now(),
    primary key (company_id, research_id),
    foreign key (company_id, plan_id) references public.cm_course_plans (company_id, plan_id) on delete cascade
);
comment on table public.cm_research_results is
'Findings of the Research Agent for a course plan (video-pipeline-content-multimedia.md, cm_*, table 3).';
comment on column public.cm_research_results.company_id is 'The plan''s company (the foreign key keeps them equal).';
comment on column public.cm_research_results.sources_analyzed is 'URLs or other sources analyzed.';
create index idx_cm_research_results_plan_id on public.cm_research_results (company_id, plan_id);
create index idx_cm_research_results_research_id on public.cm_research_results (research_id);
create index idx_cm_research_results_session_id on public.cm_research_results (session_id);

call dreamcut_private.enable_company_isolation('public.cm_course_plans');
call dreamcut_private.enable_company_isolation('public.cm_research_results');

create function dreamcut_private.cm_course_plan_employee_company() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_company uuid;
begin
    -- The foreign key to public.employees accepts an employee of any company. Where this module created
    -- employees (so their company_id is known), the plan's employee must be of the plan's company, like every
    -- other child row. Security definer: the caller's RLS hides other companies' employees, which must be seen
    -- to be refused. An application's own employees table is left to the application.
    if exists (
        select from dreamcut_private.package_owned_objects where kind = 'table' and name = 'public.employees'
    ) then
        select e.company_id into v_company from public.employees as e where e.id = new.employee_id;
        if v_company <> new.company_id then
            raise exception 'employee_id (p_employee_id) % is not an employee of company % (company_id, p_company_id)',
                new.employee_id, new.company_id
            using errcode = '23503';
        end if;
    end if;
    return new;
end
$$;
comment on function dreamcut_private.cm_course_plan_employee_company() is
'BEFORE INSERT OR UPDATE OF employee_id, company_id trigger function on cm_course_plans: where module content '
'created public.employees, raises 23503 when the plan''s employee belongs to another company than the plan (the '
'plain foreign key would accept it). Security definer, to see employees the caller''s RLS hides; it reads only '
'the employee''s company_id. An unknown employee is left to the foreign key (23503). Returns the row.';
revoke all on function dreamcut_private.cm_course_plan_employee_company() from public, anon, authenticated, service_role;

create trigger trigger_cm_course_plans_employee_company
before insert or update of employee_id, company_id on public.cm_course_plans
for each row execute function dreamcut_private.cm_course_plan_employee_company();

create function public.store_course_plan(
    p_employee_id uuid,
    p_course_title text,
    p_course_structure jsonb,
    p_employee_name text default null,
    p_session_id text default null,
    p_prioritized_gaps jsonb default '[]',
    p_research_strategy jsonb default '{}',
    p_learning_path jsonb default '{}',
    p_employee_profile jsonb default '{}',
    p_total_modules integer default null,
    p_course_duration_weeks integer default null,
    p_status text default 'active',
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_company_id uuid;
    v_plan_id uuid;
begin
    if p_employee_id is null then
        raise exception 'p_employee_id is required' using errcode = '22023';
    end if;
    if p_course_title is null or btrim(p_course_title) = '' then
        raise exception 'p_course_title is required, got %', coalesce(quote_literal(p_course_title), 'null')
        using errcode = '22023';
    end if;
    if p_course_structure is null or jsonb_typeof(p_course_structure) <> 'object' then
        raise exception 'p_course_structure must be a JSON object, got %', coalesce(jsonb_typeof(p_course_structure), 'null')
        using errcode = '22023';
    end if;
    if p_total_modules < 0 then
        raise exception 'p_total_modules must be >= 0, got %', p_total_modules using errcode = '22023';
    end if;
    if p_course_duration_weeks <= 0 then
        raise exception 'p_course_duration_weeks must be > 0, got %', p_course_duration_weeks using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('draft', 'active', 'completed', 'archived') then
        raise exception 'p_status must be one of draft, active, completed, archived, got %',
            coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    if length(p_session_id) > 255 then
        raise exception 'p_session_id must be at most 255 characters, got %', length(p_session_id)
        using errcode = '22023';
    end if;
    v_company_id := public.cm_caller_company_id(p_company_id);

    insert into public.cm_course_plans (
        company_id, employee_id, employee_name, session_id, course_structure, prioritized_gaps, research_strategy,
        learning_path, employee_profile, total_modules, course_duration_weeks, course_title, status
    )
    values (
        v_company_id, p_employee_id, p_employee_name, p_session_id, p_course_structure,
        coalesce(p_prioritized_gaps, '[]'), coalesce(p_research_strategy, '{}'), coalesce(p_learning_path, '{}'),
        coalesce(p_employee_profile, '{}'),
        coalesce(
            p_total_modules,
            case when jsonb_typeof(p_course_structure -> 'modules') = 'array'
                then jsonb_array_length(p_course_structure -> 'modules') else 0 end
        ),
        p_course_duration_weeks, p_course_title, p_status
    )
    returning plan_id into v_plan_id;
    return v_plan_id;
end
$$;
comment on function public.store_course_plan(
    uuid, text, jsonb, text, text, jsonb, jsonb, jsonb, jsonb, integer, integer, text, uuid
) is
'Stores a course plan (video-pipeline-content-multimedia.md, cm_course_plans). p_employee_id: the employee '
'(public.employees.id); p_course_title: non-empty text; p_course_structure: JSON object with the course''s '
'"modules" array; p_employee_name, p_session_id: text; p_prioritized_gaps, p_research_strategy, '
'p_learning_path, p_employee_profile: JSON; p_total_modules: >= 0 (default: length of '
'p_course_structure.modules); p_course_duration_weeks: > 0; p_status: draft | active | completed | archived; '
'p_company_id: default the caller''s app_metadata.company_id (a signed-in caller may pass only its own). '
'Returns the new plan_id (uuid). Errors: 22023 bad parameter, 42501 another company than the caller''s, 23503 '
'unknown employee or company. Writes nothing on error.';
revoke all on function public.store_course_plan(
    uuid, text, jsonb, text, text, jsonb, jsonb, jsonb, jsonb, integer, integer, text, uuid
) from public, anon, authenticated, service_role;
grant execute on function public.store_course_plan(
    uuid, text, jsonb, text, text, jsonb, jsonb, jsonb, jsonb, integer, integer, text, uuid
) to authenticated, service_role;

create function public.store_research_results(
    p_plan_id uuid,
    p_research_findings jsonb,
    p_content_library jsonb default '{}',
    p_module_mappings jsonb default '{}',
    p_search_queries text[] default '{}',
    p_sources_analyzed text[] default '{}',
    p_total_topics integer default null,
    p_total_sources integer default null,
    p_session_id text default null,
    p_status text default 'completed',
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_plan record;
    v_research_id uuid;
begin
    if p_plan_id is null then
        raise exception 'p_plan_id is required' using errcode = '22023';
    end if;
    if p_research_findings is null or jsonb_typeof(p_research_findings) not in ('object', 'array') then
        raise exception 'p_research_findings must be a JSON object or array, got %',
            coalesce(jsonb_typeof(p_research_findings), 'null')
        using errcode = '22023';
    end if;
    if p_total_topics < 0 then
        raise exception 'p_total_topics must be >= 0, got %', p_total_topics using errcode = '22023';
    end if;
    if p_total_sources < 0 then
        raise exception 'p_total_sources must be >= 0, got %', p_total_sources using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('in_progress', 'completed', 'failed') then
        raise exception 'p_status must be one of in_progress, completed, failed, got %',
            coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    if length(p_session_id) > 255 then
        raise exception 'p_session_id must be at most 255 characters, got %', length(p_session_id)
        using errcode = '22023';
    end if;
    select plan_id, company_id, session_id into v_plan from public.cm_course_plans
    where plan_id = p_plan_id and (p_company_id is null or company_id = p_company_id);
    if not found then
        raise exception 'course plan % not found (p_plan_id)', p_plan_id using errcode = 'P0002';
    end if;

    insert into public.cm_research_results (
        plan_id, company_id, session_id, research_findings, content_library, module_mappings, total_topics,
        total_sources, search_queries, sources_analyzed, status
    )
    values (
        p_plan_id, v_plan.company_id, coalesce(p_session_id, v_plan.session_id), p_research_findings,
        coalesce(p_content_library, '{}'), coalesce(p_module_mappings, '{}'),
        coalesce(
            p_total_topics,
            case jsonb_typeof(p_research_findings)
                when 'array' then jsonb_array_length(p_research_findings)
                else (select count(*)::integer from jsonb_object_keys(p_research_findings))
            end
        ),
        coalesce(p_total_sources, cardinality(p_sources_analyzed), 0),
        coalesce(p_search_queries, '{}'), coalesce(p_sources_analyzed, '{}'), p_status
    )
    returning research_id into v_research_id;
    return v_research_id;
end
$$;
comment on function public.store_research_results(
    uuid, jsonb, jsonb, jsonb, text[], text[], integer, integer, text, text, uuid
) is
'Stores the Research Agent''s findings for a course plan (video-pipeline-content-multimedia.md, '
'cm_research_results). p_plan_id: the plan (its company is used); p_research_findings: JSON object or array; '
'p_content_library, p_module_mappings: JSON; p_search_queries: text[] of queries used; p_sources_analyzed: text[] '
'of URLs/sources; p_total_topics: >= 0 (default: number of findings, i.e. array elements or object keys); '
'p_total_sources: >= 0 (default: cardinality of p_sources_analyzed); p_session_id: default the plan''s; p_status: '
'in_progress | completed | failed; p_company_id: optional, the plan''s company (the distribution key; without it '
'the plan is found by its id alone). Returns the new research_id (uuid). Errors: 22023 bad parameter, P0002 '
'unknown plan (or another company''s). Writes nothing on error.';
revoke all on function public.store_research_results(
    uuid, jsonb, jsonb, jsonb, text[], text[], integer, integer, text, text, uuid
) from public, anon, authenticated, service_role;
grant execute on function public.store_research_results(
    uuid, jsonb, jsonb, jsonb, text[], text[], integer, integer, text, text, uuid
) to authenticated, service_role;
$migration$);

-- ===== content/0005_create_quality_assessments =====
call pg_temp.dreamcut_db_apply('content', '0005_create_quality_assessments', 'cce5d093bcc1826cd9f6a2538d56fa33ae98dc92c059545ce70eab7320379341', '31157430575d2ed38bd1707c2a325fd428f282482e82cd8980b5f1117890a012', $migration$
create table public.cm_quality_assessments (
    assessment_id uuid not null default gen_random_uuid(),
    content_id uuid not null,
    company_id uuid not null references public.companies (id),
    overall_score double precision not null check (overall_score between 0 and 10),
    section_scores jsonb not null default '{}' check (jsonb_typeof(section_scores) = 'object'),
    accuracy_score double precision check (accuracy_score between 0 and 10),
    clarity_score double precision check (clarity_score between 0 and 10),
    completeness_score double precision check (completeness_score between 0 and 10),
    engagement_score double precision check (engagement_score between 0 and 10),
    personalization_score double precision check (personalization_score between 0 and 10),
    quality_feedback text,
    passed boolean not null,
    requires_revision boolean not null default false,
    sections_needing_work text[] not null default '{}' check (sections_needing_work <@ public.cm_content_sections()),
    critical_issues text[] not null default '{}',
    assessed_at timestamptz not null default clock_timestamp(),
    primary key (company_id, assessment_id),
    unique (company_id, assessment_id, content_id),
    foreign key (company_id, content_id) references public.cm_module_content (company_id, content_id) on delete cascade
);
comment on table public.cm_quality_assessments is
'Quality assessment results of module content (video-pipeline-content-multimedia.md, cm_*, table 4). '
'Scores are 0..10.';
comment on column public.cm_quality_assessments.company_id is
'The content''s company (the foreign key keeps them equal).';
comment on column public.cm_quality_assessments.section_scores is
'{"<section name>": score 0..10, ...} for sections of cm_content_sections().';
comment on column public.cm_quality_assessments.assessed_at is
'clock_timestamp() of the insert, so the latest of several assessments written in one transaction is defined.';
create index idx_cm_quality_assessments_content_id on public.cm_quality_assessments (
    company_id, content_id, assessed_at desc
);
create index idx_cm_quality_assessments_assessment_id on public.cm_quality_assessments (assessment_id);

create table public.cm_enhancement_sessions (
    session_id uuid not null default gen_random_uuid(),
    content_id uuid not null,
    company_id uuid not null references public.companies (id),
    quality_assessment_id uuid,
    enhancement_type text not null check (btrim(enhancement_type) <> ''),
    sections_to_enhance text[] not null check (
        cardinality(sections_to_enhance) > 0 and sections_to_enhance <@ public.cm_content_sections()
    ),
    sections_preserved text[] not null default '{}' check (sections_preserved <@ public.cm_content_sections()),
    research_conducted boolean not null default false,
    content_regenerated boolean not null default false,
    status text not null default 'in_progress' check (status in ('in_progress', 'completed', 'failed')),
    created_at timestamptz not null default now(),
    completed_at timestamptz,
    check (not sections_to_enhance && sections_preserved),
    check ((status = 'in_progress') = (completed_at is null)),
    check (completed_at >= created_at),
    primary key (company_id, session_id),
    foreign key (company_id, content_id) references public.cm_module_content (company_id, content_id)
    on delete cascade,
    foreign key (company_id, quality_assessment_id, content_id)
    references public.cm_quality_assessments (company_id, assessment_id, content_id)
);
comment on table public.cm_enhancement_sessions is
'Content enhancement workflows (video-pipeline-content-multimedia.md, cm_*, table 5): which sections are '
'regenerated after a quality assessment. At most one session per content is in progress.';
comment on column public.cm_enhancement_sessions.company_id is
'The content''s company (the foreign key keeps them equal).';
comment on column public.cm_enhancement_sessions.quality_assessment_id is
'The assessment that triggered the enhancement; it must be an assessment of the same content (and company), '
'which cannot be deleted while a session refers to it (23503).';
comment on column public.cm_enhancement_sessions.status is 'in_progress -> completed | failed.';
create index idx_cm_enhancement_sessions_content_id on public.cm_enhancement_sessions (company_id, content_id);
create index idx_cm_enhancement_sessions_session_id on public.cm_enhancement_sessions (session_id);
create index idx_cm_enhancement_sessions_assessment on public.cm_enhancement_sessions (
    company_id, quality_assessment_id, content_id
);
create unique index idx_cm_enhancement_sessions_one_in_progress on public.cm_enhancement_sessions (
    company_id, content_id
)
where status = 'in_progress';

call dreamcut_private.enable_company_isolation('public.cm_quality_assessments');
call dreamcut_private.enable_company_isolation('public.cm_enhancement_sessions');

create function public.store_quality_assessment(
    p_content_id uuid,
    p_overall_score double precision,
    p_section_scores jsonb default '{}',
    p_passed boolean default null,
    p_accuracy_score double precision default null,
    p_clarity_score double precision default null,
    p_completeness_score double precision default null,
    p_engagement_score double precision default null,
    p_personalization_score double precision default null,
    p_quality_feedback text default null,
    p_requires_revision boolean default null,
    p_sections_needing_work text[] default '{}',
    p_critical_issues text[] default '{}',
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_bad record;
    v_company_id uuid;
    v_assessment_id uuid;
begin
    if p_content_id is null then
        raise exception 'p_content_id is required' using errcode = '22023';
    end if;
    select s.name, s.score into v_bad
    from (
        values
        (1, 'p_overall_score', p_overall_score), (2, 'p_accuracy_score', p_accuracy_score),
        (3, 'p_clarity_score', p_clarity_score), (4, 'p_completeness_score', p_completeness_score),
        (5, 'p_engagement_score', p_engagement_score), (6, 'p_personalization_score', p_personalization_score)
    ) as s (ord, name, score)
    where (s.ord = 1 and s.score is null) or not s.score between 0 and 10
    order by s.ord
    limit 1;
    if found then
        raise exception '% must be a score between 0 and 10, got %', v_bad.name, coalesce(v_bad.score::text, 'null')
        using errcode = '22023';
    end if;
    if p_passed is null then
        raise exception 'p_passed is required (true or false)' using errcode = '22023';
    end if;
    if p_section_scores is null or jsonb_typeof(p_section_scores) <> 'object' then
        raise exception 'p_section_scores must be a JSON object {"<section>": score}, got %',
            coalesce(jsonb_typeof(p_section_scores), 'null')
        using errcode = '22023';
    end if;
    select s.key, s.value into v_bad
    from jsonb_each(p_section_scores) as s
    where s.key <> all (public.cm_content_sections())
        or case when jsonb_typeof(s.value) = 'number' then not s.value::numeric between 0 and 10 else true end
    order by s.key
    limit 1;
    if found then
        raise exception 'p_section_scores: % must be a section of % with a score between 0 and 10, got %',
            quote_literal(v_bad.key), public.cm_content_sections(), v_bad.value
        using errcode = '22023';
    end if;
    if p_sections_needing_work is null or not p_sections_needing_work <@ public.cm_content_sections() then
        raise exception 'p_sections_needing_work must hold sections of %, got %', public.cm_content_sections(),
            coalesce(p_sections_needing_work::text, 'null')
        using errcode = '22023';
    end if;

    select company_id into v_company_id from public.cm_module_content
    where content_id = p_content_id and (p_company_id is null or company_id = p_company_id);
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;

    insert into public.cm_quality_assessments (
        content_id, company_id, overall_score, section_scores, accuracy_score, clarity_score, completeness_score,
        engagement_score, personalization_score, quality_feedback, passed, requires_revision,
        sections_needing_work, critical_issues
    )
    values (
        p_content_id, v_company_id, p_overall_score, p_section_scores, p_accuracy_score, p_clarity_score,
        p_completeness_score, p_engagement_score, p_personalization_score, p_quality_feedback, p_passed,
        coalesce(p_requires_revision, not p_passed), p_sections_needing_work, coalesce(p_critical_issues, '{}')
    )
    returning assessment_id into v_assessment_id;
    return v_assessment_id;
end
$$;
comment on function public.store_quality_assessment(
    uuid, double precision, jsonb, boolean, double precision, double precision, double precision,
    double precision, double precision, text, boolean, text[], text[], uuid
) is
'Stores a quality assessment of a module''s content (video-pipeline-content-multimedia.md, "Content Creation '
'Workflow" step 3, store_quality_assessment). p_content_id: the content; p_overall_score: 0..10 (required); '
'p_section_scores: JSON object {"<section>": 0..10} over cm_content_sections(); p_passed: boolean (required); '
'p_accuracy_score, p_clarity_score, p_completeness_score, p_engagement_score, p_personalization_score: 0..10 or '
'null; p_quality_feedback: text; p_requires_revision: default not p_passed; p_sections_needing_work: text[] of '
'section names; p_critical_issues: text[]; p_company_id: optional, its company (the distribution key; without it '
'the content is found by its id alone). Returns the new assessment_id (uuid); assessed_at is the clock time of the '
'call. The content''s status is not changed (use update_content_status). Errors: 22023 bad parameter (score out of '
'range, unknown section), P0002 unknown content (or another company''s). Writes nothing on error.';
revoke all on function public.store_quality_assessment(
    uuid, double precision, jsonb, boolean, double precision, double precision, double precision,
    double precision, double precision, text, boolean, text[], text[], uuid
) from public, anon, authenticated, service_role;
grant execute on function public.store_quality_assessment(
    uuid, double precision, jsonb, boolean, double precision, double precision, double precision,
    double precision, double precision, text, boolean, text[], text[], uuid
) to authenticated, service_role;

create function public.get_latest_quality_assessment(p_content_id uuid, p_company_id uuid default null)
returns public.cm_quality_assessments
language plpgsql stable
set search_path = ''
as $$
declare
    v_company_id uuid;
    v_row public.cm_quality_assessments;
begin
    select company_id into v_company_id from public.cm_module_content
    where content_id = p_content_id and (p_company_id is null or company_id = p_company_id);
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    select * into v_row from public.cm_quality_assessments
    where company_id = v_company_id and content_id = p_content_id
    order by assessed_at desc, assessment_id desc
    limit 1;
    return v_row;
end
$$;
comment on function public.get_latest_quality_assessment(uuid, uuid) is
'The latest quality assessment of a content (video-pipeline-content-multimedia.md, "Data Retrieval Patterns", '
'get_latest_quality_assessment). p_content_id: the content; p_company_id: optional, its company (the distribution '
'key; without it the content is found by its id alone). Returns the cm_quality_assessments row with the latest '
'assessed_at, or null when the content has none. Errors: P0002 unknown content (or another company''s).';
revoke all on function public.get_latest_quality_assessment(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_latest_quality_assessment(uuid, uuid) to authenticated, service_role;

create function public.start_enhancement_session(
    p_content_id uuid,
    p_enhancement_type text,
    p_sections_to_enhance text[] default null,
    p_quality_assessment_id uuid default null,
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_company_id uuid;
    v_sections text[] := p_sections_to_enhance;
    v_running uuid;
    v_session_id uuid;
begin
    if p_content_id is null then
        raise exception 'p_content_id is required' using errcode = '22023';
    end if;
    if p_enhancement_type is null or btrim(p_enhancement_type) = '' then
        raise exception 'p_enhancement_type is required, got %', coalesce(quote_literal(p_enhancement_type), 'null')
        using errcode = '22023';
    end if;
    if not v_sections <@ public.cm_content_sections() then
        raise exception 'p_sections_to_enhance must hold sections of %, got %', public.cm_content_sections(),
            v_sections
        using errcode = '22023';
    end if;

    -- The content row lock serializes sessions of one content: at most one is in progress. The company first,
    -- so that the lock names the whole key (one shard on Citus, where a lock over all shards is refused).
    v_company_id := p_company_id;
    if v_company_id is null then
        select c.company_id into v_company_id from public.cm_module_content as c where c.content_id = p_content_id;
    end if;
    perform from public.cm_module_content
    where company_id = v_company_id and content_id = p_content_id
    for update;
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    if p_quality_assessment_id is not null then
        select coalesce(v_sections, a.sections_needing_work) into v_sections
        from public.cm_quality_assessments as a
        where a.company_id = v_company_id and a.assessment_id = p_quality_assessment_id
            and a.content_id = p_content_id;
        if not found then
            raise exception 'p_quality_assessment_id % is not an assessment of content %', p_quality_assessment_id,
                p_content_id
            using errcode = '22023';
        end if;
    end if;
    if coalesce(cardinality(v_sections), 0) = 0 then
        raise exception 'p_sections_to_enhance must name at least one section (or p_quality_assessment_id an '
            'assessment with sections_needing_work), got %', coalesce(v_sections::text, 'null')
        using errcode = '22023';
    end if;
    v_sections := array(
        select s.name from unnest(public.cm_content_sections()) with ordinality as s (name, ord)
        where s.name = any (v_sections) order by s.ord
    );
    select session_id into v_running from public.cm_enhancement_sessions
    where company_id = v_company_id and content_id = p_content_id and status = 'in_progress';
    if found then
        raise exception 'content % already has enhancement session % in progress', p_content_id, v_running
        using errcode = '55000';
    end if;

    insert into public.cm_enhancement_sessions (
        content_id, company_id, quality_assessment_id, enhancement_type, sections_to_enhance, sections_preserved
    )
    values (
        p_content_id, v_company_id, p_quality_assessment_id, p_enhancement_type, v_sections,
        array(select s.name from unnest(public.cm_content_sections()) as s (name) where s.name <> all (v_sections))
    )
    returning session_id into v_session_id;
    return v_session_id;
end
$$;
comment on function public.start_enhancement_session(uuid, text, text[], uuid, uuid) is
'Starts a content enhancement workflow (video-pipeline-content-multimedia.md, cm_enhancement_sessions). '
'p_content_id: the content; p_enhancement_type: non-empty text (e.g. section_regeneration); p_sections_to_enhance: '
'text[] of sections of cm_content_sections() (default: the sections_needing_work of p_quality_assessment_id); '
'p_quality_assessment_id: an assessment of the same content, or null; p_company_id: optional, its company (the '
'distribution key; without it the content is found by its id alone). The other sections are recorded as '
'sections_preserved. Returns the new session_id (uuid), status in_progress. Errors: 22023 bad parameter (unknown '
'section, no section, assessment of another content), P0002 unknown content (or another company''s), 55000 the '
'content already has a session in progress. Writes nothing on error.';
revoke all on function public.start_enhancement_session(uuid, text, text[], uuid, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.start_enhancement_session(uuid, text, text[], uuid, uuid) to authenticated, service_role;

create function public.complete_enhancement_session(
    p_session_id uuid,
    p_research_conducted boolean default false,
    p_content_regenerated boolean default false,
    p_status text default 'completed',
    p_company_id uuid default null
) returns public.cm_enhancement_sessions
language plpgsql volatile
set search_path = ''
as $$
declare
    v_company_id uuid;
    v_row public.cm_enhancement_sessions;
    -- the clock, not now(): this transaction may have started before the session was created
    v_now timestamptz := clock_timestamp();
begin
    if p_session_id is null then
        raise exception 'p_session_id is required' using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('completed', 'failed') then
        raise exception 'p_status must be completed or failed, got %', coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    v_company_id := p_company_id;
    if v_company_id is null then
        select e.company_id into v_company_id from public.cm_enhancement_sessions as e where e.session_id = p_session_id;
    end if;
    select * into v_row from public.cm_enhancement_sessions
    where company_id = v_company_id and session_id = p_session_id
    for update;
    if not found then
        raise exception 'enhancement session % not found (p_session_id)', p_session_id using errcode = 'P0002';
    end if;
    if v_row.status <> 'in_progress' then
        raise exception 'enhancement session % is already %', p_session_id, v_row.status using errcode = '55000';
    end if;
    update public.cm_enhancement_sessions
    set status = p_status,
        research_conducted = coalesce(p_research_conducted, false),
        content_regenerated = coalesce(p_content_regenerated, false),
        completed_at = v_now
    where company_id = v_company_id and session_id = p_session_id
    returning * into v_row;
    return v_row;
end
$$;
comment on function public.complete_enhancement_session(uuid, boolean, boolean, text, uuid) is
'Ends a content enhancement workflow (video-pipeline-content-multimedia.md, cm_enhancement_sessions). '
'p_session_id: an enhancement session in progress; p_research_conducted, p_content_regenerated: what was done '
'(booleans); p_status: completed | failed; p_company_id: optional, the session''s company (the distribution key; '
'without it the session is found by its id alone). Returns the updated cm_enhancement_sessions row with '
'completed_at. Errors: 22023 bad parameter, P0002 unknown session (or another company''s), 55000 session already '
'finished. Writes nothing on error.';
revoke all on function public.complete_enhancement_session(uuid, boolean, boolean, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.complete_enhancement_session(uuid, boolean, boolean, text, uuid)
to authenticated, service_role;
$migration$);

-- ===== dreamcut/0001_create_dreamcut_realtime_schema =====
call pg_temp.dreamcut_db_apply('dreamcut', '0001_create_dreamcut_realtime_schema', '0acdfad426115778618c211e71e7046be876bbb0143073ded6903c43f5bfd524', '0ad1288820bb4f657afe5cdd7d020988816eda5bf5f85e80fed97aaaee4eb99f', $migration$
insert into dreamcut_private.installed_modules (module) values ('dreamcut');

create table public.dreamcut_queries (
    id uuid primary key default gen_random_uuid(),
    user_id text not null,
    user_prompt text not null,
    intent text check (intent in ('image', 'video', 'audio', 'mixed')),
    options jsonb not null default '{}' check (jsonb_typeof(options) = 'object'),

    status text not null default 'processing' check (status in ('processing', 'completed', 'failed')),
    stage text not null default 'init' check (stage in ('init', 'analyzing', 'merging', 'done')),
    progress integer not null default 0 check (progress >= 0 and progress <= 100),

    payload jsonb,
    error_message text,

    processing_time_ms integer check (processing_time_ms >= 0),
    models_used text[],
    cost_estimate decimal(10, 4) check (cost_estimate >= 0),

    asset_count integer not null default 0 check (asset_count >= 0),
    assets_finished integer not null default 0 check (assets_finished >= 0 and assets_finished <= asset_count),
    asset_progress_total bigint not null default 0 check (asset_progress_total >= 0),

    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    completed_at timestamptz,
    check (completed_at is null or completed_at >= created_at)
);
comment on table public.dreamcut_queries is
'One director analysis request (dreamcut-production-schema.md, table 1): overall progress, stage and result.';
comment on column public.dreamcut_queries.user_id is
'Owner: the Supabase auth user id (auth.uid()) as text. RLS compares it with the request''s sub claim.';
comment on column public.dreamcut_queries.stage is 'init -> analyzing -> merging -> done.';
comment on column public.dreamcut_queries.progress is
'0..100: 90% of the mean asset progress while analyzing (a failed asset counts as 100), 90 at merging, 100 when done.';
comment on column public.dreamcut_queries.payload is 'Final analyzer JSON (the creative brief).';
comment on column public.dreamcut_queries.processing_time_ms is 'Total processing time in milliseconds.';
comment on column public.dreamcut_queries.cost_estimate is 'Estimated cost of the models used, in US dollars.';
comment on column public.dreamcut_queries.asset_count is 'Number of assets of the query (kept by trigger).';
comment on column public.dreamcut_queries.assets_finished is
'Number of assets completed or failed (kept by trigger); the query moves to merging when it equals asset_count.';
comment on column public.dreamcut_queries.asset_progress_total is
'Sum of the assets'' progress, a failed asset counting as 100 (kept by trigger).';

create table public.dreamcut_assets (
    id uuid not null default gen_random_uuid(),
    query_id uuid not null references public.dreamcut_queries (id) on delete cascade,

    url text not null check (url <> ''),
    filename text,
    type text not null check (type in ('image', 'video', 'audio')),
    user_description text,
    file_size_bytes bigint check (file_size_bytes >= 0),
    metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),

    status text not null default 'pending' check (status in ('pending', 'analyzing', 'completed', 'failed')),
    progress integer not null default 0 check (progress >= 0 and progress <= 100),
    analysis jsonb not null default '{}' check (jsonb_typeof(analysis) = 'object'),

    worker_id text,
    model_used text,
    processing_time_ms integer check (processing_time_ms >= 0),
    error_message text,

    quality_score decimal(3, 2),
    confidence_score decimal(3, 2),

    seq bigint not null check (seq > 0),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    analyzed_at timestamptz,
    primary key (query_id, id)
);
comment on table public.dreamcut_assets is
'One asset of a query and its progressive analysis (dreamcut-production-schema.md, table 2).';
comment on column public.dreamcut_assets.status is 'pending -> analyzing -> completed | failed; a finished asset stays finished.';
comment on column public.dreamcut_assets.analysis is 'Analysis JSON object, built up by shallow merges of each worker update.';
comment on column public.dreamcut_assets.file_size_bytes is 'Size of the file in bytes.';
comment on column public.dreamcut_assets.processing_time_ms is 'Analysis time in milliseconds.';
comment on column public.dreamcut_assets.analyzed_at is 'When the asset finished (completed or failed).';
comment on column public.dreamcut_assets.seq is
'Position of the asset in its query, from 1 (unique per query): the order of p_assets (they are inserted in one '
'statement, so created_at alone cannot order them). An insert without seq takes the next one (trigger).';

create table public.dreamcut_messages (
    id uuid not null default gen_random_uuid(),
    query_id uuid not null references public.dreamcut_queries (id) on delete cascade,

    type text not null check (
        type in (
            'status', 'asset_start', 'asset_progress', 'asset_complete', 'merge', 'final', 'conflict',
            'suggestion', 'error'
        )
    ),
    content text not null,
    emoji text,

    asset_id uuid,
    data jsonb not null default '{}',

    seq bigint not null check (seq > 0),
    created_at timestamptz not null default clock_timestamp(),
    primary key (query_id, id),
    -- The document's "on delete set null" is trigger_dreamcut_assets_release_messages: a foreign key holding the
    -- distribution key cannot set part of itself to null on Citus.
    foreign key (query_id, asset_id) references public.dreamcut_assets (query_id, id)
);
comment on table public.dreamcut_messages is
'The director''s feedback messages of a query, with emoji (dreamcut-production-schema.md, table 3).';
comment on column public.dreamcut_messages.content is 'Message text without its emoji; a client shows emoji || '' '' || content.';
comment on column public.dreamcut_messages.seq is
'Position of the message in its query''s feed, from 1 (unique per query): the next one is taken under the lock of '
'the query row, so the order holds whichever node or transaction writes. Read a feed in seq order.';
comment on column public.dreamcut_messages.asset_id is
'The asset the message is about, of the same query, or null; set to null when the asset is deleted.';
comment on column public.dreamcut_messages.created_at is 'clock_timestamp() of the insert, so messages of one transaction differ.';
$migration$);

-- ===== dreamcut/0002_create_dreamcut_indexes =====
call pg_temp.dreamcut_db_apply('dreamcut', '0002_create_dreamcut_indexes', '67473cb66db87595a2d190b0f42170fe28b389085240bb8f45346597f80068e0', 'd82d3f53122785974a6174bca5a62e18a81796b646a42cf50509f0c24d49b044', $migration$
create index idx_dreamcut_queries_user_id on public.dreamcut_queries (user_id, created_at desc);
create index idx_dreamcut_queries_status on public.dreamcut_queries (status);
create unique index idx_dreamcut_assets_query_id_seq on public.dreamcut_assets (query_id, seq);
-- update_asset_progress called without p_query_id finds its asset by id alone.
create index idx_dreamcut_assets_id on public.dreamcut_assets (id);
create index idx_dreamcut_assets_status on public.dreamcut_assets (status);
create unique index idx_dreamcut_messages_query_id_seq on public.dreamcut_messages (query_id, seq);
create index idx_dreamcut_messages_asset_id on public.dreamcut_messages (query_id, asset_id);
$migration$);

-- ===== dreamcut/0003_enable_dreamcut_rls_policies =====
call pg_temp.dreamcut_db_apply('dreamcut', '0003_enable_dreamcut_rls_policies', 'ab6612bfad730fbc1714a466f8cf4462498b598168f3fe4bbbe25d980f909c01', 'f79fa37760714624cd833690bd2a08d3b4719d83e5681c993a71886ae73f3955', $migration$
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
$migration$);

-- ===== dreamcut/0004_create_dreamcut_trigger_functions =====
call pg_temp.dreamcut_db_apply('dreamcut', '0004_create_dreamcut_trigger_functions', '872cf3cd317aca4d3cf058ba8a884432e73adea41d0e535af4ada678d3ebd23a', 'ff5a79d6ac631f9c8a94dc9ea1dc633e36b3d9b7ffbeabe9bd712698488c2358', $migration$
create trigger trigger_dreamcut_queries_updated_at
before update on public.dreamcut_queries
for each row execute function dreamcut_private.update_updated_at_column();

create trigger trigger_dreamcut_assets_updated_at
before update on public.dreamcut_assets
for each row execute function dreamcut_private.update_updated_at_column();

-- ------------------------------------------------------------------------- positions (seq) of assets and messages

create function dreamcut_private.dreamcut_assets_assign_seq() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    -- Under the query row's lock, so two inserters of one query never take the same position.
    perform from public.dreamcut_queries as q where q.id = new.query_id for no key update;
    new.seq := (select coalesce(max(a.seq), 0) + 1 from public.dreamcut_assets as a where a.query_id = new.query_id);
    return new;
end
$$;
comment on function dreamcut_private.dreamcut_assets_assign_seq() is
'BEFORE INSERT trigger function on dreamcut_assets, for rows inserted without seq (initialize_dreamcut_query '
'passes the position in p_assets): locks the query row and gives the asset the next position of its query '
'(the largest seq + 1, or 1). Returns the row; raises nothing.';
revoke all on function dreamcut_private.dreamcut_assets_assign_seq() from public;

create trigger trigger_dreamcut_assets_assign_seq
before insert on public.dreamcut_assets
for each row
when (new.seq is null)
execute function dreamcut_private.dreamcut_assets_assign_seq();

create function dreamcut_private.dreamcut_messages_assign_seq() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    -- Under the query row's lock (already held by every function that writes messages), so the feed's order is
    -- the order in which the messages were written, whichever node or transaction writes them.
    perform from public.dreamcut_queries as q where q.id = new.query_id for no key update;
    new.seq := (select coalesce(max(m.seq), 0) + 1 from public.dreamcut_messages as m where m.query_id = new.query_id);
    return new;
end
$$;
comment on function dreamcut_private.dreamcut_messages_assign_seq() is
'BEFORE INSERT trigger function on dreamcut_messages, for rows inserted without seq: locks the query row and '
'gives the message the next position of its query''s feed (the largest seq + 1, or 1). Rows of one INSERT get '
'consecutive positions in their order. Returns the row; raises nothing.';
revoke all on function dreamcut_private.dreamcut_messages_assign_seq() from public;

create trigger trigger_dreamcut_messages_assign_seq
before insert on public.dreamcut_messages
for each row
when (new.seq is null)
execute function dreamcut_private.dreamcut_messages_assign_seq();

create function dreamcut_private.dreamcut_assets_release_messages() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    -- The document's "asset_id ... on delete set null", which a foreign key holding the distribution key cannot
    -- declare. Skipped when the whole query is being deleted (its messages go with it).
    if exists (select from public.dreamcut_queries as q where q.id = old.query_id) then
        update public.dreamcut_messages as m set asset_id = null
        where m.query_id = old.query_id and m.asset_id = old.id;
    end if;
    return old;
end
$$;
comment on function dreamcut_private.dreamcut_assets_release_messages() is
'BEFORE DELETE trigger function on dreamcut_assets: sets asset_id to null on the messages about the deleted '
'asset, which are kept (dreamcut-production-schema.md: asset_id ... on delete set null). Returns the row; '
'raises nothing.';
revoke all on function dreamcut_private.dreamcut_assets_release_messages() from public;

create trigger trigger_dreamcut_assets_release_messages
before delete on public.dreamcut_assets
for each row execute function dreamcut_private.dreamcut_assets_release_messages();

-- ------------------------------------------------------------------------------------- per-query asset counters

create function dreamcut_private.dreamcut_assets_refuse_move() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    raise exception 'asset % cannot move to another query (from % to %)', old.id, old.query_id, new.query_id
    using errcode = '55000';
end
$$;
comment on function dreamcut_private.dreamcut_assets_refuse_move() is
'BEFORE UPDATE OF query_id trigger function on dreamcut_assets, fired only when query_id changes: raises 55000. '
'An asset belongs to its query for good (query_id is the distribution key and the counters are per query).';
revoke all on function dreamcut_private.dreamcut_assets_refuse_move() from public;

create trigger trigger_dreamcut_assets_refuse_move
before update of query_id on public.dreamcut_assets
for each row
when (old.query_id is distinct from new.query_id)
execute function dreamcut_private.dreamcut_assets_refuse_move();

create function dreamcut_private.dreamcut_assets_count_insert() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_new record;
    v_status text;
    v_stage text;
begin
    -- One UPDATE per query, by its id, in id order (concurrent inserters lock queries in the same order). The
    -- UPDATE locks the row first, so the state checked is the committed one: an asset cannot join a query whose
    -- last asset has just finished.
    for v_new in
        select
            n.query_id,
            count(*) as assets,
            count(*) filter (where n.status in ('completed', 'failed')) as finished,
            sum(case when n.status = 'failed' then 100 else n.progress end) as progress
        from new_assets as n
        group by n.query_id
        order by n.query_id
    loop
        update public.dreamcut_queries as q
        set asset_count = q.asset_count + v_new.assets,
            assets_finished = q.assets_finished + v_new.finished,
            asset_progress_total = q.asset_progress_total + v_new.progress
        where q.id = v_new.query_id
        returning q.status, q.stage into v_status, v_stage;
        if v_status <> 'processing' or v_stage not in ('init', 'analyzing') then
            raise exception 'assets can only be added to a query that is still in stage init or analyzing '
                '(query % is % in stage %)', v_new.query_id, v_status, v_stage
            using errcode = '55000';
        end if;
    end loop;
    return null;
end
$$;
comment on function dreamcut_private.dreamcut_assets_count_insert() is
'Statement-level AFTER INSERT trigger function on dreamcut_assets (transition table new_assets): adds the new '
'assets to asset_count, assets_finished and asset_progress_total of each affected query, one UPDATE per query. '
'Raises 55000 when assets are added to a query that is finished or past stage analyzing.';
revoke all on function dreamcut_private.dreamcut_assets_count_insert() from public;

create trigger trigger_dreamcut_assets_count_insert
after insert on public.dreamcut_assets
referencing new table as new_assets
for each statement execute function dreamcut_private.dreamcut_assets_count_insert();

create function dreamcut_private.dreamcut_assets_count_delete() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_old record;
begin
    for v_old in
        select
            o.query_id,
            count(*) as assets,
            count(*) filter (where o.status in ('completed', 'failed')) as finished,
            sum(case when o.status = 'failed' then 100 else o.progress end) as progress
        from old_assets as o
        group by o.query_id
        order by o.query_id
    loop
        update public.dreamcut_queries as q
        set asset_count = q.asset_count - v_old.assets,
            assets_finished = q.assets_finished - v_old.finished,
            asset_progress_total = q.asset_progress_total - v_old.progress
        where q.id = v_old.query_id;
        -- Deleting the last unfinished assets finishes the analysis: the query moves to merging, once.
        update public.dreamcut_queries as q
        set stage = 'merging', progress = 90
        where q.id = v_old.query_id
            and q.status = 'processing' and q.stage in ('init', 'analyzing')
            and q.asset_count > 0 and q.assets_finished = q.asset_count;
        if found then
            insert into public.dreamcut_messages (query_id, type, emoji, content)
            values (v_old.query_id, 'merge', '🏁', 'Combining query + assets into creative brief...');
        end if;
    end loop;
    return null;
end
$$;
comment on function dreamcut_private.dreamcut_assets_count_delete() is
'Statement-level AFTER DELETE trigger function on dreamcut_assets (transition table old_assets): subtracts the '
'deleted assets from the counters of each affected query, one UPDATE per query; when only finished assets are '
'left, moves the query to merging with its merge message. Raises nothing.';
revoke all on function dreamcut_private.dreamcut_assets_count_delete() from public;

create trigger trigger_dreamcut_assets_count_delete
after delete on public.dreamcut_assets
referencing old table as old_assets
for each statement execute function dreamcut_private.dreamcut_assets_count_delete();

-- ------------------------------------------------------------------------------------------ completion detection

create function dreamcut_private.check_query_completion() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_finished_delta integer;
    v_progress_delta integer;
    v_merging boolean;
    v_wanted jsonb;
    v_duration jsonb;
begin
    v_finished_delta := (new.status in ('completed', 'failed'))::integer - (old.status in ('completed', 'failed'))::integer;
    v_progress_delta := (case when new.status = 'failed' then 100 else new.progress end)
        - (case when old.status = 'failed' then 100 else old.progress end);

    -- One row lock on the query serializes the assets of a query: exactly one update sees the last asset finish.
    update public.dreamcut_queries as q
    set assets_finished = q.assets_finished + v_finished_delta,
        asset_progress_total = q.asset_progress_total + v_progress_delta,
        stage = case
            when q.status <> 'processing' or q.stage not in ('init', 'analyzing') then q.stage
            when v_finished_delta > 0 and q.assets_finished + v_finished_delta = q.asset_count then 'merging'
            else 'analyzing'
        end,
        progress = case
            when q.status <> 'processing' or q.stage not in ('init', 'analyzing') then q.progress
            when v_finished_delta > 0 and q.assets_finished + v_finished_delta = q.asset_count then 90
            else greatest(q.progress, least(90, (q.asset_progress_total + v_progress_delta) * 90 / (greatest(q.asset_count, 1) * 100)))
        end
    where q.id = new.query_id
    returning q.stage = 'merging' and v_finished_delta > 0 and q.assets_finished = q.asset_count, q.options -> 'duration'
    into v_merging, v_wanted;

    if new.type = 'video' and new.status = 'completed' and old.status <> 'completed' then
        v_duration := coalesce(new.analysis -> 'duration', new.metadata -> 'duration');
        if jsonb_typeof(v_duration) = 'number' and jsonb_typeof(v_wanted) = 'number'
            and v_duration::numeric > v_wanted::numeric then
            insert into public.dreamcut_messages (query_id, type, emoji, content, asset_id, data)
            values (
                new.query_id, 'conflict', '⚠️',
                format('Video is %ss but you want %ss - I''ll trim it',
                    trim_scale(v_duration::numeric), trim_scale(v_wanted::numeric)),
                new.id,
                jsonb_build_object('duration', v_duration, 'wanted_duration', v_wanted, 'action', 'trim')
            );
        end if;
    end if;

    if v_merging then
        insert into public.dreamcut_messages (query_id, type, emoji, content)
        values (new.query_id, 'merge', '🏁', 'Combining query + assets into creative brief...');
    end if;
    return null;
end
$$;
comment on function dreamcut_private.check_query_completion() is
'AFTER UPDATE trigger function on dreamcut_assets (trigger_check_query_completion, dreamcut-production-schema.md '
'"Auto-Completion via Triggers"). Moves the asset''s counters into its query with one UPDATE of the query row '
'(constant cost whatever the number of assets), moves the query init -> analyzing on the first update and to '
'merging (progress 90) with the message "Combining query + assets into creative brief..." exactly once, when '
'the last asset completes or fails. When a video completes with analysis.duration (or metadata.duration, in '
'seconds) above the query''s options.duration, writes the conflict message "Video is Ns but you want Ms - I''ll '
'trim it". Raises nothing.';
revoke all on function dreamcut_private.check_query_completion() from public;

create trigger trigger_check_query_completion
after update on public.dreamcut_assets
for each row execute function dreamcut_private.check_query_completion();

-- ----------------------------------------------------------------------------------------------------- pg_notify
-- For plain-PostgreSQL listeners (dreamcut-db watch): small JSON payloads of ids, status and progress, never the
-- rows' JSON documents. Every trigger is skipped when the setting dreamcut.notify is 'off' (e.g. alter database
-- ... set dreamcut.notify = off on Supabase, where Realtime reads the publication supabase_realtime instead).

create function dreamcut_private.dreamcut_queries_notify() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    perform pg_notify(
        'dreamcut_queries:' || new.id,
        json_build_object('id', new.id, 'stage', new.stage, 'status', new.status, 'progress', new.progress)::text
    );
    return null;
end
$$;
comment on function dreamcut_private.dreamcut_queries_notify() is
'AFTER INSERT and AFTER UPDATE trigger function on dreamcut_queries: pg_notify on channel dreamcut_queries:<id> '
'with {id, stage, status, progress} (dreamcut-production-schema.md, channel 1). Raises nothing.';
revoke all on function dreamcut_private.dreamcut_queries_notify() from public;

create trigger trigger_dreamcut_queries_notify_insert
after insert on public.dreamcut_queries
for each row
when (current_setting('dreamcut.notify', true) is distinct from 'off')
execute function dreamcut_private.dreamcut_queries_notify();

create trigger trigger_dreamcut_queries_notify_update
after update on public.dreamcut_queries
for each row
when (
    -- three comparisons, not one of rows: a row comparison deparses to nested ORs that pg_dump restores flattened
    (old.stage is distinct from new.stage or old.status is distinct from new.status or old.progress is distinct from new.progress)
    and current_setting('dreamcut.notify', true) is distinct from 'off'
)
execute function dreamcut_private.dreamcut_queries_notify();

create function dreamcut_private.dreamcut_assets_notify_insert() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    -- initialize_dreamcut_query writes up to 1000 assets in one statement: one notification per query with the
    -- number of new assets, not one per asset.
    perform pg_notify(
        'dreamcut_assets:' || n.query_id,
        json_build_object('query_id', n.query_id, 'inserted', count(*))::text
    )
    from new_assets as n
    group by n.query_id;
    return null;
end
$$;
comment on function dreamcut_private.dreamcut_assets_notify_insert() is
'Statement-level AFTER INSERT trigger function on dreamcut_assets (transition table new_assets): one pg_notify per '
'query on channel dreamcut_assets:<query_id> with {query_id, inserted} (the number of new assets). Raises nothing.';
revoke all on function dreamcut_private.dreamcut_assets_notify_insert() from public;

create trigger trigger_dreamcut_assets_notify_insert
after insert on public.dreamcut_assets
referencing new table as new_assets
for each statement
when (current_setting('dreamcut.notify', true) is distinct from 'off')
execute function dreamcut_private.dreamcut_assets_notify_insert();

create function dreamcut_private.dreamcut_assets_notify_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    perform pg_notify(
        'dreamcut_assets:' || new.query_id,
        json_build_object('id', new.id, 'query_id', new.query_id, 'status', new.status, 'progress', new.progress)::text
    );
    return null;
end
$$;
comment on function dreamcut_private.dreamcut_assets_notify_update() is
'AFTER UPDATE trigger function on dreamcut_assets: pg_notify on channel dreamcut_assets:<query_id> with {id, '
'query_id, status, progress} (dreamcut-production-schema.md, channel 2). Raises nothing.';
revoke all on function dreamcut_private.dreamcut_assets_notify_update() from public;

create trigger trigger_dreamcut_assets_notify_update
after update on public.dreamcut_assets
for each row
when (current_setting('dreamcut.notify', true) is distinct from 'off')
execute function dreamcut_private.dreamcut_assets_notify_update();

create function dreamcut_private.dreamcut_messages_notify() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    perform pg_notify(
        'dreamcut_messages:' || new.query_id,
        json_build_object('id', new.id, 'query_id', new.query_id, 'seq', new.seq, 'type', new.type)::text
    );
    return null;
end
$$;
comment on function dreamcut_private.dreamcut_messages_notify() is
'AFTER INSERT trigger function on dreamcut_messages: pg_notify on channel dreamcut_messages:<query_id> with {id, '
'query_id, seq, type} (dreamcut-production-schema.md, channel 3). Raises nothing.';
revoke all on function dreamcut_private.dreamcut_messages_notify() from public;

create trigger trigger_dreamcut_messages_notify
after insert on public.dreamcut_messages
for each row
when (current_setting('dreamcut.notify', true) is distinct from 'off')
execute function dreamcut_private.dreamcut_messages_notify();
$migration$);

-- ===== dreamcut/0005_create_dreamcut_helper_functions =====
call pg_temp.dreamcut_db_apply('dreamcut', '0005_create_dreamcut_helper_functions', 'e9fca589fbc83da42655c50bc4a8781da53629e40a5b62319f6e120769915734', 'cb47fa825ded6dd345831634b73d501d56dda332ea280ae2094c53aea813175b', $migration$
create function dreamcut_private.assets_input_error(p_assets jsonb) returns text
language sql immutable
set search_path = ''
as $$
    -- One call per array, the rules inline per element: a function call per element would cost more than the
    -- rules themselves (PostgreSQL cannot inline a function with its own search_path).
    select format('p_assets[%s]: %s', e.ord - 1, e.error)
    from (
        select a.ord, case
            when jsonb_typeof(a.elem) is distinct from 'object' then
                'must be a JSON object, got ' || coalesce(jsonb_typeof(a.elem), 'nothing')
            when a.elem - array['url', 'filename', 'type', 'description', 'size', 'metadata'] <> '{}' then
                'unknown key ' || (
                    select quote_literal(min(k.key))
                    from jsonb_object_keys(a.elem - array['url', 'filename', 'type', 'description', 'size', 'metadata'])
                        as k (key)
                ) || ' (allowed: url, filename, type, description, size, metadata)'
            when jsonb_typeof(a.elem -> 'url') is distinct from 'string' or a.elem ->> 'url' !~ '\S' then
                'url is required (a non-empty string), got ' || coalesce((a.elem -> 'url')::text, 'nothing')
            when a.elem ->> 'type' is null or a.elem ->> 'type' not in ('image', 'video', 'audio') then
                'type must be one of image, video, audio, got ' || coalesce((a.elem -> 'type')::text, 'nothing')
            when coalesce(jsonb_typeof(a.elem -> 'filename'), 'null') not in ('string', 'null') then
                'filename must be a string, got ' || (a.elem -> 'filename')::text
            when coalesce(jsonb_typeof(a.elem -> 'description'), 'null') not in ('string', 'null') then
                'description must be a string, got ' || (a.elem -> 'description')::text
            when coalesce(jsonb_typeof(a.elem -> 'size'), 'null') not in ('number', 'null') then
                'size must be a whole number of bytes, got ' || (a.elem -> 'size')::text
            when jsonb_typeof(a.elem -> 'size') = 'number'
                and ((a.elem ->> 'size')::numeric < 0 or (a.elem ->> 'size')::numeric > 9223372036854775807
                    or (a.elem ->> 'size')::numeric <> trunc((a.elem ->> 'size')::numeric)) then
                'size must be a whole number of bytes between 0 and 9223372036854775807, got ' || (a.elem ->> 'size')
            when coalesce(jsonb_typeof(a.elem -> 'metadata'), 'null') not in ('object', 'null') then
                'metadata must be a JSON object, got ' || (a.elem -> 'metadata')::text
        end as error
        from jsonb_array_elements(p_assets) with ordinality as a (elem, ord)
    ) as e
    where e.error is not null
    order by e.ord
    limit 1
$$;
comment on function dreamcut_private.assets_input_error(jsonb) is
'Validates initialize_dreamcut_query''s p_assets (a JSON array; not checked here). Returns null when every '
'element is valid, else the reason for the first bad element, as text "p_assets[i]: <rule broken, with the '
'key and the bad value>" (i counted from 0). Raises nothing.';
revoke all on function dreamcut_private.assets_input_error(jsonb) from public;

create function public.initialize_dreamcut_query(
    p_user_id text,
    p_user_prompt text,
    p_intent text default null,
    p_options jsonb default '{}',
    p_assets jsonb default '[]'
) returns uuid
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
    v_query_id uuid;
    v_error text;
begin
    if p_user_id is null or p_user_id !~ '\S' then
        raise exception 'p_user_id is required, got %', coalesce(quote_literal(p_user_id), 'null')
        using errcode = '22023';
    end if;
    if length(p_user_id) > 255 then
        raise exception 'p_user_id must be at most 255 characters, got %', length(p_user_id)
        using errcode = '22023';
    end if;
    if dreamcut_private.api_caller_is_end_user() and p_user_id is distinct from (select auth.uid()::text) then
        raise exception 'p_user_id % is not the signed-in user (%): a user can only create queries for itself',
            quote_literal(p_user_id), coalesce((select auth.uid()::text), 'anonymous')
        using errcode = '42501';
    end if;
    if p_user_prompt is null or p_user_prompt !~ '\S' then
        raise exception 'p_user_prompt is required, got %', coalesce(quote_literal(p_user_prompt), 'null')
        using errcode = '22023';
    end if;
    if length(p_user_prompt) > 10000 then
        raise exception 'p_user_prompt must be at most 10000 characters, got %', length(p_user_prompt)
        using errcode = '22023';
    end if;
    if p_intent is not null and p_intent not in ('image', 'video', 'audio', 'mixed') then
        raise exception 'p_intent must be one of image, video, audio, mixed (or null), got %', quote_literal(p_intent)
        using errcode = '22023';
    end if;
    if p_options is not null and jsonb_typeof(p_options) <> 'object' then
        raise exception 'p_options must be a JSON object, got %', jsonb_typeof(p_options)
        using errcode = '22023';
    end if;
    if octet_length(p_options::text) > 16384 then
        raise exception 'p_options must be at most 16384 bytes as JSON text, got %', octet_length(p_options::text)
        using errcode = '22023';
    end if;
    if p_assets is not null and jsonb_typeof(p_assets) <> 'array' then
        raise exception 'p_assets must be a JSON array, got %', jsonb_typeof(p_assets)
        using errcode = '22023';
    end if;
    if jsonb_array_length(coalesce(p_assets, '[]')) > 1000 then
        raise exception 'p_assets holds % assets; at most 1000 are allowed', jsonb_array_length(p_assets)
        using errcode = '22023';
    end if;
    if octet_length(p_assets::text) > 1048576 then
        raise exception 'p_assets must be at most 1048576 bytes (1 MiB) as JSON text, got %', octet_length(p_assets::text)
        using errcode = '22023';
    end if;
    v_error := dreamcut_private.assets_input_error(coalesce(p_assets, '[]'));
    if v_error is not null then
        raise exception '%', v_error using errcode = '22023';
    end if;

    insert into public.dreamcut_queries (user_id, user_prompt, intent, options)
    values (p_user_id, p_user_prompt, p_intent, coalesce(p_options, '{}'))
    returning id into v_query_id;

    insert into public.dreamcut_messages (query_id, seq, type, emoji, content)
    values (v_query_id, 1, 'status', '🎬', 'Got your request. Let''s break it down...');

    insert into public.dreamcut_assets (query_id, seq, url, filename, type, user_description, file_size_bytes, metadata)
    select
        v_query_id,
        a.ord,
        a.elem ->> 'url',
        a.elem ->> 'filename',
        a.elem ->> 'type',
        a.elem ->> 'description',
        (a.elem ->> 'size')::numeric::bigint,
        coalesce(nullif(a.elem -> 'metadata', 'null'), '{}')
    from jsonb_array_elements(coalesce(p_assets, '[]')) with ordinality as a (elem, ord)
    order by a.ord;

    if not found then
        -- Nothing to analyze: the query goes straight to the merge.
        update public.dreamcut_queries set stage = 'merging', progress = 90 where id = v_query_id;
        insert into public.dreamcut_messages (query_id, seq, type, emoji, content)
        values (v_query_id, 2, 'merge', '🏁', 'Combining query + assets into creative brief...');
    end if;
    return v_query_id;
end
$$;
comment on function public.initialize_dreamcut_query(text, text, text, jsonb, jsonb) is
'Starts a director analysis (dreamcut-production-schema.md, "On Query Submit"). '
'p_user_id: owner (text of at most 255 characters; a signed-in caller may only pass its own auth.uid()); '
'p_user_prompt: non-empty text of at most 10000 characters; '
'p_intent: image | video | audio | mixed | null; p_options: JSON object of at most 16384 bytes as JSON '
'text, e.g. {"duration": 30} (seconds), {"aspect_ratio": "16:9"}; p_assets: JSON array of at most 1000 objects '
'and 1048576 bytes (1 MiB) as JSON text, each {url (required), type '
'(image|video|audio, required), filename, description, size (bytes), metadata (object)}. '
'Returns the new query id (uuid). Writes the query, one asset per element in order, and the message '
'"Got your request. Let''s break it down..." (emoji 🎬); with no assets the query goes straight to merging. '
'Errors: 22023 bad parameter (message names it and the value, p_assets[i] for an element), 42501 when a '
'signed-in user passes another user id. Writes nothing on error. Security definer: users have no INSERT grant.';
revoke all on function public.initialize_dreamcut_query(text, text, text, jsonb, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.initialize_dreamcut_query(text, text, text, jsonb, jsonb) to authenticated, service_role;

create function public.update_asset_progress(
    p_asset_id uuid,
    p_progress integer default null,
    p_status text default null,
    p_analysis jsonb default null,
    p_model_used text default null,
    p_message text default null,
    p_message_type text default null,
    p_emoji text default null,
    p_worker_id text default null,
    p_processing_time_ms integer default null,
    p_error_message text default null,
    p_quality_score numeric default null,
    p_confidence_score numeric default null,
    p_query_id uuid default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_asset public.dreamcut_assets%rowtype;
    v_query_status text;
    v_status text;
    v_progress integer;
    v_analyzed_at timestamptz;
    v_seq bigint;
    v_analysis jsonb;
    v_analysis_bytes integer;
begin
    if p_asset_id is null then
        raise exception 'p_asset_id is required' using errcode = '22023';
    end if;
    if p_progress is not null and (p_progress < 0 or p_progress > 100) then
        raise exception 'p_progress must be between 0 and 100, got %', p_progress using errcode = '22023';
    end if;
    if p_status is not null and p_status not in ('pending', 'analyzing', 'completed', 'failed') then
        raise exception 'p_status must be one of pending, analyzing, completed, failed, got %', quote_literal(p_status)
        using errcode = '22023';
    end if;
    if p_analysis is not null and jsonb_typeof(p_analysis) <> 'object' then
        raise exception 'p_analysis must be a JSON object, got %', jsonb_typeof(p_analysis) using errcode = '22023';
    end if;
    if p_message is not null and p_message !~ '\S' then
        raise exception 'p_message must not be empty' using errcode = '22023';
    end if;
    if length(p_message) > 4000 or length(p_error_message) > 4000 then
        raise exception 'p_message and p_error_message must be at most 4000 characters, got % and %',
            length(p_message), length(p_error_message)
        using errcode = '22023';
    end if;
    if p_message_type is not null and p_message_type not in (
        'status', 'asset_start', 'asset_progress', 'asset_complete', 'merge', 'final', 'conflict', 'suggestion', 'error'
    ) then
        raise exception 'p_message_type must be one of status, asset_start, asset_progress, asset_complete, merge, '
            'final, conflict, suggestion, error, got %', quote_literal(p_message_type)
        using errcode = '22023';
    end if;
    if p_processing_time_ms < 0 then
        raise exception 'p_processing_time_ms must be >= 0, got %', p_processing_time_ms using errcode = '22023';
    end if;
    if p_quality_score not between 0 and 1 or p_confidence_score not between 0 and 1 then
        raise exception 'p_quality_score and p_confidence_score must be between 0 and 1, got % and %',
            p_quality_score, p_confidence_score
        using errcode = '22023';
    end if;

    -- Only the columns the checks need: a PL/pgSQL variable holds a TOASTed value detoasted, and analysis may be
    -- large.
    if p_query_id is null then
        select a.query_id, a.status, a.progress into v_asset.query_id, v_asset.status, v_asset.progress
        from public.dreamcut_assets as a where a.id = p_asset_id for update;
    else
        select a.query_id, a.status, a.progress into v_asset.query_id, v_asset.status, v_asset.progress
        from public.dreamcut_assets as a where a.query_id = p_query_id and a.id = p_asset_id for update;
    end if;
    if not found then
        raise exception 'asset % not found (p_asset_id)%', p_asset_id,
            case when p_query_id is not null then format(' in query %s (p_query_id)', p_query_id) else '' end
        using errcode = 'P0002';
    end if;
    if v_asset.status in ('completed', 'failed') then
        raise exception 'asset % is already %: a finished asset cannot change', p_asset_id, v_asset.status
        using errcode = '55000';
    end if;
    -- Lock the query row now (check_query_completion updates it anyway, after this asset's lock: the same
    -- order for every worker) so that a fail_dreamcut_query committed meanwhile is seen, not overwritten.
    select q.status into v_query_status from public.dreamcut_queries as q where q.id = v_asset.query_id
    for no key update;
    if v_query_status <> 'processing' then
        raise exception 'query % of asset % is already %: its assets cannot change', v_asset.query_id, p_asset_id,
            v_query_status
        using errcode = '55000';
    end if;

    v_status := coalesce(p_status, v_asset.status);
    if v_status = 'pending' and v_asset.status = 'analyzing' then
        raise exception 'asset % is analyzing: p_status cannot move back to pending', p_asset_id
        using errcode = '55000';
    end if;
    v_progress := coalesce(p_progress, case when v_status = 'completed' then 100 else v_asset.progress end);
    if v_status = 'completed' and v_progress <> 100 then
        raise exception 'p_progress must be 100 when p_status is completed, got %', v_progress using errcode = '22023';
    end if;
    if v_progress < v_asset.progress then
        raise exception 'p_progress % is below the current progress % of asset %: progress cannot go back',
            v_progress, v_asset.progress, p_asset_id
        using errcode = '55000';
    end if;
    if v_status in ('completed', 'failed') then
        v_analyzed_at := now();
    end if;
    if p_analysis is not null then
        -- Bounded below what Supabase Realtime delivers (max_record_bytes, 1 MiB per record as JSON): a larger
        -- analysis would reach subscribers as "413 Payload Too Large" on every later update of the asset.
        select a.analysis || p_analysis into v_analysis
        from public.dreamcut_assets as a where a.query_id = v_asset.query_id and a.id = p_asset_id;
        v_analysis_bytes := octet_length(v_analysis::text);
        if v_analysis_bytes > 524288 then
            raise exception 'p_analysis: the analysis of asset % would be % bytes as JSON text; at most 524288 '
                '(512 KiB) are allowed', p_asset_id, v_analysis_bytes
            using errcode = '22023';
        end if;
    end if;

    if p_message is not null then
        -- Its position: the query row is locked (above). A value, not a subquery in VALUES (Citus refuses those).
        v_seq := (select coalesce(max(m.seq), 0) + 1 from public.dreamcut_messages as m where m.query_id = v_asset.query_id);
        insert into public.dreamcut_messages (query_id, seq, type, emoji, content, asset_id)
        values (
            v_asset.query_id,
            v_seq,
            coalesce(p_message_type, case
                when v_status = 'completed' then 'asset_complete'
                when v_status = 'failed' then 'error'
                when v_asset.status = 'pending' then 'asset_start'
                else 'asset_progress'
            end),
            p_emoji,
            p_message,
            p_asset_id
        );
    end if;

    update public.dreamcut_assets
    set status = v_status,
        progress = v_progress,
        -- Written only when p_analysis is given: an unchanged (TOASTed) value is neither rewritten nor re-sent.
        analysis = coalesce(v_analysis, analysis),
        model_used = coalesce(p_model_used, model_used),
        worker_id = coalesce(p_worker_id, worker_id),
        processing_time_ms = coalesce(p_processing_time_ms, processing_time_ms),
        error_message = coalesce(p_error_message, error_message),
        quality_score = coalesce(p_quality_score, quality_score),
        confidence_score = coalesce(p_confidence_score, confidence_score),
        analyzed_at = coalesce(v_analyzed_at, analyzed_at)
    where query_id = v_asset.query_id and id = p_asset_id;
end
$$;
comment on function public.update_asset_progress(uuid, integer, text, jsonb, text, text, text, text, text, integer, text, numeric, numeric, uuid) is
'Worker update of one asset (dreamcut-production-schema.md, "Asset Analysis (Parallel Workers)"). '
'p_asset_id: the asset; p_progress: 0..100, never below the current value (100 implied by completed); '
'p_status: pending -> analyzing -> completed | failed (a finished asset cannot change); p_analysis: JSON object '
'shallow-merged into the asset''s analysis (a video''s "duration" in seconds feeds conflict detection); the '
'merged analysis may hold at most 524288 bytes (512 KiB) as JSON text; analysis is written only when p_analysis '
'is given; '
'p_model_used, p_worker_id: text; p_message (at most 4000 characters), p_message_type, p_emoji: the director message to write first '
'(type defaults from the status: asset_start, asset_progress, asset_complete, error); p_processing_time_ms: '
'milliseconds >= 0; p_error_message: text of at most 4000 characters; p_quality_score, p_confidence_score: 0..1; p_query_id: the asset''s '
'query, optional (workers that know it pass it: the asset is then found by its distribution key, query_id, and '
'an asset of another query is not found). Returns nothing. The '
'trigger check_query_completion then updates the query (init -> analyzing, progress, merging once all assets '
'are finished). Errors: 22023 bad parameter (and an analysis above 512 KiB), P0002 unknown asset (or not of p_query_id), 55000 finished asset '
'or query, status or '
'progress moving back. Writes nothing on error. Executable by service_role only.';
revoke all on function public.update_asset_progress(uuid, integer, text, jsonb, text, text, text, text, text, integer, text, numeric, numeric, uuid) from public, anon, authenticated, service_role;
grant execute on function public.update_asset_progress(uuid, integer, text, jsonb, text, text, text, text, text, integer, text, numeric, numeric, uuid) to service_role;

create function public.complete_dreamcut_query(
    p_query_id uuid,
    p_payload jsonb,
    p_processing_time_ms integer default null,
    p_models_used text[] default null,
    p_cost_estimate numeric default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_query public.dreamcut_queries%rowtype;
    v_assets text;
    v_directions text;
    -- The clock, not now(): this transaction may have begun before the query was created.
    v_completed_at timestamptz := clock_timestamp();
begin
    if p_query_id is null then
        raise exception 'p_query_id is required' using errcode = '22023';
    end if;
    if p_payload is null or jsonb_typeof(p_payload) <> 'object' then
        raise exception 'p_payload must be a JSON object, got %', coalesce(jsonb_typeof(p_payload), 'null')
        using errcode = '22023';
    end if;
    if octet_length(p_payload::text) > 524288 then
        raise exception 'p_payload must be at most 524288 bytes (512 KiB) as JSON text, got %',
            octet_length(p_payload::text)
        using errcode = '22023';
    end if;
    if coalesce(jsonb_typeof(p_payload -> 'intent'), 'null') not in ('string', 'null')
        or coalesce(jsonb_typeof(p_payload -> 'assets_summary'), 'null') not in ('string', 'null') then
        raise exception 'p_payload.intent and p_payload.assets_summary must be strings' using errcode = '22023';
    end if;
    if coalesce(jsonb_typeof(p_payload -> 'suggested_directions'), 'null') not in ('array', 'null')
        or exists (
            select from jsonb_array_elements(
                case when jsonb_typeof(p_payload -> 'suggested_directions') = 'array'
                    then p_payload -> 'suggested_directions' else '[]' end
            ) as d (direction)
            where jsonb_typeof(d.direction) <> 'string'
        ) then
        raise exception 'p_payload.suggested_directions must be an array of strings, got %',
            p_payload -> 'suggested_directions'
        using errcode = '22023';
    end if;
    if p_processing_time_ms < 0 then
        raise exception 'p_processing_time_ms must be >= 0, got %', p_processing_time_ms using errcode = '22023';
    end if;
    if p_cost_estimate < 0 or p_cost_estimate = 'NaN' then
        raise exception 'p_cost_estimate must be a number >= 0, got %', p_cost_estimate using errcode = '22023';
    end if;

    select * into v_query from public.dreamcut_queries where id = p_query_id for update;
    if not found then
        raise exception 'query % not found (p_query_id)', p_query_id using errcode = 'P0002';
    end if;
    if v_query.status <> 'processing' then
        raise exception 'query % is already %', p_query_id, v_query.status using errcode = '55000';
    end if;
    if v_query.stage <> 'merging' then
        raise exception 'query % is in stage %: it can be completed once every asset has finished (stage merging)',
            p_query_id, v_query.stage
        using errcode = '55000';
    end if;

    v_assets := coalesce(p_payload ->> 'assets_summary', (
        select string_agg(
            t.n || ' ' || t.type || case when t.n > 1 and t.type <> 'audio' then 's' else '' end, ', '
            order by array_position(array['image', 'video', 'audio'], t.type)
        )
        from (
            select a.type, count(*) as n from public.dreamcut_assets as a where a.query_id = p_query_id group by a.type
        ) as t
    ));
    select string_agg(d.direction, ', ' order by d.ord) into v_directions
    from jsonb_array_elements_text(coalesce(p_payload -> 'suggested_directions', '[]')) with ordinality as d (direction, ord);

    insert into public.dreamcut_messages (query_id, type, emoji, content, data)
    select p_query_id, m.type, m.emoji, m.content, m.data
    from (
        values
        (1, 'final', '🎬', 'Creative brief ready 🎬', '{}'::jsonb),
        (2, 'final', '🎯', '- Intent: ' || coalesce(p_payload ->> 'intent', v_query.intent), '{}'),
        (3, 'final', '📁', '- Assets: ' || v_assets, '{}'),
        (4, 'suggestion', '💡', '- Suggested directions: ' || v_directions,
            jsonb_build_object('suggested_directions', p_payload -> 'suggested_directions')),
        (5, 'final', '🚀', 'Ready for production!', '{}')
    ) as m (ord, type, emoji, content, data)
    where m.content is not null
    order by m.ord;

    update public.dreamcut_queries
    set status = 'completed',
        stage = 'done',
        progress = 100,
        payload = p_payload,
        processing_time_ms = p_processing_time_ms,
        models_used = p_models_used,
        cost_estimate = p_cost_estimate,
        completed_at = greatest(v_completed_at, created_at)
    where id = p_query_id;
end
$$;
comment on function public.complete_dreamcut_query(uuid, jsonb, integer, text[], numeric) is
'Completes a query with its creative brief (dreamcut-production-schema.md, "Final Synthesis"). '
'p_query_id: a query in stage merging; p_payload: the final analyzer JSON object (at most 524288 bytes, 512 KiB, as JSON text), whose optional "intent" '
'(string), "assets_summary" (string; default: counts by type) and "suggested_directions" (array of strings) '
'feed the messages; p_processing_time_ms: milliseconds >= 0; p_models_used: text[]; p_cost_estimate: US '
'dollars >= 0 (not NaN). Returns nothing. Sets status completed, stage done, progress 100, completed_at, and writes '
'"Creative brief ready 🎬", "- Intent: ...", "- Assets: ...", "- Suggested directions: ...", '
'"Ready for production!". Errors: 22023 bad parameter, P0002 unknown query, 55000 query not in stage merging '
'or already finished. Writes nothing on error. Executable by service_role only.';
revoke all on function public.complete_dreamcut_query(uuid, jsonb, integer, text[], numeric) from public, anon, authenticated, service_role;
grant execute on function public.complete_dreamcut_query(uuid, jsonb, integer, text[], numeric) to service_role;

create function public.fail_dreamcut_query(p_query_id uuid, p_error_message text) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_status text;
    -- The clock, not now(): this transaction may have begun before the query was created.
    v_completed_at timestamptz := clock_timestamp();
begin
    if p_query_id is null then
        raise exception 'p_query_id is required' using errcode = '22023';
    end if;
    if p_error_message is null or p_error_message !~ '\S' then
        raise exception 'p_error_message is required, got %', coalesce(quote_literal(p_error_message), 'null')
        using errcode = '22023';
    end if;
    if length(p_error_message) > 4000 then
        raise exception 'p_error_message must be at most 4000 characters, got %', length(p_error_message)
        using errcode = '22023';
    end if;
    select status into v_status from public.dreamcut_queries where id = p_query_id for update;
    if not found then
        raise exception 'query % not found (p_query_id)', p_query_id using errcode = 'P0002';
    end if;
    if v_status <> 'processing' then
        raise exception 'query % is already %', p_query_id, v_status using errcode = '55000';
    end if;
    insert into public.dreamcut_messages (query_id, type, emoji, content)
    values (p_query_id, 'error', '❌', p_error_message);
    update public.dreamcut_queries
    set status = 'failed', error_message = p_error_message, completed_at = greatest(v_completed_at, created_at)
    where id = p_query_id;
end
$$;
comment on function public.fail_dreamcut_query(uuid, text) is
'Fails a query that is still processing (dreamcut-production-schema.md, "Error handling: failed analyses '
'tracked and reported"). p_query_id: the query; p_error_message: non-empty text of at most 4000 characters shown to the user. Returns '
'nothing. Sets status failed, error_message and completed_at (stage is kept, showing where it failed) and '
'writes an error message (emoji ❌). Errors: 22023 bad parameter, P0002 unknown query, 55000 already finished. '
'Writes nothing on error. Executable by service_role only.';
revoke all on function public.fail_dreamcut_query(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.fail_dreamcut_query(uuid, text) to service_role;
$migration$);

-- ===== dreamcut/0006_enable_dreamcut_realtime_publication =====
call pg_temp.dreamcut_db_apply('dreamcut', '0006_enable_dreamcut_realtime_publication', '09196581879fcab022afeea1763d0a628b31f92460785f4c460fef3edb755a0a', '4e15e6445c8f3817cfad239c13a62dad1d8d5b3a2231286b239de9e081dd8687', $migration$
alter publication supabase_realtime add table public.dreamcut_queries, public.dreamcut_assets, public.dreamcut_messages;
$migration$);

-- ===== multimedia/0001_create_multimedia_sessions =====
call pg_temp.dreamcut_db_apply('multimedia', '0001_create_multimedia_sessions', 'bbe1f9ece99b35e8513c6da61bfb3ea78801d08c849d04ca03d452336a7ea816', 'ee72e6e447aa9265dd7c696e5f1b7c9fe4835a2866484e928ca31e85938f34a8', $migration$
insert into dreamcut_private.installed_modules (module) values ('multimedia');

create table public.mm_multimedia_sessions (
    session_id uuid not null default gen_random_uuid(),
    content_id uuid not null,
    company_id uuid not null references public.companies (id),
    session_type text not null default 'full_generation' check (
        session_type in ('full_generation', 'section_video', 'audio_only', 'slides_only', 'regeneration')
    ),
    module_name text not null check (btrim(module_name) <> ''),
    employee_name text,
    generation_config jsonb not null default '{}' check (jsonb_typeof(generation_config) = 'object'),
    content_sections text[] not null default '{}' check (content_sections <@ public.cm_content_sections()),
    status text not null default 'started' check (status in ('started', 'processing', 'completed', 'failed')),
    current_stage text,
    progress_percentage numeric(5, 2) not null default 0 check (progress_percentage between 0 and 100),
    total_assets_generated integer not null default 0 check (total_assets_generated >= 0),
    slides_generated integer not null default 0 check (slides_generated >= 0),
    audio_files_generated integer not null default 0 check (audio_files_generated >= 0),
    video_files_generated integer not null default 0 check (video_files_generated >= 0),
    processing_duration_seconds integer check (processing_duration_seconds >= 0),
    started_at timestamptz not null default now(),
    completed_at timestamptz,
    check ((status in ('completed', 'failed')) = (completed_at is not null)),
    check (completed_at >= started_at),
    check (slides_generated + audio_files_generated + video_files_generated <= total_assets_generated),
    primary key (company_id, session_id),
    unique (company_id, session_id, content_id),
    foreign key (company_id, content_id) references public.cm_module_content (company_id, content_id)
    on delete cascade
);
comment on table public.mm_multimedia_sessions is
'A multimedia generation session for a module''s content (video-pipeline-content-multimedia.md, mm_*, table 1). '
'A signed-in user sees and writes only the sessions of the company in its JWT claim app_metadata.company_id.';
comment on column public.mm_multimedia_sessions.company_id is
'The content''s company (the foreign key keeps them equal); RLS compares it with app_metadata.company_id.';
comment on column public.mm_multimedia_sessions.status is
'started -> processing -> completed | failed (started may finish directly); a finished session stays finished.';
comment on column public.mm_multimedia_sessions.progress_percentage is 'Progress 0..100; never goes down; 100 when completed.';
comment on column public.mm_multimedia_sessions.total_assets_generated is
'Assets of the session whose status is not failed (kept by trigger; cannot be written directly).';
comment on column public.mm_multimedia_sessions.slides_generated is 'Of those, assets of type slide (kept by trigger).';
comment on column public.mm_multimedia_sessions.audio_files_generated is 'Of those, assets of type audio (kept by trigger).';
comment on column public.mm_multimedia_sessions.video_files_generated is 'Of those, assets of type video (kept by trigger).';
comment on column public.mm_multimedia_sessions.processing_duration_seconds is
'Total processing time in seconds; set from started_at when the session finishes unless given.';
create index idx_mm_multimedia_sessions_content_id on public.mm_multimedia_sessions (company_id, content_id);
create index idx_mm_multimedia_sessions_company_id on public.mm_multimedia_sessions (company_id, started_at desc);
create index idx_mm_multimedia_sessions_session_id on public.mm_multimedia_sessions (session_id);
create index idx_mm_multimedia_sessions_status on public.mm_multimedia_sessions (status);

call dreamcut_private.enable_company_isolation('public.mm_multimedia_sessions');

create function dreamcut_private.mm_multimedia_session_new() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if (new.total_assets_generated, new.slides_generated, new.audio_files_generated, new.video_files_generated)
        <> (0, 0, 0, 0) then
        raise exception 'the asset counters of a session are kept by trigger: a new session starts at 0'
        using errcode = '22023';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.mm_multimedia_session_new() is
'BEFORE INSERT trigger function on mm_multimedia_sessions (video-pipeline-content-multimedia.md, "Status '
'tracking"): a new session''s asset counters start at 0 (22023 otherwise). Returns the row.';
revoke all on function dreamcut_private.mm_multimedia_session_new() from public;

create trigger trigger_mm_multimedia_sessions_new
before insert on public.mm_multimedia_sessions
for each row execute function dreamcut_private.mm_multimedia_session_new();

create function dreamcut_private.mm_multimedia_session_workflow() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    -- The counting trigger on the assets updates them one trigger level down.
    if pg_trigger_depth() < 2 and (
        new.total_assets_generated, new.slides_generated, new.audio_files_generated, new.video_files_generated
    ) is distinct from (
        old.total_assets_generated, old.slides_generated, old.audio_files_generated, old.video_files_generated
    ) then
        raise exception 'the asset counters of session % are kept by trigger and cannot be set', old.session_id
        using errcode = '22023';
    end if;
    if old.status in ('completed', 'failed') and (new.status, new.progress_percentage, new.current_stage)
        is distinct from (old.status, old.progress_percentage, old.current_stage) then
        raise exception 'multimedia session % is already %: its status and progress cannot change',
            old.session_id, old.status
        using errcode = '55000';
    end if;
    if (old.status, new.status) not in (
        ('started', 'started'), ('started', 'processing'), ('started', 'completed'), ('started', 'failed'),
        ('processing', 'processing'), ('processing', 'completed'), ('processing', 'failed'),
        ('completed', 'completed'), ('failed', 'failed')
    ) then
        raise exception 'multimedia session % cannot move from status % to % (started -> processing -> '
            'completed | failed)', old.session_id, old.status, new.status
        using errcode = '55000';
    end if;
    if new.progress_percentage < old.progress_percentage then
        raise exception 'progress of multimedia session % cannot go back from % to %', old.session_id,
            old.progress_percentage, new.progress_percentage
        using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.mm_multimedia_session_workflow() is
'BEFORE UPDATE trigger function on mm_multimedia_sessions (video-pipeline-content-multimedia.md, "Status '
'tracking"). Status moves started -> processing -> completed | failed (started may finish directly); a finished '
'session keeps its status, progress and stage; progress never goes down (55000). The asset counters change only '
'through the assets'' counting triggers (22023). Returns the row.';
revoke all on function dreamcut_private.mm_multimedia_session_workflow() from public;

create trigger trigger_mm_multimedia_sessions_workflow
before update on public.mm_multimedia_sessions
for each row execute function dreamcut_private.mm_multimedia_session_workflow();

create function dreamcut_private.mm_multimedia_session_finish() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.status = 'completed' then
        new.progress_percentage := 100;
    end if;
    if new.status in ('completed', 'failed') then
        new.completed_at := coalesce(new.completed_at, greatest(now(), new.started_at));
        new.processing_duration_seconds := coalesce(
            new.processing_duration_seconds, round(extract(epoch from new.completed_at - new.started_at))::integer
        );
    end if;
    return new;
end
$$;
comment on function dreamcut_private.mm_multimedia_session_finish() is
'BEFORE INSERT OR UPDATE trigger function on mm_multimedia_sessions, after the checks (triggers fire in name '
'order: _new, _workflow, then _workflow_finish): on completion progress becomes 100; on completion or failure '
'completed_at is set (now) and processing_duration_seconds (seconds since started_at) unless given. Returns the '
'row.';
revoke all on function dreamcut_private.mm_multimedia_session_finish() from public;

create trigger trigger_mm_multimedia_sessions_workflow_finish
before insert or update on public.mm_multimedia_sessions
for each row execute function dreamcut_private.mm_multimedia_session_finish();

create function public.create_multimedia_session(
    p_content_id uuid,
    p_module_name text default null,
    p_employee_name text default null,
    p_session_type text default 'full_generation',
    p_generation_config jsonb default '{}',
    p_content_sections text[] default null,
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_content record;
    v_session_id uuid;
begin
    if p_content_id is null then
        raise exception 'p_content_id is required' using errcode = '22023';
    end if;
    if p_module_name is not null and btrim(p_module_name) = '' then
        raise exception 'p_module_name must not be blank' using errcode = '22023';
    end if;
    if p_session_type is null
        or p_session_type not in ('full_generation', 'section_video', 'audio_only', 'slides_only', 'regeneration') then
        raise exception 'p_session_type must be one of full_generation, section_video, audio_only, slides_only, '
            'regeneration, got %', coalesce(quote_literal(p_session_type), 'null')
        using errcode = '22023';
    end if;
    if p_generation_config is not null and jsonb_typeof(p_generation_config) <> 'object' then
        raise exception 'p_generation_config must be a JSON object, got %', jsonb_typeof(p_generation_config)
        using errcode = '22023';
    end if;
    if not p_content_sections <@ public.cm_content_sections() then
        raise exception 'p_content_sections must hold sections of %, got %', public.cm_content_sections(),
            p_content_sections
        using errcode = '22023';
    end if;
    select content_id, company_id, module_name, employee_name into v_content
    from public.cm_module_content
    where content_id = p_content_id and (p_company_id is null or company_id = p_company_id);
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;

    insert into public.mm_multimedia_sessions (
        content_id, company_id, session_type, module_name, employee_name, generation_config, content_sections,
        current_stage
    )
    values (
        p_content_id, v_content.company_id, p_session_type, coalesce(p_module_name, v_content.module_name),
        coalesce(p_employee_name, v_content.employee_name), coalesce(p_generation_config, '{}'),
        coalesce(p_content_sections, public.cm_content_sections()), 'initialization'
    )
    returning session_id into v_session_id;
    return v_session_id;
end
$$;
comment on function public.create_multimedia_session(uuid, text, text, text, jsonb, text[], uuid) is
'Starts a multimedia generation session for a module''s content (video-pipeline-content-multimedia.md, "Multimedia '
'Generation Workflow" step 1, create_multimedia_session). p_content_id: the content (its company is the '
'session''s); p_module_name, p_employee_name: default the content''s; p_session_type: full_generation | '
'section_video | audio_only | slides_only | regeneration; p_generation_config: JSON object; p_content_sections: '
'text[] of sections to generate (default all of cm_content_sections()); p_company_id: optional, the content''s '
'company (the distribution key; without it the content is found by its id alone). Returns the new session_id '
'(uuid); status started, stage initialization, progress 0, counters 0. Errors: 22023 bad parameter, P0002 unknown '
'content (or another company''s). Writes nothing on error.';
revoke all on function public.create_multimedia_session(uuid, text, text, text, jsonb, text[], uuid)
from public, anon, authenticated, service_role;
grant execute on function public.create_multimedia_session(uuid, text, text, text, jsonb, text[], uuid)
to authenticated, service_role;

create function public.get_multimedia_session(p_session_id uuid, p_company_id uuid default null)
returns public.mm_multimedia_sessions
language plpgsql stable
set search_path = ''
as $$
declare
    v_row public.mm_multimedia_sessions;
begin
    select * into v_row from public.mm_multimedia_sessions
    where session_id = p_session_id and (p_company_id is null or company_id = p_company_id);
    if not found then
        raise exception 'multimedia session % not found (p_session_id)', p_session_id using errcode = 'P0002';
    end if;
    return v_row;
end
$$;
comment on function public.get_multimedia_session(uuid, uuid) is
'A multimedia session (video-pipeline-content-multimedia.md, mm_multimedia_sessions: status, stage, progress and '
'counters). p_session_id: the session; p_company_id: optional, its company (the distribution key; without it the '
'session is found by its id alone). Returns the mm_multimedia_sessions row. Errors: P0002 unknown session (or '
'another company''s). The session and asset procedures look their session up through it.';
revoke all on function public.get_multimedia_session(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_multimedia_session(uuid, uuid) to authenticated, service_role;

create function public.update_session_status(
    p_session_id uuid,
    p_status text default null,
    p_progress_percentage double precision default null,
    p_current_stage text default null,
    p_processing_duration_seconds integer default null,
    p_company_id uuid default null
) returns public.mm_multimedia_sessions
language plpgsql volatile
set search_path = ''
as $$
declare
    v_row public.mm_multimedia_sessions;
begin
    if p_session_id is null then
        raise exception 'p_session_id is required' using errcode = '22023';
    end if;
    if p_status is not null and p_status not in ('started', 'processing', 'completed', 'failed') then
        raise exception 'p_status must be one of started, processing, completed, failed, got %', quote_literal(p_status)
        using errcode = '22023';
    end if;
    if p_progress_percentage is not null and not p_progress_percentage between 0 and 100 then
        raise exception 'p_progress_percentage must be between 0 and 100, got %', p_progress_percentage
        using errcode = '22023';
    end if;
    if p_current_stage is not null and btrim(p_current_stage) = '' then
        raise exception 'p_current_stage must not be blank' using errcode = '22023';
    end if;
    if p_processing_duration_seconds < 0 then
        raise exception 'p_processing_duration_seconds must be >= 0, got %', p_processing_duration_seconds
        using errcode = '22023';
    end if;
    if num_nonnulls(p_status, p_progress_percentage, p_current_stage, p_processing_duration_seconds) = 0 then
        raise exception 'nothing to update: give p_status, p_progress_percentage, p_current_stage or '
            'p_processing_duration_seconds'
        using errcode = '22023';
    end if;
    update public.mm_multimedia_sessions
    set status = coalesce(p_status, status),
        progress_percentage = coalesce(p_progress_percentage, progress_percentage),
        current_stage = coalesce(p_current_stage, current_stage),
        processing_duration_seconds = coalesce(p_processing_duration_seconds, processing_duration_seconds)
    where session_id = p_session_id and (p_company_id is null or company_id = p_company_id)
    returning * into v_row;
    if not found then
        raise exception 'multimedia session % not found (p_session_id)', p_session_id using errcode = 'P0002';
    end if;
    return v_row;
end
$$;
comment on function public.update_session_status(uuid, text, double precision, text, integer, uuid) is
'Updates a session''s status and progress (video-pipeline-content-multimedia.md, "Multimedia Generation Workflow" '
'step 3, update_session_status). p_session_id: the session; p_status: started -> processing -> completed | failed '
'(null keeps it); p_progress_percentage: 0..100, never below the current value (completed sets 100); '
'p_current_stage: text (e.g. slides, narration, rendering); p_processing_duration_seconds: seconds >= 0 (default '
'on completion or failure: seconds since started_at); p_company_id: optional, its company (the distribution key; '
'without it the session is found by its id alone). At least one of the first four is required. Returns the updated '
'mm_multimedia_sessions row (completed_at set when it finishes). Errors: 22023 bad parameter, P0002 unknown '
'session (or another company''s), 55000 transition not allowed, progress going back, or session already finished. '
'Writes nothing on error.';
revoke all on function public.update_session_status(uuid, text, double precision, text, integer, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.update_session_status(uuid, text, double precision, text, integer, uuid) to authenticated, service_role;
$migration$);

-- ===== multimedia/0002_create_multimedia_assets =====
call pg_temp.dreamcut_db_apply('multimedia', '0002_create_multimedia_assets', 'fb952a9663885f51e9ae82a0749b752f4c0b4f5f552a820d1d58f4258abcd1d2', '8a4d90b586ef9f0df46643d584ef7c41196b291e4a88991061e98fce0588d577', $migration$
create function public.mm_storage_path(
    p_asset_type text, p_section_name text, p_filename text, p_at timestamptz default now()
) returns text
language sql stable
set search_path = ''
as $$
    select p_asset_type || '/' || p_section_name || '/'
        || to_char(p_at at time zone 'UTC', 'YYYYMMDD"_"HH24MISS"_"US') || '_' || p_filename
$$;
comment on function public.mm_storage_path(text, text, text, timestamptz) is
'The storage path of an asset in its bucket (video-pipeline-content-multimedia.md, "Supabase Storage '
'Integration": {asset_type}/{section_name}/{timestamp}_{filename}). p_asset_type, p_section_name, p_filename: '
'text; p_at: the time stamped into the path (default now()), written in UTC as YYYYMMDD_HHMMSS_microseconds, '
'e.g. video/introduction/20250101_120000_000000_intro.mp4. Returns text (null when an argument is null); '
'raises nothing. register_multimedia_asset uses it with the clock time of the call.';
revoke all on function public.mm_storage_path(text, text, text, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.mm_storage_path(text, text, text, timestamptz) to authenticated, service_role;

create table public.mm_multimedia_assets (
    asset_id uuid not null default gen_random_uuid(),
    session_id uuid not null,
    content_id uuid not null,
    company_id uuid not null references public.companies (id),
    asset_type text not null check (
        asset_type in ('video', 'audio', 'slide', 'script', 'thumbnail', 'presentation')
    ),
    asset_name text not null check (asset_name ~ '^[^/[:cntrl:]]{1,255}$' and asset_name not in ('.', '..')),
    file_path text,
    file_size_bytes bigint check (file_size_bytes >= 0),
    mime_type text check (mime_type ~* '^[a-z]+/[a-z0-9][a-z0-9.+_-]*$'),
    section_name text not null default 'complete_module' check (section_name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    duration_seconds numeric check (duration_seconds >= 0 and duration_seconds < 'Infinity'),
    generation_config jsonb not null default '{}' check (jsonb_typeof(generation_config) = 'object'),
    status text not null default 'generated' check (status in ('generated', 'processed', 'failed')),
    storage_bucket text not null default 'multimedia-assets' check (storage_bucket ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    storage_path text not null,
    public_url text,
    created_at timestamptz not null default clock_timestamp(),
    check (
        starts_with(storage_path, asset_type || '/' || section_name || '/')
        and right(storage_path, length(asset_name) + 1) = '_' || asset_name
    ),
    primary key (company_id, asset_id),
    unique (company_id, storage_bucket, storage_path),
    unique (company_id, asset_id, session_id),
    foreign key (company_id, session_id, content_id)
    references public.mm_multimedia_sessions (company_id, session_id, content_id) on delete cascade
);
comment on table public.mm_multimedia_assets is
'Every multimedia asset of a session: videos, audio, slides, scripts, thumbnails, presentation exports '
'(video-pipeline-content-multimedia.md, mm_*, table 2), with its place in Supabase Storage.';
comment on column public.mm_multimedia_assets.company_id is 'The session''s company (the foreign key keeps them equal).';
comment on column public.mm_multimedia_assets.asset_name is 'File name (no slash, no control character).';
comment on column public.mm_multimedia_assets.file_path is 'Local path of the file where it was generated.';
comment on column public.mm_multimedia_assets.file_size_bytes is 'File size in bytes.';
comment on column public.mm_multimedia_assets.section_name is
'Content section or grouping the asset belongs to (introduction, core_content, complete_module, narrations, ...): '
'a lowercase path segment.';
comment on column public.mm_multimedia_assets.duration_seconds is 'Duration in seconds (audio and video).';
comment on column public.mm_multimedia_assets.storage_path is
'{asset_type}/{section_name}/{timestamp}_{asset_name} inside storage_bucket (unique per company and bucket).';
comment on column public.mm_multimedia_assets.public_url is 'Public URL of the object, when the bucket is public.';
comment on column public.mm_multimedia_assets.created_at is
'clock_timestamp() of the insert: assets registered in one transaction keep their order.';
create index idx_mm_multimedia_assets_session_id on public.mm_multimedia_assets (company_id, session_id, content_id);
create index idx_mm_multimedia_assets_content_id on public.mm_multimedia_assets (company_id, content_id);
create index idx_mm_multimedia_assets_asset_id on public.mm_multimedia_assets (asset_id);

call dreamcut_private.enable_company_isolation('public.mm_multimedia_assets');

create function dreamcut_private.mm_count_inserted_assets() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_finished record;
begin
    -- The sessions locked in key order, FOR NO KEY UPDATE (no conflict with the KEY SHARE locks of the assets'
    -- foreign key checks), so concurrent statements queue here instead of deadlocking and each adds its counts
    -- to the latest committed values.
    perform from public.mm_multimedia_sessions as s
    where (s.company_id, s.session_id) in (select n.company_id, n.session_id from new_assets as n)
    order by s.company_id, s.session_id
    for no key update;
    select s.session_id, s.status into v_finished
    from public.mm_multimedia_sessions as s
    where (s.company_id, s.session_id) in (select n.company_id, n.session_id from new_assets as n)
        and s.status in ('completed', 'failed')
    limit 1;
    if found then
        raise exception 'multimedia session % is already %: no more assets can be registered',
            v_finished.session_id, v_finished.status
        using errcode = '55000';
    end if;
    update public.mm_multimedia_sessions as s
    set total_assets_generated = s.total_assets_generated + d.total,
        slides_generated = s.slides_generated + d.slides,
        audio_files_generated = s.audio_files_generated + d.audio,
        video_files_generated = s.video_files_generated + d.video
    from (
        select
            c.company_id,
            c.session_id,
            coalesce(sum(c.sign) filter (where c.status <> 'failed'), 0) as total,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'slide'), 0) as slides,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'audio'), 0) as audio,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'video'), 0) as video
        from (select n.company_id, n.session_id, n.asset_type, n.status, 1 as sign from new_assets as n) as c
        group by c.company_id, c.session_id
    ) as d
    where s.company_id = d.company_id and s.session_id = d.session_id
        and (d.total, d.slides, d.audio, d.video) <> (0, 0, 0, 0);
    return null;
end
$$;
comment on function dreamcut_private.mm_count_inserted_assets() is
'Statement-level AFTER INSERT trigger function on mm_multimedia_assets (transition table new_assets): adds the '
'statement''s assets to the counters of their sessions (total_assets_generated: assets not failed; '
'slides_generated, audio_files_generated, video_files_generated: those of type slide, audio, video) in one UPDATE, '
'after locking the sessions in key order, so counts stay exact under concurrent registration. Raises 55000 when '
'assets are inserted into a completed or failed session.';
revoke all on function dreamcut_private.mm_count_inserted_assets() from public;

create function dreamcut_private.mm_count_updated_assets() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    -- The sessions locked in key order, FOR NO KEY UPDATE (no conflict with the KEY SHARE locks of the assets'
    -- foreign key checks), so concurrent statements queue here instead of deadlocking and each adds its counts
    -- to the latest committed values.
    perform from public.mm_multimedia_sessions as s
    where (s.company_id, s.session_id) in (
        select n.company_id, n.session_id from new_assets as n
        union
        select o.company_id, o.session_id from old_assets as o
    )
    order by s.company_id, s.session_id
    for no key update;
    update public.mm_multimedia_sessions as s
    set total_assets_generated = s.total_assets_generated + d.total,
        slides_generated = s.slides_generated + d.slides,
        audio_files_generated = s.audio_files_generated + d.audio,
        video_files_generated = s.video_files_generated + d.video
    from (
        select
            c.company_id,
            c.session_id,
            coalesce(sum(c.sign) filter (where c.status <> 'failed'), 0) as total,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'slide'), 0) as slides,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'audio'), 0) as audio,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'video'), 0) as video
        from (select n.company_id, n.session_id, n.asset_type, n.status, 1 as sign from new_assets as n
            union all
            select o.company_id, o.session_id, o.asset_type, o.status, -1 from old_assets as o) as c
        group by c.company_id, c.session_id
    ) as d
    where s.company_id = d.company_id and s.session_id = d.session_id
        and (d.total, d.slides, d.audio, d.video) <> (0, 0, 0, 0);
    return null;
end
$$;
comment on function dreamcut_private.mm_count_updated_assets() is
'Statement-level AFTER UPDATE trigger function on mm_multimedia_assets (transition tables old_assets, new_assets): '
'moves the counts of the updated assets (total_assets_generated: assets not failed; slides_generated, '
'audio_files_generated, video_files_generated: those of type slide, audio, video) by their new rows minus their '
'old rows (an asset marked failed leaves the counts, one moved to another session moves its count), in one UPDATE '
'after locking the sessions in key order.';
revoke all on function dreamcut_private.mm_count_updated_assets() from public;

create function dreamcut_private.mm_count_deleted_assets() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    -- The sessions locked in key order, FOR NO KEY UPDATE (no conflict with the KEY SHARE locks of the assets'
    -- foreign key checks), so concurrent statements queue here instead of deadlocking and each adds its counts
    -- to the latest committed values.
    perform from public.mm_multimedia_sessions as s
    where (s.company_id, s.session_id) in (select o.company_id, o.session_id from old_assets as o)
    order by s.company_id, s.session_id
    for no key update;
    update public.mm_multimedia_sessions as s
    set total_assets_generated = s.total_assets_generated + d.total,
        slides_generated = s.slides_generated + d.slides,
        audio_files_generated = s.audio_files_generated + d.audio,
        video_files_generated = s.video_files_generated + d.video
    from (
        select
            c.company_id,
            c.session_id,
            coalesce(sum(c.sign) filter (where c.status <> 'failed'), 0) as total,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'slide'), 0) as slides,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'audio'), 0) as audio,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'video'), 0) as video
        from (select o.company_id, o.session_id, o.asset_type, o.status, -1 as sign from old_assets as o) as c
        group by c.company_id, c.session_id
    ) as d
    where s.company_id = d.company_id and s.session_id = d.session_id
        and (d.total, d.slides, d.audio, d.video) <> (0, 0, 0, 0);
    return null;
end
$$;
comment on function dreamcut_private.mm_count_deleted_assets() is
'Statement-level AFTER DELETE trigger function on mm_multimedia_assets (transition table old_assets): takes the '
'statement''s assets off the counters of their sessions (total_assets_generated: assets not failed; '
'slides_generated, audio_files_generated, video_files_generated: those of type slide, audio, video) in one UPDATE, '
'after locking the sessions in key order.';
revoke all on function dreamcut_private.mm_count_deleted_assets() from public;

create trigger trigger_mm_multimedia_assets_count_insert
after insert on public.mm_multimedia_assets
referencing new table as new_assets
for each statement execute function dreamcut_private.mm_count_inserted_assets();

create trigger trigger_mm_multimedia_assets_count_update
after update on public.mm_multimedia_assets
referencing old table as old_assets new table as new_assets
for each statement execute function dreamcut_private.mm_count_updated_assets();

create trigger trigger_mm_multimedia_assets_count_delete
after delete on public.mm_multimedia_assets
referencing old table as old_assets
for each statement execute function dreamcut_private.mm_count_deleted_assets();
$migration$);

-- ===== multimedia/0003_create_multimedia_asset_procedures =====
call pg_temp.dreamcut_db_apply('multimedia', '0003_create_multimedia_asset_procedures', 'be2ac9d6139dd0bf76b33f75fb41579c4a4cebc98292fcdc8ae570b73b2f66aa', '8b617ebc90a354505b65d5147ec529f1eadae69656c47aca56937118eff14e1d', $migration$
create function public.register_multimedia_asset(
    p_session_id uuid,
    p_content_id uuid default null,
    p_asset_type text default null,
    p_file_path text default null,
    p_duration_seconds double precision default null,
    p_storage_bucket text default 'multimedia-assets',
    p_section_name text default 'complete_module',
    p_asset_name text default null,
    p_file_size_bytes bigint default null,
    p_mime_type text default null,
    p_generation_config jsonb default '{}',
    p_status text default 'generated',
    p_public_url text default null,
    p_storage_path text default null,
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_session public.mm_multimedia_sessions;
    v_name text := coalesce(p_asset_name, substring(p_file_path from '[^/]+$'));
    v_prefix text;
    v_stamp text;
    v_asset_id uuid;
begin
    if p_session_id is null then
        raise exception 'p_session_id is required' using errcode = '22023';
    end if;
    if p_asset_type is null or p_asset_type not in ('video', 'audio', 'slide', 'script', 'thumbnail', 'presentation') then
        raise exception 'p_asset_type must be one of video, audio, slide, script, thumbnail, presentation, got %',
            coalesce(quote_literal(p_asset_type), 'null')
        using errcode = '22023';
    end if;
    if v_name is null or v_name !~ '^[^/[:cntrl:]]{1,255}$' or v_name in ('.', '..') then
        raise exception 'p_asset_name (or the file name of p_file_path) must be a file name of 1..255 characters '
            'without a slash, got %', coalesce(quote_literal(coalesce(p_asset_name, p_file_path)), 'null')
        using errcode = '22023';
    end if;
    if p_section_name is null or p_section_name !~ '^[a-z0-9][a-z0-9_-]{0,62}$' then
        raise exception 'p_section_name must be a lowercase path segment (a-z, 0-9, _ and -), e.g. introduction or '
            'complete_module, got %', coalesce(quote_literal(p_section_name), 'null')
        using errcode = '22023';
    end if;
    if not (p_duration_seconds >= 0 and p_duration_seconds < 'Infinity') then
        raise exception 'p_duration_seconds must be >= 0 seconds, got %', p_duration_seconds using errcode = '22023';
    end if;
    if p_file_size_bytes < 0 then
        raise exception 'p_file_size_bytes must be >= 0, got %', p_file_size_bytes using errcode = '22023';
    end if;
    if p_storage_bucket is null or p_storage_bucket !~ '^[a-z0-9][a-z0-9._-]{1,62}$' then
        raise exception 'p_storage_bucket must be a bucket name, got %', coalesce(quote_literal(p_storage_bucket), 'null')
        using errcode = '22023';
    end if;
    if p_mime_type is not null and p_mime_type !~* '^[a-z]+/[a-z0-9][a-z0-9.+_-]*$' then
        raise exception 'p_mime_type must be a MIME type such as video/mp4, got %', quote_literal(p_mime_type)
        using errcode = '22023';
    end if;
    if p_generation_config is not null and jsonb_typeof(p_generation_config) <> 'object' then
        raise exception 'p_generation_config must be a JSON object, got %', jsonb_typeof(p_generation_config)
        using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('generated', 'processed', 'failed') then
        raise exception 'p_status must be one of generated, processed, failed, got %',
            coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    v_prefix := p_asset_type || '/' || p_section_name || '/';
    v_stamp := case when length(p_storage_path) > length(v_prefix) + length(v_name) + 1
        then substr(p_storage_path, length(v_prefix) + 1, length(p_storage_path) - length(v_prefix) - length(v_name) - 1)
    end;
    if p_storage_path is not null and not (
        starts_with(p_storage_path, v_prefix) and right(p_storage_path, length(v_name) + 1) = '_' || v_name
        and coalesce(v_stamp ~ '^[0-9][0-9TZ_.:-]*$', false)
    ) then
        raise exception 'p_storage_path must follow {asset_type}/{section_name}/{timestamp}_{filename}, i.e. '
            '%<timestamp>_%, got %', v_prefix, v_name, quote_literal(p_storage_path)
        using errcode = '22023';
    end if;

    v_session := public.get_multimedia_session(p_session_id, p_company_id);
    if p_content_id is distinct from null and p_content_id <> v_session.content_id then
        raise exception 'p_content_id % is not the content of session % (%)', p_content_id, p_session_id,
            v_session.content_id
        using errcode = '22023';
    end if;

    insert into public.mm_multimedia_assets (
        session_id, content_id, company_id, asset_type, asset_name, file_path, file_size_bytes, mime_type,
        section_name, duration_seconds, generation_config, status, storage_bucket, storage_path, public_url
    )
    values (
        p_session_id, v_session.content_id, v_session.company_id, p_asset_type, v_name, p_file_path,
        p_file_size_bytes,
        coalesce(p_mime_type, case lower(substring(v_name from '\.([A-Za-z0-9]+)$'))
            when 'mp4' then 'video/mp4' when 'webm' then 'video/webm' when 'mov' then 'video/quicktime'
            when 'mp3' then 'audio/mpeg' when 'wav' then 'audio/wav' when 'm4a' then 'audio/mp4'
            when 'ogg' then 'audio/ogg' when 'png' then 'image/png' when 'jpg' then 'image/jpeg'
            when 'jpeg' then 'image/jpeg' when 'webp' then 'image/webp' when 'svg' then 'image/svg+xml'
            when 'pdf' then 'application/pdf' when 'html' then 'text/html' when 'txt' then 'text/plain'
            when 'md' then 'text/markdown' when 'json' then 'application/json' when 'vtt' then 'text/vtt'
            when 'srt' then 'application/x-subrip'
            when 'pptx' then 'application/vnd.openxmlformats-officedocument.presentationml.presentation'
        end),
        p_section_name, p_duration_seconds, coalesce(p_generation_config, '{}'), p_status, p_storage_bucket,
        coalesce(p_storage_path, public.mm_storage_path(p_asset_type, p_section_name, v_name, clock_timestamp())),
        p_public_url
    )
    returning asset_id into v_asset_id;
    return v_asset_id;
end
$$;
comment on function public.register_multimedia_asset(
    uuid, uuid, text, text, double precision, text, text, text, bigint, text, jsonb, text, text, text, uuid
) is
'Registers one generated asset of a session (video-pipeline-content-multimedia.md, "Multimedia Generation '
'Workflow" step 2, register_multimedia_asset). p_session_id: the session (its content and company are the '
'asset''s); p_content_id: optional, must be the session''s content; p_asset_type: video | audio | slide | script | '
'thumbnail | presentation (required); p_file_path: local path; p_duration_seconds: seconds >= 0; p_storage_bucket: '
'default multimedia-assets; p_section_name: lowercase path segment, default complete_module; p_asset_name: file '
'name (default: the last part of p_file_path); p_file_size_bytes: bytes >= 0; p_mime_type: default guessed from '
'the extension (mp4, webm, mov, mp3, wav, m4a, ogg, png, jpg, webp, svg, pdf, html, txt, md, json, vtt, srt, '
'pptx); p_generation_config: JSON object; p_status: generated | processed | failed; p_public_url: text; '
'p_storage_path: default mm_storage_path(type, section, name, clock time) = '
'{asset_type}/{section_name}/{YYYYMMDD_HHMMSS_us}_{filename}; a given path must follow the same pattern; '
'p_company_id: optional, the session''s company (the distribution key; without it the session is found by its id '
'alone). Returns the new asset_id (uuid). The session''s counters follow by trigger. Errors: 22023 bad parameter '
'(unknown asset type, negative duration, bad name, section, bucket, MIME type or path, content of another '
'session), P0002 unknown session (or another company''s), 55000 session completed or failed, 23505 storage path '
'already used in the company''s bucket. Writes nothing on error.';
revoke all on function public.register_multimedia_asset(
    uuid, uuid, text, text, double precision, text, text, text, bigint, text, jsonb, text, text, text, uuid
) from public, anon, authenticated, service_role;
grant execute on function public.register_multimedia_asset(
    uuid, uuid, text, text, double precision, text, text, text, bigint, text, jsonb, text, text, text, uuid
) to authenticated, service_role;

create function public.register_multimedia_assets(p_session_id uuid, p_assets jsonb, p_company_id uuid default null)
returns table (ordinal integer, asset_id uuid, storage_path text)
language plpgsql volatile
set search_path = ''
as $$
declare
    v_bad record;
    v_index bigint;
    v_asset jsonb;
    v_ids uuid[] := '{}'::uuid[];
begin
    if p_assets is null or jsonb_typeof(p_assets) <> 'array' then
        raise exception 'p_assets must be a JSON array of asset objects, got %', coalesce(jsonb_typeof(p_assets), 'null')
        using errcode = '22023';
    end if;
    if jsonb_array_length(p_assets) not between 1 and 1000 then
        raise exception 'p_assets holds % assets; 1 to 1000 are allowed', jsonb_array_length(p_assets)
        using errcode = '22023';
    end if;
    select e.ord - 1 as idx, k.key, jsonb_typeof(e.elem) as elem_type, jsonb_typeof(k.value) as value_type,
        allowed.kind
    into v_bad
    from jsonb_array_elements(p_assets) with ordinality as e (elem, ord)
    left join lateral jsonb_each(case when jsonb_typeof(e.elem) = 'object' then e.elem end) as k on true
    left join (
        values
        ('content_id', 'string'), ('asset_type', 'string'), ('file_path', 'string'), ('duration_seconds', 'number'),
        ('storage_bucket', 'string'), ('section_name', 'string'), ('asset_name', 'string'),
        ('file_size_bytes', 'number'), ('mime_type', 'string'), ('generation_config', 'object'), ('status', 'string'),
        ('public_url', 'string'), ('storage_path', 'string')
    ) as allowed (key, kind) on allowed.key = k.key
    where jsonb_typeof(e.elem) <> 'object'
        or k.key is not null and allowed.key is null
        or jsonb_typeof(k.value) not in ('null', allowed.kind)
        or k.key = 'file_size_bytes' and case when jsonb_typeof(k.value) = 'number' then
            k.value::numeric <> trunc(k.value::numeric) or abs(k.value::numeric) > 9223372036854775807 else false end
        or k.key = 'content_id' and case when jsonb_typeof(k.value) = 'string' then
            k.value #>> '{}' !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' else false end
    order by e.ord, k.key
    limit 1;
    if found then
        if v_bad.elem_type <> 'object' then
            raise exception 'p_assets[%] must be a JSON object, got %', v_bad.idx, v_bad.elem_type
            using errcode = '22023';
        end if;
        if v_bad.kind is null then
            raise exception 'p_assets[%]: unknown key % (keys: content_id, asset_type, file_path, duration_seconds, '
                'storage_bucket, section_name, asset_name, file_size_bytes, mime_type, generation_config, status, '
                'public_url, storage_path)', v_bad.idx, quote_literal(v_bad.key)
            using errcode = '22023';
        end if;
        raise exception 'p_assets[%].% must be a JSON % (a whole number for file_size_bytes, a uuid for content_id), '
            'got %', v_bad.idx, v_bad.key, v_bad.kind, v_bad.value_type
        using errcode = '22023';
    end if;

    -- One asset after the other through register_multimedia_asset: the same checks, defaults and storage path.
    -- Any failure undoes the whole call and names the element.
    begin
        for v_asset, v_index in
            select e.elem, e.ord - 1 from jsonb_array_elements(p_assets) with ordinality as e (elem, ord) order by e.ord
        loop
            v_ids := v_ids || public.register_multimedia_asset(
                p_session_id => p_session_id,
                p_content_id => (v_asset ->> 'content_id')::uuid,
                p_asset_type => v_asset ->> 'asset_type',
                p_file_path => v_asset ->> 'file_path',
                p_duration_seconds => (v_asset ->> 'duration_seconds')::double precision,
                p_storage_bucket => coalesce(v_asset ->> 'storage_bucket', 'multimedia-assets'),
                p_section_name => coalesce(v_asset ->> 'section_name', 'complete_module'),
                p_asset_name => v_asset ->> 'asset_name',
                p_file_size_bytes => (v_asset ->> 'file_size_bytes')::bigint,
                p_mime_type => v_asset ->> 'mime_type',
                p_generation_config => coalesce(v_asset -> 'generation_config', '{}'),
                p_status => coalesce(v_asset ->> 'status', 'generated'),
                p_public_url => v_asset ->> 'public_url',
                p_storage_path => v_asset ->> 'storage_path',
                p_company_id => p_company_id
            );
        end loop;
    exception
        when invalid_parameter_value then
            raise exception 'p_assets[%]: %', v_index, sqlerrm using errcode = '22023';
        when unique_violation then
            raise exception 'p_assets[%]: %', v_index, sqlerrm using errcode = '23505';
    end;

    return query
    select i.ord::integer - 1, a.asset_id, a.storage_path
    from unnest(v_ids) with ordinality as i (id, ord)
    join public.mm_multimedia_assets as a on a.asset_id = i.id and (p_company_id is null or a.company_id = p_company_id)
    order by i.ord;
end
$$;
comment on function public.register_multimedia_assets(uuid, jsonb, uuid) is
'Registers several assets of a session in one call (video-pipeline-content-multimedia.md, "Batch Operations: bulk '
'asset registration"). p_session_id: the session; p_assets: JSON array of 1..1000 objects with the keys of '
'register_multimedia_asset without the p_ prefix: asset_type (required), file_path, duration_seconds (number, '
'seconds), storage_bucket, section_name, asset_name, file_size_bytes (whole number), mime_type, generation_config '
'(object), status, public_url, storage_path, content_id; p_company_id: optional, the session''s company (the '
'distribution key; without it the session is found by its id alone). Each element gets the same checks, defaults '
'and storage path as register_multimedia_asset. Returns rows (ordinal: 0-based index in p_assets, asset_id, '
'storage_path) in input order. Errors: 22023 bad parameter, naming the element as p_assets[i] (unknown key, wrong '
'JSON type, or the single-asset checks), P0002 unknown session (or another company''s), 55000 session completed or '
'failed, 23505 storage path already used. All or nothing: writes nothing on error.';
revoke all on function public.register_multimedia_assets(uuid, jsonb, uuid) from public, anon, authenticated, service_role;
grant execute on function public.register_multimedia_assets(uuid, jsonb, uuid) to authenticated, service_role;

create function public.list_session_assets(
    p_session_id uuid, p_asset_type text default null, p_company_id uuid default null
)
returns setof public.mm_multimedia_assets
language plpgsql stable
set search_path = ''
as $$
declare
    v_session public.mm_multimedia_sessions;
begin
    if p_asset_type is not null
        and p_asset_type not in ('video', 'audio', 'slide', 'script', 'thumbnail', 'presentation') then
        raise exception 'p_asset_type must be one of video, audio, slide, script, thumbnail, presentation (or null), '
            'got %', quote_literal(p_asset_type)
        using errcode = '22023';
    end if;
    v_session := public.get_multimedia_session(p_session_id, p_company_id);
    return query
    select * from public.mm_multimedia_assets as a
    where a.company_id = v_session.company_id and a.session_id = p_session_id
        and (p_asset_type is null or a.asset_type = p_asset_type)
    order by a.created_at, a.storage_path, a.asset_id;
end
$$;
comment on function public.list_session_assets(uuid, text, uuid) is
'The assets of a session (video-pipeline-content-multimedia.md, "Data Retrieval Patterns": assets of a session). '
'p_session_id: the session; p_asset_type: only that type, or null for all; p_company_id: optional, the session''s '
'company (the distribution key; without it the session is found by its id alone). Returns mm_multimedia_assets '
'rows in registration order. Errors: 22023 unknown asset type, P0002 unknown session (or another company''s).';
revoke all on function public.list_session_assets(uuid, text, uuid) from public, anon, authenticated, service_role;
grant execute on function public.list_session_assets(uuid, text, uuid) to authenticated, service_role;
$migration$);

-- ===== multimedia/0004_create_audio_narrations =====
call pg_temp.dreamcut_db_apply('multimedia', '0004_create_audio_narrations', 'ad3a2d9398501ab4c4eb29845270f08bd7fb3f36301da52fde50450bf31a6df7', '5ad426d272e0616ab8d926ba28dcd7a97ccdbb4cbd374f6cdea355ac106f4859', $migration$
create table public.mm_audio_narrations (
    narration_id uuid not null default gen_random_uuid(),
    session_id uuid not null,
    content_id uuid not null,
    company_id uuid not null,
    narration_name text not null check (btrim(narration_name) <> ''),
    narration_type text not null default 'full_module' check (narration_type in ('full_module', 'section')),
    section_name text check (section_name = any(public.cm_content_sections())),
    total_duration_seconds numeric not null default 0 check (
        total_duration_seconds >= 0 and total_duration_seconds < 'Infinity'
    ),
    audio_segments jsonb not null default '[]' check (jsonb_typeof(audio_segments) = 'array'),
    voice_config jsonb not null default '{}' check (jsonb_typeof(voice_config) = 'object'),
    script_content text,
    master_audio_id uuid,
    segments_audio_ids uuid[] not null default '{}',
    synthesis_completed boolean generated always as (status = 'completed') stored,
    status text not null default 'pending' check (status in ('pending', 'synthesizing', 'completed', 'failed')),
    created_at timestamptz not null default now(),
    check ((narration_type = 'section') = (section_name is not null)),
    primary key (company_id, narration_id),
    foreign key (company_id, session_id, content_id)
    references public.mm_multimedia_sessions (company_id, session_id, content_id) on delete cascade,
    foreign key (company_id, master_audio_id, session_id)
    references public.mm_multimedia_assets (company_id, asset_id, session_id)
);
comment on table public.mm_audio_narrations is
'Audio narrations of a session, whole module or one section (video-pipeline-content-multimedia.md, mm_*, table 3).';
comment on column public.mm_audio_narrations.company_id is 'The session''s company (the foreign key keeps them equal).';
comment on column public.mm_audio_narrations.section_name is 'The content section narrated (narration_type section only).';
comment on column public.mm_audio_narrations.total_duration_seconds is 'Total duration in seconds.';
comment on column public.mm_audio_narrations.audio_segments is
'JSON array of segments in order, e.g. {"asset_id": ..., "duration_seconds": 12.5, "text": ...}.';
comment on column public.mm_audio_narrations.voice_config is 'Voice settings, e.g. {"voice": "alloy", "speed": 1.0}.';
comment on column public.mm_audio_narrations.master_audio_id is 'The full narration''s audio asset (of the same session).';
comment on column public.mm_audio_narrations.segments_audio_ids is
'Audio assets of the segments, in order; each is an asset of the same session (checked by trigger).';
comment on column public.mm_audio_narrations.synthesis_completed is 'TTS done (generated: status = completed).';
create index idx_mm_audio_narrations_session_id on public.mm_audio_narrations (company_id, session_id, content_id);
create index idx_mm_audio_narrations_narration_id on public.mm_audio_narrations (narration_id);
create index idx_mm_audio_narrations_master_audio on public.mm_audio_narrations (
    company_id, master_audio_id, session_id
);

call dreamcut_private.enable_company_isolation('public.mm_audio_narrations');

create function dreamcut_private.mm_check_narration_segments() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_missing uuid;
begin
    select a.id into v_missing
    from unnest(new.segments_audio_ids) as a (id)
    where a.id is null or not exists (
        select from public.mm_multimedia_assets as m
        where m.company_id = new.company_id and m.asset_id = a.id and m.session_id = new.session_id
    )
    limit 1;
    if found then
        raise exception 'segments_audio_ids of narration %: % is not an asset of session %', new.narration_id,
            coalesce(v_missing::text, 'null'), new.session_id
        using errcode = '23503';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.mm_check_narration_segments() is
'BEFORE INSERT OR UPDATE OF segments_audio_ids, session_id trigger function on mm_audio_narrations: every '
'element of segments_audio_ids is an asset of the narration''s session, as a foreign key would say for an array '
'(23503 otherwise). Returns the row.';
revoke all on function dreamcut_private.mm_check_narration_segments() from public;

create trigger trigger_mm_audio_narrations_segments
before insert or update of segments_audio_ids, session_id on public.mm_audio_narrations
for each row execute function dreamcut_private.mm_check_narration_segments();

create function public.register_audio_narration(
    p_session_id uuid,
    p_narration_name text,
    p_narration_type text default 'full_module',
    p_section_name text default null,
    p_script_content text default null,
    p_voice_config jsonb default '{}',
    p_audio_segments jsonb default '[]',
    p_master_audio_id uuid default null,
    p_total_duration_seconds double precision default null,
    p_status text default null,
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_session public.mm_multimedia_sessions;
    v_bad record;
    v_segment_ids uuid[];
    v_master_duration numeric;
    v_narration_id uuid;
begin
    if p_session_id is null then
        raise exception 'p_session_id is required' using errcode = '22023';
    end if;
    if p_narration_name is null or btrim(p_narration_name) = '' then
        raise exception 'p_narration_name is required, got %', coalesce(quote_literal(p_narration_name), 'null')
        using errcode = '22023';
    end if;
    if p_narration_type is null or p_narration_type not in ('full_module', 'section') then
        raise exception 'p_narration_type must be full_module or section, got %',
            coalesce(quote_literal(p_narration_type), 'null')
        using errcode = '22023';
    end if;
    if p_narration_type = 'section' and (p_section_name is null or p_section_name <> all (public.cm_content_sections())) then
        raise exception 'p_section_name must be one of % for a section narration, got %', public.cm_content_sections(),
            coalesce(quote_literal(p_section_name), 'null')
        using errcode = '22023';
    end if;
    if p_narration_type = 'full_module' and p_section_name is not null then
        raise exception 'p_section_name is only for narration type section, got % for full_module',
            quote_literal(p_section_name)
        using errcode = '22023';
    end if;
    if p_voice_config is null or jsonb_typeof(p_voice_config) <> 'object' then
        raise exception 'p_voice_config must be a JSON object, got %', coalesce(jsonb_typeof(p_voice_config), 'null')
        using errcode = '22023';
    end if;
    if p_audio_segments is null or jsonb_typeof(p_audio_segments) <> 'array' then
        raise exception 'p_audio_segments must be a JSON array, got %', coalesce(jsonb_typeof(p_audio_segments), 'null')
        using errcode = '22023';
    end if;
    if not (p_total_duration_seconds >= 0 and p_total_duration_seconds < 'Infinity') then
        raise exception 'p_total_duration_seconds must be >= 0 seconds, got %', p_total_duration_seconds
        using errcode = '22023';
    end if;
    if p_status is not null and p_status not in ('pending', 'synthesizing', 'completed', 'failed') then
        raise exception 'p_status must be one of pending, synthesizing, completed, failed, got %', quote_literal(p_status)
        using errcode = '22023';
    end if;

    v_session := public.get_multimedia_session(p_session_id, p_company_id);

    select s.ord - 1 as idx, s.seg into v_bad
    from jsonb_array_elements(p_audio_segments) with ordinality as s (seg, ord)
    where jsonb_typeof(s.seg) <> 'object'
        or coalesce(jsonb_typeof(s.seg -> 'duration_seconds'), 'null') not in ('number', 'null')
        or case when jsonb_typeof(s.seg -> 'duration_seconds') = 'number'
            then (s.seg ->> 'duration_seconds')::numeric < 0 else false end
        or coalesce(jsonb_typeof(s.seg -> 'asset_id'), 'null') not in ('string', 'null')
        or jsonb_typeof(s.seg -> 'asset_id') = 'string' and not exists (
            select from public.mm_multimedia_assets as a
            where a.company_id = v_session.company_id and a.asset_id::text = lower(s.seg ->> 'asset_id')
                and a.session_id = p_session_id
                and a.asset_type = 'audio'
        )
    order by s.ord
    limit 1;
    if found then
        raise exception 'p_audio_segments[%] must be an object with an optional duration_seconds >= 0 and an '
            'optional asset_id of an audio asset of session %, got %', v_bad.idx, p_session_id, v_bad.seg
        using errcode = '22023';
    end if;
    if p_master_audio_id is not null then
        select a.duration_seconds into v_master_duration from public.mm_multimedia_assets as a
        where a.company_id = v_session.company_id and a.asset_id = p_master_audio_id and a.session_id = p_session_id
            and a.asset_type = 'audio';
        if not found then
            raise exception 'p_master_audio_id % is not an audio asset of session %', p_master_audio_id, p_session_id
            using errcode = '22023';
        end if;
    end if;
    v_segment_ids := array(
        select (s.seg ->> 'asset_id')::uuid
        from jsonb_array_elements(p_audio_segments) with ordinality as s (seg, ord)
        where s.seg ? 'asset_id' and jsonb_typeof(s.seg -> 'asset_id') = 'string'
        order by s.ord
    );

    insert into public.mm_audio_narrations (
        session_id, content_id, company_id, narration_name, narration_type, section_name, total_duration_seconds,
        audio_segments, voice_config, script_content, master_audio_id, segments_audio_ids, status
    )
    values (
        p_session_id, v_session.content_id, v_session.company_id, p_narration_name, p_narration_type, p_section_name,
        coalesce(
            p_total_duration_seconds,
            (select sum((s.seg ->> 'duration_seconds')::numeric) from jsonb_array_elements(p_audio_segments) as s (seg)),
            v_master_duration,
            0
        ),
        p_audio_segments, p_voice_config, p_script_content, p_master_audio_id, v_segment_ids,
        coalesce(
            p_status,
            case when p_master_audio_id is not null or cardinality(v_segment_ids) > 0 then 'completed' else 'pending' end
        )
    )
    returning narration_id into v_narration_id;
    return v_narration_id;
end
$$;
comment on function public.register_audio_narration(
    uuid, text, text, text, text, jsonb, jsonb, uuid, double precision, text, uuid
) is
'Registers an audio narration of a session with its segments (video-pipeline-content-multimedia.md, '
'mm_audio_narrations). p_session_id: the session; p_narration_name: non-empty text; p_narration_type: full_module '
'| section; p_section_name: a section of cm_content_sections(), required for and only for type section; '
'p_script_content: the full script; p_voice_config: JSON object (voice, speed, ...); p_audio_segments: JSON array '
'of segment objects in order, each with optional duration_seconds (number >= 0) and asset_id (an audio asset of '
'the session) and any other keys; p_master_audio_id: the full narration''s audio asset of the session; '
'p_total_duration_seconds: seconds >= 0 (default: sum of the segments'' durations, else the master''s duration, '
'else 0); p_status: pending | synthesizing | completed | failed (default completed when audio is given, else '
'pending); p_company_id: optional, the session''s company (the distribution key; without it the session is found '
'by its id alone). segments_audio_ids is the segments'' asset_ids in order. Returns the new narration_id (uuid). '
'Errors: 22023 bad parameter (bad segment p_audio_segments[i], asset not an audio asset of the session), P0002 '
'unknown session (or another company''s). Writes nothing on error.';
revoke all on function public.register_audio_narration(
    uuid, text, text, text, text, jsonb, jsonb, uuid, double precision, text, uuid
) from public, anon, authenticated, service_role;
grant execute on function public.register_audio_narration(
    uuid, text, text, text, text, jsonb, jsonb, uuid, double precision, text, uuid
) to authenticated, service_role;
$migration$);

-- ===== multimedia/0005_create_slide_presentations =====
call pg_temp.dreamcut_db_apply('multimedia', '0005_create_slide_presentations', 'c0e12dd83c5f9a6c4d6c678f48700433b2388a33548d1c466bd1cc3bd06c465b', '4a3bd540a7f82484d05d078ce0db17da4f4b2ed7a3d389431339d78594b45857', $migration$
create table public.mm_slide_presentations (
    presentation_id uuid not null default gen_random_uuid(),
    session_id uuid not null,
    content_id uuid not null,
    company_id uuid not null,
    presentation_name text not null check (btrim(presentation_name) <> ''),
    presentation_type text not null default 'module' check (btrim(presentation_type) <> ''),
    slide_order jsonb not null default '[]' check (jsonb_typeof(slide_order) = 'array'),
    total_slides integer generated always as (jsonb_array_length(slide_order)) stored,
    template_used text,
    theme_config jsonb not null default '{}' check (jsonb_typeof(theme_config) = 'object'),
    pdf_generated boolean generated always as (pdf_asset_id is not null) stored,
    pptx_generated boolean generated always as (pptx_asset_id is not null) stored,
    html_generated boolean generated always as (html_asset_id is not null) stored,
    pdf_asset_id uuid,
    pptx_asset_id uuid,
    html_asset_id uuid,
    status text not null default 'completed' check (status in ('draft', 'generating', 'completed', 'failed')),
    created_at timestamptz not null default now(),
    primary key (company_id, presentation_id),
    foreign key (company_id, session_id, content_id)
    references public.mm_multimedia_sessions (company_id, session_id, content_id) on delete cascade,
    foreign key (company_id, pdf_asset_id, session_id)
    references public.mm_multimedia_assets (company_id, asset_id, session_id),
    foreign key (company_id, pptx_asset_id, session_id)
    references public.mm_multimedia_assets (company_id, asset_id, session_id),
    foreign key (company_id, html_asset_id, session_id)
    references public.mm_multimedia_assets (company_id, asset_id, session_id)
);
comment on table public.mm_slide_presentations is
'Slide decks of a session and their exports (video-pipeline-content-multimedia.md, mm_*, table 4).';
comment on column public.mm_slide_presentations.company_id is 'The session''s company (the foreign key keeps them equal).';
comment on column public.mm_slide_presentations.slide_order is 'JSON array of the slides in order.';
comment on column public.mm_slide_presentations.total_slides is 'Number of slides (generated: length of slide_order).';
comment on column public.mm_slide_presentations.pdf_generated is 'PDF export exists (generated: pdf_asset_id is set).';
comment on column public.mm_slide_presentations.pptx_generated is 'PowerPoint export exists (generated: pptx_asset_id is set).';
comment on column public.mm_slide_presentations.html_generated is 'HTML export exists (generated: html_asset_id is set).';
comment on column public.mm_slide_presentations.pdf_asset_id is 'The PDF export: a presentation asset of the same session.';
comment on column public.mm_slide_presentations.pptx_asset_id is 'The PPTX export: a presentation asset of the same session.';
comment on column public.mm_slide_presentations.html_asset_id is 'The HTML export: a presentation asset of the same session.';
create index idx_mm_slide_presentations_session_id on public.mm_slide_presentations (
    company_id, session_id, content_id
);
create index idx_mm_slide_presentations_presentation_id on public.mm_slide_presentations (presentation_id);
create index idx_mm_slide_presentations_pdf on public.mm_slide_presentations (company_id, pdf_asset_id, session_id);
create index idx_mm_slide_presentations_pptx on public.mm_slide_presentations (company_id, pptx_asset_id, session_id);
create index idx_mm_slide_presentations_html on public.mm_slide_presentations (company_id, html_asset_id, session_id);

call dreamcut_private.enable_company_isolation('public.mm_slide_presentations');

create function public.register_slide_presentation(
    p_session_id uuid,
    p_presentation_name text,
    p_slide_order jsonb default '[]',
    p_presentation_type text default 'module',
    p_template_used text default null,
    p_theme_config jsonb default '{}',
    p_pdf_asset_id uuid default null,
    p_pptx_asset_id uuid default null,
    p_html_asset_id uuid default null,
    p_status text default 'completed',
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_session public.mm_multimedia_sessions;
    v_bad record;
    v_presentation_id uuid;
begin
    if p_session_id is null then
        raise exception 'p_session_id is required' using errcode = '22023';
    end if;
    if p_presentation_name is null or btrim(p_presentation_name) = '' then
        raise exception 'p_presentation_name is required, got %', coalesce(quote_literal(p_presentation_name), 'null')
        using errcode = '22023';
    end if;
    if p_presentation_type is null or btrim(p_presentation_type) = '' then
        raise exception 'p_presentation_type is required, got %', coalesce(quote_literal(p_presentation_type), 'null')
        using errcode = '22023';
    end if;
    if p_slide_order is null or jsonb_typeof(p_slide_order) <> 'array' then
        raise exception 'p_slide_order must be a JSON array of slides, got %', coalesce(jsonb_typeof(p_slide_order), 'null')
        using errcode = '22023';
    end if;
    if p_theme_config is null or jsonb_typeof(p_theme_config) <> 'object' then
        raise exception 'p_theme_config must be a JSON object, got %', coalesce(jsonb_typeof(p_theme_config), 'null')
        using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('draft', 'generating', 'completed', 'failed') then
        raise exception 'p_status must be one of draft, generating, completed, failed, got %',
            coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;

    v_session := public.get_multimedia_session(p_session_id, p_company_id);
    select e.name, e.id into v_bad
    from (values (1, 'p_pdf_asset_id', p_pdf_asset_id), (2, 'p_pptx_asset_id', p_pptx_asset_id),
        (3, 'p_html_asset_id', p_html_asset_id)) as e (ord, name, id)
    where e.id is not null and not exists (
        select from public.mm_multimedia_assets as a
        where a.company_id = v_session.company_id and a.asset_id = e.id and a.session_id = p_session_id
            and a.asset_type = 'presentation'
    )
    order by e.ord
    limit 1;
    if found then
        raise exception '% % is not a presentation asset of session %', v_bad.name, v_bad.id, p_session_id
        using errcode = '22023';
    end if;

    insert into public.mm_slide_presentations (
        session_id, content_id, company_id, presentation_name, presentation_type, slide_order, template_used,
        theme_config, pdf_asset_id, pptx_asset_id, html_asset_id, status
    )
    values (
        p_session_id, v_session.content_id, v_session.company_id, p_presentation_name, p_presentation_type,
        p_slide_order, p_template_used, p_theme_config, p_pdf_asset_id, p_pptx_asset_id, p_html_asset_id, p_status
    )
    returning presentation_id into v_presentation_id;
    return v_presentation_id;
end
$$;
comment on function public.register_slide_presentation(
    uuid, text, jsonb, text, text, jsonb, uuid, uuid, uuid, text, uuid
) is
'Registers a slide presentation of a session with its exports (video-pipeline-content-multimedia.md, '
'mm_slide_presentations). p_session_id: the session; p_presentation_name: non-empty text; p_slide_order: JSON '
'array of the slides in order (total_slides is its length); p_presentation_type: non-empty text (default module); '
'p_template_used: text; p_theme_config: JSON object; p_pdf_asset_id, p_pptx_asset_id, p_html_asset_id: '
'presentation assets of the session, or null (pdf_generated, pptx_generated, html_generated follow); p_status: '
'draft | generating | completed | failed; p_company_id: optional, the session''s company (the distribution key; '
'without it the session is found by its id alone). Returns the new presentation_id (uuid). Errors: 22023 bad '
'parameter (export not a presentation asset of the session), P0002 unknown session (or another company''s). Writes '
'nothing on error.';
revoke all on function public.register_slide_presentation(
    uuid, text, jsonb, text, text, jsonb, uuid, uuid, uuid, text, uuid
) from public, anon, authenticated, service_role;
grant execute on function public.register_slide_presentation(
    uuid, text, jsonb, text, text, jsonb, uuid, uuid, uuid, text, uuid
) to authenticated, service_role;
$migration$);

-- ===== multimedia/0006_create_rendering_queue =====
call pg_temp.dreamcut_db_apply('multimedia', '0006_create_rendering_queue', 'fd91c82ed9750e36971dbcd4a6581690be8479d7557da7b74ad312b7e8602f87', '64d3bff8f93e5bad023704f935693fc0cbfddae51c396493f7158ab8a4608682', $migration$
create table public.mm_rendering_queue (
    job_id uuid not null default gen_random_uuid(),
    session_id uuid not null,
    company_id uuid not null,
    job_type text not null check (job_type ~ '^[a-z][a-z0-9_]{0,62}$'),
    payload jsonb not null default '{}' check (jsonb_typeof(payload) = 'object'),
    priority integer not null default 0 check (priority between -100 and 100),
    status text not null default 'queued' check (status in ('queued', 'running', 'completed', 'failed')),
    attempts integer not null default 0 check (attempts >= 0),
    max_attempts integer not null default 3 check (max_attempts between 1 and 100),
    run_after timestamptz not null default clock_timestamp(),
    locked_by text,
    locked_until timestamptz,
    heartbeat_at timestamptz,
    last_error text,
    result jsonb,
    created_at timestamptz not null default clock_timestamp(),
    updated_at timestamptz not null default now(),
    started_at timestamptz,
    completed_at timestamptz,
    check (attempts <= max_attempts),
    check (status <> 'queued' or attempts < max_attempts),
    check ((status = 'running') = (locked_by is not null and locked_until is not null)),
    check ((status in ('completed', 'failed')) = (completed_at is not null)),
    primary key (company_id, job_id),
    foreign key (company_id, session_id) references public.mm_multimedia_sessions (company_id, session_id)
    on delete cascade
);
comment on table public.mm_rendering_queue is
'Asynchronous rendering jobs of multimedia sessions (video-pipeline-content-multimedia.md, planned table '
'mm_rendering_queue): queued -> running (claimed by one worker under a lease) -> completed | failed, or back to '
'queued for a retry. Users of a company read their company''s jobs and enqueue jobs of their company''s sessions '
'at priority 0 (enqueue_rendering_job, or an insert of session_id, company_id, job_type, payload, max_attempts, '
'run_after); everything else is written by service_role (the workers).';
comment on column public.mm_rendering_queue.company_id is 'The session''s company (the foreign key keeps them equal).';
comment on column public.mm_rendering_queue.job_type is 'What to render, a lowercase name (e.g. module_video, section_video).';
comment on column public.mm_rendering_queue.payload is 'Job parameters for the worker (JSON object).';
comment on column public.mm_rendering_queue.priority is 'Higher first (-100..100); users enqueue at 0.';
comment on column public.mm_rendering_queue.attempts is 'Times the job was claimed (each claim is an attempt).';
comment on column public.mm_rendering_queue.max_attempts is 'Attempts allowed before the job fails for good.';
comment on column public.mm_rendering_queue.run_after is 'Not claimed before this time (retry backoff, scheduling).';
comment on column public.mm_rendering_queue.locked_by is 'The worker holding a running job.';
comment on column public.mm_rendering_queue.locked_until is
'End of the running job''s lease; after it, another worker may take the job over.';
comment on column public.mm_rendering_queue.result is 'What the worker reported on completion (JSON).';
comment on column public.mm_rendering_queue.created_at is
'clock_timestamp() of the insert: jobs of equal priority and run_after are claimed first in, first out (job_id '
'breaks a tie: the order holds on any node).';
create index idx_mm_rendering_queue_next on public.mm_rendering_queue (priority desc, run_after, created_at, job_id)
where status = 'queued';
create index idx_mm_rendering_queue_lease on public.mm_rendering_queue (locked_until) where status = 'running';
create index idx_mm_rendering_queue_session_id on public.mm_rendering_queue (company_id, session_id);
create index idx_mm_rendering_queue_company_id on public.mm_rendering_queue (company_id, created_at desc);
create index idx_mm_rendering_queue_job_id on public.mm_rendering_queue (job_id);
-- A claim leaves the job's old entry at the head of idx_mm_rendering_queue_next (a finished job, one at the head
-- of idx_mm_rendering_queue_lease): every later claim walks these dead entries until VACUUM removes them. By
-- default autovacuum waits until a fifth of the table is dead and may then skip the indexes, so that walk would
-- grow with the queue's history; here it comes after a fixed number of changes and always cleans the indexes.
alter table public.mm_rendering_queue set (
    autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, vacuum_index_cleanup = on
);

alter table public.mm_rendering_queue enable row level security;
revoke all on table public.mm_rendering_queue from public, anon, authenticated, service_role;
grant select on table public.mm_rendering_queue to authenticated;
-- Users enqueue: the columns of a new job, not its state (status, attempts, lease, result: their defaults).
grant insert (session_id, company_id, job_type, payload, priority, max_attempts, run_after)
on table public.mm_rendering_queue to authenticated;
grant select, insert, update, delete on table public.mm_rendering_queue to service_role;
create policy mm_rendering_queue_select_company on public.mm_rendering_queue
for select to authenticated
using (company_id = (select dreamcut_private.jwt_company_id()));
-- A job of the user's company (the foreign key ties it to a session of that company) at priority 0.
create policy mm_rendering_queue_insert_company on public.mm_rendering_queue
for insert to authenticated
with check (company_id = (select dreamcut_private.jwt_company_id()) and priority = 0);

create trigger trigger_mm_rendering_queue_updated_at
before update on public.mm_rendering_queue
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.notify_rendering_job() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    perform pg_notify(
        'mm_rendering_queue',
        json_build_object('job_id', new.job_id, 'job_type', new.job_type, 'run_after', new.run_after)::text
    );
    return null;
end
$$;
comment on function dreamcut_private.notify_rendering_job() is
'AFTER INSERT and AFTER UPDATE OF status trigger function on mm_rendering_queue, run when a job becomes queued '
'(enqueued, or requeued for a retry: the triggers'' WHEN clauses): pg_notify on channel mm_rendering_queue with '
'{job_id, job_type, run_after}, so idle workers that LISTEN wake up instead of polling. Returns null.';
revoke all on function dreamcut_private.notify_rendering_job() from public;

create trigger trigger_mm_rendering_queue_notify_enqueued
after insert on public.mm_rendering_queue
for each row when (new.status = 'queued') execute function dreamcut_private.notify_rendering_job();

create trigger trigger_mm_rendering_queue_notify_requeued
after update of status on public.mm_rendering_queue
for each row when (new.status = 'queued' and old.status <> 'queued')
execute function dreamcut_private.notify_rendering_job();

create function public.enqueue_rendering_job(
    p_session_id uuid,
    p_job_type text,
    p_payload jsonb default '{}',
    p_priority integer default 0,
    p_max_attempts integer default 3,
    p_run_after timestamptz default null,
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    -- security invoker: current_user is the API role PostgREST set (or service_role, or a direct session)
    v_end_user boolean := current_user in ('anon', 'authenticated');
    v_company_id uuid;
    v_run_after timestamptz := coalesce(p_run_after, clock_timestamp());
    v_job_id uuid;
begin
    if p_session_id is null then
        raise exception 'p_session_id is required' using errcode = '22023';
    end if;
    if p_job_type is null or p_job_type !~ '^[a-z][a-z0-9_]{0,62}$' then
        raise exception 'p_job_type must be a lowercase name (a-z, 0-9, _), e.g. module_video, got %',
            coalesce(quote_literal(p_job_type), 'null')
        using errcode = '22023';
    end if;
    if p_payload is null or jsonb_typeof(p_payload) <> 'object' then
        raise exception 'p_payload must be a JSON object, got %', coalesce(jsonb_typeof(p_payload), 'null')
        using errcode = '22023';
    end if;
    if p_priority is null or p_priority not between -100 and 100 then
        raise exception 'p_priority must be between -100 and 100, got %', coalesce(p_priority::text, 'null')
        using errcode = '22023';
    end if;
    if p_max_attempts is null or p_max_attempts not between 1 and 100 then
        raise exception 'p_max_attempts must be between 1 and 100, got %', coalesce(p_max_attempts::text, 'null')
        using errcode = '22023';
    end if;
    if v_end_user and p_priority <> 0 then
        raise exception 'p_priority % is for the backend (service_role) only: users enqueue at priority 0', p_priority
        using errcode = '42501';
    end if;
    -- Security invoker: RLS shows a signed-in user its company's sessions only, and lets it insert jobs of
    -- its company at priority 0 (policy mm_rendering_queue_insert_company).
    select s.company_id into v_company_id
    from public.mm_multimedia_sessions as s
    where s.session_id = p_session_id and (p_company_id is null or s.company_id = p_company_id);
    if not found then
        raise exception 'multimedia session % not found (p_session_id)', p_session_id using errcode = 'P0002';
    end if;

    insert into public.mm_rendering_queue (session_id, company_id, job_type, payload, priority, max_attempts, run_after)
    values (
        p_session_id, v_company_id, p_job_type, p_payload, p_priority, p_max_attempts, v_run_after
    )
    returning job_id into v_job_id;
    return v_job_id;
end
$$;
comment on function public.enqueue_rendering_job(uuid, text, jsonb, integer, integer, timestamptz, uuid) is
'Queues a rendering job for a session (video-pipeline-content-multimedia.md, mm_rendering_queue, "async video '
'processing"). p_session_id: a session of the caller''s company; p_job_type: lowercase name (e.g. module_video); '
'p_payload: JSON object for the worker; p_priority: -100..100, higher first (signed-in users: 0 only); '
'p_max_attempts: 1..100; p_run_after: not before this time (default: the clock time of the call); p_company_id: '
'optional, the session''s company (the distribution key; without it the session is found by its id alone). Returns '
'the new job_id (uuid), status queued, and notifies channel mm_rendering_queue. Errors: 22023 bad parameter, 42501 '
'a signed-in user setting a priority, P0002 unknown session (or another company''s). Writes nothing on error. '
'Security invoker (RLS and the column grants on the queue apply); executable by authenticated and service_role.';
revoke all on function public.enqueue_rendering_job(uuid, text, jsonb, integer, integer, timestamptz, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.enqueue_rendering_job(uuid, text, jsonb, integer, integer, timestamptz, uuid)
to authenticated, service_role;
$migration$);

-- ===== multimedia/0007_create_rendering_queue_worker_functions =====
call pg_temp.dreamcut_db_apply('multimedia', '0007_create_rendering_queue_worker_functions', '50f6c2af415effd632df497267b0953dd545ab8be621b38f08a47c4a5479b0c1', '5607027358d49b50526db31d19c7f8b99cbd05c4d0020fbd79a068b241c94455', $migration$
create function public.claim_rendering_job(
    p_worker_id text,
    p_lease_seconds integer default 300,
    p_job_types text[] default null,
    p_company_id uuid default null
) returns setof public.mm_rendering_queue
language plpgsql volatile
set search_path = ''
as $$
declare
    v_now timestamptz := clock_timestamp();
begin
    if p_worker_id is null or btrim(p_worker_id) = '' then
        raise exception 'p_worker_id is required, got %', coalesce(quote_literal(p_worker_id), 'null')
        using errcode = '22023';
    end if;
    if p_lease_seconds is null or p_lease_seconds not between 1 and 86400 then
        raise exception 'p_lease_seconds must be between 1 and 86400 seconds, got %', coalesce(p_lease_seconds::text, 'null')
        using errcode = '22023';
    end if;

    -- Jobs whose worker stopped sending heartbeats: back to the queue, or failed once out of attempts.
    update public.mm_rendering_queue as q
    set status = case when q.attempts >= q.max_attempts then 'failed' else 'queued' end,
        completed_at = case when q.attempts >= q.max_attempts then v_now end,
        last_error = format('lease of worker %s expired at %s (attempt %s of %s)', q.locked_by, q.locked_until,
            q.attempts, q.max_attempts),
        locked_by = null,
        locked_until = null
    from (
        select e.company_id, e.job_id from public.mm_rendering_queue as e
        where e.status = 'running' and e.locked_until < v_now and (p_company_id is null or e.company_id = p_company_id)
        order by e.locked_until
        for update skip locked
    ) as expired
    where q.company_id = expired.company_id and q.job_id = expired.job_id;

    return query
    with next_job as (
        select n.company_id, n.job_id from public.mm_rendering_queue as n
        where n.status = 'queued' and n.run_after <= v_now and (p_job_types is null or n.job_type = any(p_job_types))
            and (p_company_id is null or n.company_id = p_company_id)
        order by n.priority desc, n.run_after, n.created_at, n.job_id
        limit 1
        for update skip locked
    ),
    claimed as (
        update public.mm_rendering_queue as q
        set status = 'running',
            attempts = q.attempts + 1,
            locked_by = p_worker_id,
            locked_until = v_now + make_interval(secs => p_lease_seconds),
            heartbeat_at = v_now,
            started_at = coalesce(q.started_at, v_now)
        from next_job
        where q.company_id = next_job.company_id and q.job_id = next_job.job_id
        returning q.*
    )
    select * from claimed;
end
$$;
comment on function public.claim_rendering_job(text, integer, text[], uuid) is
'A worker takes the next rendering job (video-pipeline-content-multimedia.md, mm_rendering_queue). p_worker_id: '
'non-empty worker name; p_lease_seconds: 1..86400, how long the job is the worker''s without a heartbeat; '
'p_job_types: only these job types, or null for any; p_company_id: only jobs of this company (one shard on Citus), '
'or null for any. First returns expired leases to the queue (or fails them when out of attempts), then claims the '
'queued job with the highest priority, earliest run_after, oldest (then lowest job_id), whose run_after has come, '
'with FOR UPDATE SKIP LOCKED: concurrent workers never get the same job. Returns the claimed mm_rendering_queue '
'row (status running, attempts + 1, locked_by, locked_until), or no row when nothing is due. Errors: 22023 bad '
'parameter. Executable by service_role only.';
revoke all on function public.claim_rendering_job(text, integer, text[], uuid) from public, anon, authenticated, service_role;
grant execute on function public.claim_rendering_job(text, integer, text[], uuid) to service_role;

create function dreamcut_private.running_job_of_worker(p_job_id uuid, p_worker_id text, p_company_id uuid default null)
returns public.mm_rendering_queue
language plpgsql volatile
set search_path = ''
as $$
declare
    v_company_id uuid := p_company_id;
    v_job public.mm_rendering_queue;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_worker_id is null or btrim(p_worker_id) = '' then
        raise exception 'p_worker_id is required, got %', coalesce(quote_literal(p_worker_id), 'null')
        using errcode = '22023';
    end if;
    -- The company first, so that the lock names the whole key (one shard on Citus, where a lock over all shards
    -- is refused).
    if v_company_id is null then
        select q.company_id into v_company_id from public.mm_rendering_queue as q where q.job_id = p_job_id;
    end if;
    select * into v_job from public.mm_rendering_queue
    where company_id = v_company_id and job_id = p_job_id
    for update;
    if not found then
        raise exception 'rendering job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_job.status <> 'running' or v_job.locked_by <> p_worker_id then
        raise exception 'rendering job % is not running for worker % (status %, worker %): its lease expired and it '
            'was taken over, or it is finished', p_job_id, quote_literal(p_worker_id), v_job.status,
            coalesce(quote_literal(v_job.locked_by), 'none')
        using errcode = '55000';
    end if;
    return v_job;
end
$$;
comment on function dreamcut_private.running_job_of_worker(uuid, text, uuid) is
'Locks and returns a rendering job that p_worker_id is running (shared check of the heartbeat, complete and fail '
'functions). p_company_id: optional, the job''s company. A job whose lease expired is still the worker''s until '
'another worker claims it. Errors: 22023 bad parameter, P0002 unknown job, 55000 job not running or running for '
'another worker.';
revoke all on function dreamcut_private.running_job_of_worker(uuid, text, uuid) from public;
grant execute on function dreamcut_private.running_job_of_worker(uuid, text, uuid) to service_role;

create function public.heartbeat_rendering_job(
    p_job_id uuid, p_worker_id text, p_lease_seconds integer default 300, p_company_id uuid default null
)
returns timestamptz
language plpgsql volatile
set search_path = ''
as $$
declare
    v_job public.mm_rendering_queue;
    v_now timestamptz := clock_timestamp();
    v_locked_until timestamptz;
begin
    if p_lease_seconds is null or p_lease_seconds not between 1 and 86400 then
        raise exception 'p_lease_seconds must be between 1 and 86400 seconds, got %', coalesce(p_lease_seconds::text, 'null')
        using errcode = '22023';
    end if;
    v_job := dreamcut_private.running_job_of_worker(p_job_id, p_worker_id, p_company_id);
    update public.mm_rendering_queue
    set locked_until = v_now + make_interval(secs => p_lease_seconds), heartbeat_at = v_now
    where company_id = v_job.company_id and job_id = p_job_id
    returning locked_until into v_locked_until;
    return v_locked_until;
end
$$;
comment on function public.heartbeat_rendering_job(uuid, text, integer, uuid) is
'A worker extends the lease of the job it runs (mm_rendering_queue). p_job_id: the job; p_worker_id: the worker '
'that claimed it; p_lease_seconds: 1..86400, the new lease from now; p_company_id: optional, the job''s company '
'(the distribution key; without it the job is found by its id alone). Returns the new locked_until (timestamptz). '
'Errors: 22023 bad parameter, P0002 unknown job, 55000 the job is not running for this worker (finished, or taken '
'over after the lease expired: the worker must stop). Executable by service_role only.';
revoke all on function public.heartbeat_rendering_job(uuid, text, integer, uuid) from public, anon, authenticated, service_role;
grant execute on function public.heartbeat_rendering_job(uuid, text, integer, uuid) to service_role;

create function public.complete_rendering_job(
    p_job_id uuid, p_worker_id text, p_result jsonb default null, p_company_id uuid default null
)
returns public.mm_rendering_queue
language plpgsql volatile
set search_path = ''
as $$
declare
    v_job public.mm_rendering_queue;
    v_now timestamptz := clock_timestamp();
begin
    if p_result is not null and jsonb_typeof(p_result) not in ('object', 'array') then
        raise exception 'p_result must be a JSON object or array, got %', jsonb_typeof(p_result) using errcode = '22023';
    end if;
    v_job := dreamcut_private.running_job_of_worker(p_job_id, p_worker_id, p_company_id);
    update public.mm_rendering_queue
    set status = 'completed', result = p_result, completed_at = v_now, locked_by = null, locked_until = null,
        last_error = null
    where company_id = v_job.company_id and job_id = p_job_id
    returning * into v_job;
    return v_job;
end
$$;
comment on function public.complete_rendering_job(uuid, text, jsonb, uuid) is
'A worker reports its job done (mm_rendering_queue). p_job_id: the job; p_worker_id: the worker running it; '
'p_result: JSON object or array (e.g. the rendered asset ids), or null; p_company_id: optional, the job''s company '
'(the distribution key; without it the job is found by its id alone). Returns the updated mm_rendering_queue row '
'(status completed, completed_at, lease released). Errors: 22023 bad parameter, P0002 unknown job, 55000 the job '
'is not running for this worker. Executable by service_role only.';
revoke all on function public.complete_rendering_job(uuid, text, jsonb, uuid) from public, anon, authenticated, service_role;
grant execute on function public.complete_rendering_job(uuid, text, jsonb, uuid) to service_role;

create function public.fail_rendering_job(
    p_job_id uuid,
    p_worker_id text,
    p_error text,
    p_retry boolean default true,
    p_retry_delay_seconds integer default null,
    p_company_id uuid default null
) returns public.mm_rendering_queue
language plpgsql volatile
set search_path = ''
as $$
declare
    v_job public.mm_rendering_queue;
    v_now timestamptz := clock_timestamp();
    v_retry boolean;
    v_run_after timestamptz;
    v_completed_at timestamptz;
begin
    if p_error is null or btrim(p_error) = '' then
        raise exception 'p_error is required, got %', coalesce(quote_literal(p_error), 'null') using errcode = '22023';
    end if;
    if p_retry_delay_seconds is not null and p_retry_delay_seconds not between 0 and 86400 then
        raise exception 'p_retry_delay_seconds must be between 0 and 86400 seconds, got %', p_retry_delay_seconds
        using errcode = '22023';
    end if;
    v_job := dreamcut_private.running_job_of_worker(p_job_id, p_worker_id, p_company_id);
    v_retry := coalesce(p_retry, true) and v_job.attempts < v_job.max_attempts;
    if v_retry then
        v_run_after := v_now + make_interval(
            secs => coalesce(p_retry_delay_seconds, least(3600, 30 * power(2, v_job.attempts - 1)))
        );
    else
        v_run_after := v_job.run_after;
        v_completed_at := v_now;
    end if;
    update public.mm_rendering_queue
    set status = case when v_retry then 'queued' else 'failed' end,
        run_after = v_run_after,
        completed_at = v_completed_at,
        last_error = p_error,
        locked_by = null,
        locked_until = null
    where company_id = v_job.company_id and job_id = p_job_id
    returning * into v_job;
    return v_job;
end
$$;
comment on function public.fail_rendering_job(uuid, text, text, boolean, integer, uuid) is
'A worker reports its job failed (mm_rendering_queue). p_job_id: the job; p_worker_id: the worker running it; '
'p_error: non-empty text (kept in last_error); p_retry: false to fail for good; p_retry_delay_seconds: 0..86400 '
'before the retry (default backoff 30 s x 2^(attempts-1), at most 1 hour); p_company_id: optional, the job''s '
'company (the distribution key; without it the job is found by its id alone). With retry and attempts left the job '
'goes back to queued with run_after in the future; otherwise it fails (completed_at set). Returns the updated '
'mm_rendering_queue row. Errors: 22023 bad parameter, P0002 unknown job, 55000 the job is not running for this '
'worker. Executable by service_role only.';
revoke all on function public.fail_rendering_job(uuid, text, text, boolean, integer, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.fail_rendering_job(uuid, text, text, boolean, integer, uuid) to service_role;
$migration$);

-- ===== multimedia/0008_enable_multimedia_realtime_publication =====
call pg_temp.dreamcut_db_apply('multimedia', '0008_enable_multimedia_realtime_publication', '1e6923a1058a6ea722ff69c2a94a782b1840bd16fc8a728110a38a3bc8238cf3', '4680773d0a26040c130f786b42f3505a9da585710d5b515a2729aaf86471d620', $migration$
alter publication supabase_realtime add table public.mm_multimedia_sessions, public.mm_rendering_queue;
$migration$);

-- ===== render/0001_create_render_security_helpers =====
call pg_temp.dreamcut_db_apply('render', '0001_create_render_security_helpers', '011552ab463888194d718248acc27f0822f816a10235052ab14a3d1a985169b8', '524d1d16d475bf194cde64139580dcef5e399dbe192a25789ba891763f33a62c', $migration$
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
$migration$);

-- ===== render/0002_create_render_jobs =====
call pg_temp.dreamcut_db_apply('render', '0002_create_render_jobs', '9fc0ad526d3a3e48ba996a8f7a15ef89b09d37b52ecb9f20bc08032b47985222', '3781a8ac1508fcd2981967fe22ee88b9365ba71dd606844c7d02f9a94b3d525b', $migration$
create type public.job_status as enum ('pending', 'processing', 'completed', 'failed', 'cancelled', 'timeout');
comment on type public.job_status is
'Render job status (video-platform-database.md): pending -> processing -> completed | failed | cancelled | timeout; '
'a pending job may also end cancelled, failed or timeout. completed, failed, cancelled and timeout are terminal.';

create type public.processing_step as enum (
    'validation', 'download', 'processing', 'composition', 'encoding', 'upload', 'cleanup'
);
comment on type public.processing_step is
'Steps of the render pipeline, in pipeline order, recorded in processing_timeline (video-platform-database.md).';

create type public.response_type as enum ('immediate', 'async');
comment on type public.response_type is
'Dual response system (video-platform-database.md): immediate = the API waits for the result; async = the API '
'returns the job id at once and the client follows the job (realtime or polling).';

create table public.jobs (
    id uuid primary key default gen_random_uuid(),
    user_id uuid default auth.uid(),
    client_ip inet default dreamcut_private.client_ip(),
    user_agent text check (length(user_agent) <= 1000),

    output_format text not null default 'mp4' check (output_format in ('mp4', 'webm', 'mov', 'mkv', 'gif')),
    width integer not null check (width between 16 and 8192),
    height integer not null check (height between 16 and 8192),
    fps numeric(6, 3) not null default 30 check (fps > 0 and fps <= 120),
    duration_seconds numeric(10, 3) check (duration_seconds > 0 and duration_seconds <= 14400),

    status public.job_status not null default 'pending',
    progress_percentage integer not null default 0 check (progress_percentage between 0 and 100),
    current_step public.processing_step,
    response_type public.response_type not null default 'immediate',

    s3_bucket text check (length(s3_bucket) between 3 and 63),
    s3_key text check (length(s3_key) between 1 and 1024),
    result_url text check (result_url ~ '^(https?|s3)://\S+$'),
    file_size_bytes bigint check (file_size_bytes >= 0),
    error_message text,
    error_code text check (length(error_code) <= 50),
    metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),

    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    started_at timestamptz,
    completed_at timestamptz,
    expires_at timestamptz,

    constraint jobs_even_dimensions check (output_format = 'gif' or (width % 2 = 0 and height % 2 = 0)),
    constraint jobs_s3_key_has_bucket check (s3_key is null or s3_bucket is not null),
    constraint jobs_started_after_created check (started_at >= created_at),
    constraint jobs_completed_after_started check (completed_at >= coalesce(started_at, created_at)),
    constraint jobs_expires_after_created check (expires_at > created_at),
    constraint jobs_status_timestamps check (
        case status
            when 'pending' then started_at is null and completed_at is null
            when 'processing' then started_at is not null and completed_at is null
            when 'completed' then started_at is not null and completed_at is not null and result_url is not null
            else completed_at is not null
        end
    ),
    constraint jobs_completed_progress check (status <> 'completed' or progress_percentage = 100),
    constraint jobs_failure_has_error check (status not in ('failed', 'timeout') or error_message is not null)
);
comment on table public.jobs is
'One video render job (video-platform-database.md, table jobs): the requested output, who asked for it, its '
'status and progress, the dual response type and the S3 result.';
comment on column public.jobs.user_id is 'Owner: auth.uid() of a signed-in caller; null for an anonymous (public API) job.';
comment on column public.jobs.client_ip is
'Address of the public API caller (first x-forwarded-for entry of the request); an anonymous caller sees the '
'anonymous jobs of its own address.';
comment on column public.jobs.output_format is 'Container of the rendered file: mp4, webm, mov, mkv or gif.';
comment on column public.jobs.width is 'Canvas width in pixels, 16..8192 (even except for gif).';
comment on column public.jobs.height is 'Canvas height in pixels, 16..8192 (even except for gif).';
comment on column public.jobs.fps is 'Frames per second, > 0 and <= 120 (e.g. 25, 29.97).';
comment on column public.jobs.duration_seconds is
'Length of the job''s timeline in seconds (<= 14400), or null when the elements define it. Every element ends '
'inside it.';
comment on column public.jobs.progress_percentage is '0..100; never goes back; 100 when completed.';
comment on column public.jobs.current_step is 'The processing step that started last.';
comment on column public.jobs.response_type is 'immediate or async (the dual response system).';
comment on column public.jobs.result_url is 'URL of the rendered file (https:// or s3://); required once completed.';
comment on column public.jobs.file_size_bytes is 'Size of the rendered file in bytes.';
comment on column public.jobs.started_at is 'When the job moved to processing.';
comment on column public.jobs.completed_at is 'When the job reached a terminal status (completed, failed, cancelled or timeout).';
comment on column public.jobs.expires_at is 'When the result (S3 object, signed URL) expires; null: no expiry.';

create index idx_jobs_user_id on public.jobs (user_id, created_at desc);
create index idx_jobs_anonymous_client_ip on public.jobs (client_ip, created_at desc) where user_id is null;
create index idx_jobs_status on public.jobs (status, created_at);
create index idx_jobs_created_at on public.jobs (created_at);
-- (completed_at, id): the keyset of the jobs' retention batches (cleanup_old_jobs): each batch starts exactly
-- where the previous one ended, even among equal timestamps.
create index idx_jobs_completed_at on public.jobs (completed_at, id) where completed_at is not null;

alter table public.jobs enable row level security;
revoke all on table public.jobs from public, anon, authenticated, service_role;
grant select on table public.jobs to anon, authenticated;
grant insert (
    user_id, client_ip, user_agent, output_format, width, height, fps, duration_seconds, response_type, metadata
) on table public.jobs to anon, authenticated;
-- Cancelling is the only update an end user may make (the policies demand the result be cancelled).
grant update (status, error_message, error_code) on table public.jobs to anon, authenticated;
grant delete on table public.jobs to authenticated;
grant select, insert, update, delete on table public.jobs to service_role;

create policy jobs_select_anon on public.jobs
for select to anon
using (user_id is null and client_ip = (select dreamcut_private.client_ip()));
comment on policy jobs_select_anon on public.jobs is
'Anonymous callers see the anonymous jobs created from their own address (client_ip() = x-forwarded-for).';

create policy jobs_select_authenticated on public.jobs
for select to authenticated
using (user_id = (select auth.uid()) or (select dreamcut_private.is_admin()));
comment on policy jobs_select_authenticated on public.jobs is
'Signed-in users see their own jobs; admins (JWT app_metadata.role = admin) see every job.';

create policy jobs_insert_anon on public.jobs
for insert to anon
with check (user_id is null and client_ip = (select dreamcut_private.client_ip()));
comment on policy jobs_insert_anon on public.jobs is
'Anonymous callers create anonymous jobs recorded with their own address (the public API).';

create policy jobs_insert_authenticated on public.jobs
for insert to authenticated
with check (user_id = (select auth.uid()) and client_ip is not distinct from (select dreamcut_private.client_ip()));
comment on policy jobs_insert_authenticated on public.jobs is
'Signed-in users create jobs owned by themselves, recorded with their own address.';

create policy jobs_cancel_anon on public.jobs
for update to anon
using (user_id is null and client_ip = (select dreamcut_private.client_ip()) and status in ('pending', 'processing'))
with check (user_id is null and client_ip = (select dreamcut_private.client_ip()) and status = 'cancelled');
comment on policy jobs_cancel_anon on public.jobs is
'Anonymous callers cancel their own pending or processing anonymous jobs (the only update they may make).';

create policy jobs_cancel_authenticated on public.jobs
for update to authenticated
using ((user_id = (select auth.uid()) or (select dreamcut_private.is_admin())) and status in ('pending', 'processing'))
with check ((user_id = (select auth.uid()) or (select dreamcut_private.is_admin())) and status = 'cancelled');
comment on policy jobs_cancel_authenticated on public.jobs is
'Signed-in users cancel their own pending or processing jobs, admins any (the only update they may make).';

create policy jobs_delete_admin on public.jobs
for delete to authenticated
using ((select dreamcut_private.is_admin()));
comment on policy jobs_delete_admin on public.jobs is 'Admins delete any job (its child rows go with it).';

create function dreamcut_private.can_subscribe_to_job(p_job_id uuid) returns boolean
language sql stable
security definer
set search_path = ''
as $$
    select exists (
        select from public.jobs as j
        where j.id = p_job_id
            and case dreamcut_private.user_role()
                when 'anon' then j.user_id is null and j.client_ip = dreamcut_private.client_ip()
                when 'authenticated' then j.user_id = auth.uid()
                else true
            end
    )
$$;
comment on function dreamcut_private.can_subscribe_to_job(uuid) is
'The document''s auth.can_subscribe_to_job(uuid) (video-platform-database.md, "Real-time Subscriptions"): true '
'when the caller may see job p_job_id and so follow its realtime updates, by the same rule as the jobs RLS '
'policies: anon the anonymous jobs of its own address, a signed-in user its own jobs, admins and service '
'accounts every job. Returns boolean (false for an unknown job); raises nothing. For Realtime Authorization '
'policies and triggers.';
revoke all on function dreamcut_private.can_subscribe_to_job(uuid) from public, anon, authenticated, service_role;
grant execute on function dreamcut_private.can_subscribe_to_job(uuid) to anon, authenticated, service_role;

create function dreamcut_private.validate_job_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.id <> old.id then
        raise exception 'job % cannot change its id', old.id using errcode = '55000';
    end if;
    if (new.output_format, new.width, new.height, new.fps) is distinct from (old.output_format, old.width, old.height, old.fps)
        or new.duration_seconds is distinct from old.duration_seconds then
        raise exception 'job % keeps the output format, dimensions, fps and duration it was created with (%x% % at % fps)',
            old.id, old.width, old.height, old.output_format, old.fps
        using errcode = '55000';
    end if;
    if new.status is distinct from old.status then
        if old.status in ('completed', 'failed', 'cancelled', 'timeout') then
            raise exception 'job % is already %: a finished job keeps its status (refused: %)', old.id, old.status, new.status
            using errcode = '55000';
        end if;
        if not (
            (old.status = 'pending' and new.status in ('processing', 'failed', 'cancelled', 'timeout'))
            or (old.status = 'processing' and new.status in ('completed', 'failed', 'cancelled', 'timeout'))
        ) then
            raise exception 'job % cannot go from % to %: status only moves forward', old.id, old.status, new.status
            using errcode = '55000';
        end if;
        if new.status = 'processing' then
            new.started_at := coalesce(new.started_at, clock_timestamp());
        else
            new.completed_at := coalesce(new.completed_at, clock_timestamp());
        end if;
        if new.status = 'completed' then
            new.progress_percentage := 100;
        end if;
    end if;
    if new.progress_percentage <> old.progress_percentage then
        if new.progress_percentage < old.progress_percentage then
            raise exception 'job % progress cannot go back from % to %', old.id, old.progress_percentage,
                new.progress_percentage
            using errcode = '55000';
        end if;
        if old.status <> 'processing' then
            raise exception 'job % is %: its progress can only change while it is processing', old.id, old.status
            using errcode = '55000';
        end if;
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_job_update() is
'BEFORE UPDATE trigger function on jobs (video-platform-database.md, "Validation triggers"): status only moves '
'forward (pending -> processing | failed | cancelled | timeout, processing -> completed | failed | cancelled | '
'timeout) and a completed, failed, cancelled or timed-out job keeps its status; sets started_at on processing, '
'completed_at on a terminal status and progress 100 on completed; progress never goes back and only changes '
'while processing; output format, dimensions, fps and duration are fixed at creation. Raises 55000.';
revoke all on function dreamcut_private.validate_job_update() from public, anon, authenticated, service_role;

create trigger trigger_validate_job_update
before update on public.jobs
for each row execute function dreamcut_private.validate_job_update();

create trigger trigger_jobs_updated_at
before update on public.jobs
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.notify_job_change() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_payload text := json_build_object(
        'id', new.id,
        'status', new.status,
        'progress_percentage', new.progress_percentage,
        'current_step', new.current_step
    )::text;
begin
    perform pg_notify('jobs:' || new.id, v_payload);
    perform pg_notify('jobs', v_payload);
    return null;
end
$$;
comment on function dreamcut_private.notify_job_change() is
'AFTER INSERT / AFTER UPDATE (of status, progress or current step) trigger function on jobs: pg_notify on channel '
'jobs:<job id> (one job''s subscribers) and jobs (active job monitoring) with a small JSON payload {"id", '
'"status", "progress_percentage", "current_step"}, for plain-PostgreSQL listeners (video-platform-database.md, '
'"Real-time Subscriptions"). The triggers fire unless the setting dreamcut.notify is ''off'' (Supabase, where '
'Realtime reads the publication; Citus, where a worker cannot notify inside a two-phase commit). Raises nothing.';
revoke all on function dreamcut_private.notify_job_change() from public, anon, authenticated, service_role;

create trigger trigger_notify_job_insert
after insert on public.jobs
for each row
when (current_setting('dreamcut.notify', true) is distinct from 'off')
execute function dreamcut_private.notify_job_change();

create trigger trigger_notify_job_update
after update on public.jobs
for each row
when (
    (
        old.status is distinct from new.status
        or old.progress_percentage is distinct from new.progress_percentage
        or old.current_step is distinct from new.current_step
    )
    and current_setting('dreamcut.notify', true) is distinct from 'off'
)
execute function dreamcut_private.notify_job_change();

create function dreamcut_private.broadcast_job_change() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    -- A Realtime older than realtime.send (self-hosted) has nothing to send with: the job's update goes on.
    if to_regprocedure('realtime.send(jsonb, text, text, boolean)') is not null then
        perform realtime.send(
            jsonb_build_object(
                'id', new.id,
                'status', new.status,
                'progress_percentage', new.progress_percentage,
                'current_step', new.current_step
            ),
            'job_status',
            'render_job:' || new.id,
            false
        );
    end if;
    return null;
end
$$;
comment on function dreamcut_private.broadcast_job_change() is
'AFTER UPDATE (of status, progress or current step) trigger function on jobs, for anonymous jobs: Realtime '
'Broadcast from the database (video-platform-database.md, "Job Status Updates", subscribeToJobStatus), for '
'anonymous followers, whom postgres_changes cannot serve (Realtime sets no request headers, so the anonymous '
'rule, the caller''s address, never matches there). realtime.send on the public topic render_job:<job id>, '
'event job_status, payload {"id", "status", "progress_percentage", "current_step"}: whoever knows the job id '
'(create_job returned it to its creator) can follow the job; nothing else is sent. Security definer: '
'realtime.send is the owner''s to call. Raises nothing (realtime.send turns failures into warnings).';
revoke all on function dreamcut_private.broadcast_job_change() from public, anon, authenticated, service_role;

create trigger trigger_broadcast_anonymous_job_update
after update on public.jobs
for each row
when (
    new.user_id is null
    and (
        old.status is distinct from new.status
        or old.progress_percentage is distinct from new.progress_percentage
        or old.current_step is distinct from new.current_step
    )
)
execute function dreamcut_private.broadcast_job_change();

alter publication supabase_realtime add table public.jobs;
$migration$);

-- ===== render/0003_create_render_elements =====
call pg_temp.dreamcut_db_apply('render', '0003_create_render_elements', '76ec1d1c8ca21fb67f8bd5478b79c0377fb613a317f39f79aaa71a35468065f5', '69058a7d8ed2fa15cdaff41db568b1da98e7d46a2e26c8c0452c257e41c20231', $migration$
create type public.element_type as enum ('video', 'image', 'audio', 'text', 'overlay');
comment on type public.element_type is 'Kind of a video composition element (video-platform-database.md).';

create type public.fit_mode as enum ('auto', 'contain', 'cover', 'fill', 'stretch');
comment on type public.fit_mode is 'How an element''s media is fitted into its box (video-platform-database.md).';

create table public.elements (
    id uuid not null default gen_random_uuid(),
    job_id uuid not null references public.jobs (id) on delete cascade,
    type public.element_type not null,
    source_url text check (source_url ~ '^(https?|s3)://\S+$' and length(source_url) <= 2048),
    text_content text check (length(text_content) between 1 and 10000),

    position_x integer check (position_x >= 0),
    position_y integer check (position_y >= 0),
    width integer check (width > 0),
    height integer check (height > 0),
    fit_mode public.fit_mode not null default 'auto',

    start_time numeric(10, 3) not null default 0 check (start_time >= 0 and start_time < 14400),
    duration numeric(10, 3) check (duration > 0 and duration <= 14400),
    layer_order integer not null default 0 check (layer_order between 0 and 1000),

    processing_status text not null default 'pending'
    check (processing_status in ('pending', 'processing', 'completed', 'failed')),
    local_path text,
    error_message text,
    metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),

    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    processed_at timestamptz,

    constraint elements_has_source check (
        case when type = 'text' then text_content is not null else source_url is not null end
    ),
    constraint elements_geometry check (
        case
            when type = 'audio' then position_x is null and position_y is null and width is null and height is null
            else position_x is not null and position_y is not null and width is not null and height is not null
        end
    ),
    constraint elements_failure_has_error check (processing_status <> 'failed' or error_message is not null),
    -- Keyed by the job (the distribution key of the render tables, docs/render.md "Distribution").
    primary key (job_id, id)
);
comment on table public.elements is
'One element of a job''s video composition (video-platform-database.md, table elements): its media, its box on '
'the canvas, its place on the timeline, its layer and its processing status.';
comment on column public.elements.source_url is 'Media URL (https:// or s3://); required except for text elements.';
comment on column public.elements.text_content is 'The text of a text element.';
comment on column public.elements.position_x is
'Left edge in pixels from the canvas'' left (>= 0); null only for audio. The box stays inside the job''s canvas.';
comment on column public.elements.position_y is 'Top edge in pixels from the canvas'' top (>= 0); null only for audio.';
comment on column public.elements.width is 'Box width in pixels (default: to the canvas'' right edge); null only for audio.';
comment on column public.elements.height is 'Box height in pixels (default: to the canvas'' bottom edge); null only for audio.';
comment on column public.elements.start_time is 'Start on the job''s timeline, in seconds (>= 0).';
comment on column public.elements.duration is
'Length on the timeline in seconds, or null: until the end of the job''s timeline (or the media''s own end).';
comment on column public.elements.layer_order is 'Stacking order 0..1000; a higher layer is drawn on top.';
comment on column public.elements.processing_status is
'pending -> processing -> completed | failed (set by the workers with update_element_status).';
comment on column public.elements.local_path is 'Where a worker cached the downloaded media.';

create index idx_elements_job_id on public.elements (job_id, layer_order);
-- update_element_status finds an element by its id alone when the caller does not pass the job.
create index idx_elements_id on public.elements (id);

alter table public.elements enable row level security;
revoke all on table public.elements from public, anon, authenticated, service_role;
grant select on table public.elements to anon, authenticated;
grant insert (
    job_id, type, source_url, text_content, position_x, position_y, width, height, fit_mode, start_time, duration,
    layer_order, metadata
) on table public.elements to anon, authenticated;
grant select, insert, update, delete on table public.elements to service_role;

create policy elements_select_own_job on public.elements
for select to anon, authenticated
using (exists (
    select from public.jobs as j
    where j.id = elements.job_id
));
comment on policy elements_select_own_job on public.elements is 'Elements follow their job: visible with the job.';

create policy elements_insert_own_pending_job on public.elements
for insert to anon, authenticated
with check (exists (
    select from public.jobs as j
    where j.id = elements.job_id and j.status = 'pending'
));
comment on policy elements_insert_own_pending_job on public.elements is
'Elements can be added to a job the caller can see while it is pending.';

create function dreamcut_private.element_input_error(
    p_canvas_width integer,
    p_canvas_height integer,
    p_timeline_seconds numeric,
    p_type public.element_type,
    p_source_url text,
    p_text_content text,
    p_position_x integer,
    p_position_y integer,
    p_width integer,
    p_height integer,
    p_start_time numeric,
    p_duration numeric,
    p_layer_order integer,
    p_metadata jsonb
) returns text
language plpgsql immutable
set search_path = ''
as $$
declare
    v_x integer := coalesce(p_position_x, 0);
    v_y integer := coalesce(p_position_y, 0);
    v_width integer;
    v_height integer;
begin
    if p_type is null then
        return 'type is required (video, image, audio, text or overlay)';
    end if;
    if p_type = 'text' and (p_text_content is null or btrim(p_text_content) = '') then
        return 'text_content is required for a text element, got ' || coalesce(quote_literal(p_text_content), 'null');
    end if;
    if length(p_text_content) > 10000 then
        return 'text_content must be at most 10000 characters, got ' || length(p_text_content);
    end if;
    if p_type <> 'text' and p_source_url is null then
        return format('source_url is required for %s elements', p_type);
    end if;
    if p_source_url is not null and (p_source_url !~ '^(https?|s3)://\S+$' or length(p_source_url) > 2048) then
        return 'source_url must be an http(s):// or s3:// URL of at most 2048 characters, got '
            || quote_literal(left(p_source_url, 200));
    end if;
    if p_type = 'audio' then
        if num_nonnulls(p_position_x, p_position_y, p_width, p_height) > 0 then
            return 'position_x, position_y, width and height must be null for an audio element';
        end if;
    else
        if v_x < 0 or v_x >= p_canvas_width then
            return format('position_x must be between 0 and %s (canvas width %s px), got %s',
                p_canvas_width - 1, p_canvas_width, v_x);
        end if;
        if v_y < 0 or v_y >= p_canvas_height then
            return format('position_y must be between 0 and %s (canvas height %s px), got %s',
                p_canvas_height - 1, p_canvas_height, v_y);
        end if;
        v_width := coalesce(p_width, p_canvas_width - v_x);
        v_height := coalesce(p_height, p_canvas_height - v_y);
        if v_width <= 0 or v_x + v_width > p_canvas_width then
            return format('width must be between 1 and %s px so that the element ends inside the %s px wide canvas '
                '(position_x %s), got %s', p_canvas_width - v_x, p_canvas_width, v_x, v_width);
        end if;
        if v_height <= 0 or v_y + v_height > p_canvas_height then
            return format('height must be between 1 and %s px so that the element ends inside the %s px high canvas '
                '(position_y %s), got %s', p_canvas_height - v_y, p_canvas_height, v_y, v_height);
        end if;
    end if;
    if p_start_time is null or p_start_time < 0 or p_start_time >= 14400 then
        return 'start_time must be >= 0 and < 14400 seconds, got ' || coalesce(trim_scale(p_start_time)::text, 'null');
    end if;
    if p_duration is not null and (p_duration <= 0 or p_duration > 14400) then
        return 'duration must be > 0 and <= 14400 seconds (or null), got ' || trim_scale(p_duration);
    end if;
    if p_timeline_seconds is not null and p_start_time >= p_timeline_seconds then
        return format('start_time must be before the end of the job''s %s s timeline, got %s',
            trim_scale(p_timeline_seconds), trim_scale(p_start_time));
    end if;
    if p_timeline_seconds is not null and p_start_time + coalesce(p_duration, 0) > p_timeline_seconds then
        return format('start_time + duration must be <= the job''s %s s timeline, got %s + %s',
            trim_scale(p_timeline_seconds), trim_scale(p_start_time), trim_scale(p_duration));
    end if;
    if p_layer_order is null or p_layer_order not between 0 and 1000 then
        return 'layer_order must be between 0 and 1000, got ' || coalesce(p_layer_order::text, 'null');
    end if;
    if p_metadata is not null and jsonb_typeof(p_metadata) <> 'object' then
        return 'metadata must be a JSON object, got ' || jsonb_typeof(p_metadata);
    end if;
    return null;
end
$$;
comment on function dreamcut_private.element_input_error(
    integer, integer, numeric, public.element_type, text, text, integer, integer, integer, integer, numeric, numeric,
    integer, jsonb
) is
'Validates one element against its job (video-platform-database.md, "element inside the job''s canvas and '
'timeline"). p_canvas_width, p_canvas_height: the job''s canvas in pixels; p_timeline_seconds: the job''s '
'duration_seconds (null: open); the other parameters are the element''s columns (pixels, seconds). A null '
'position is 0 and a null size reaches the canvas edge. Returns null when valid, else the reason, starting with '
'the column name and naming the bad value. Raises nothing.';
revoke all on function dreamcut_private.element_input_error(
    integer, integer, numeric, public.element_type, text, text, integer, integer, integer, integer, numeric, numeric,
    integer, jsonb
) from public, anon, authenticated, service_role;

create function dreamcut_private.validate_element() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_job record;
    v_error text;
begin
    select j.width, j.height, j.duration_seconds, j.status into v_job
    from public.jobs as j where j.id = new.job_id
    for share;
    if not found then
        return new;
    end if;
    if dreamcut_private.user_role() in ('anon', 'authenticated', 'admin')
        and not dreamcut_private.can_subscribe_to_job(new.job_id) then
        -- Not the caller's job: the foreign key or the RLS policy refuses the row without telling about the job.
        return new;
    end if;
    if v_job.status <> 'pending' then
        raise exception 'job % is %: its elements can only be added or changed while it is pending', new.job_id, v_job.status
        using errcode = '55000';
    end if;
    if new.type <> 'audio' then
        new.position_x := coalesce(new.position_x, 0);
        new.position_y := coalesce(new.position_y, 0);
        new.width := coalesce(new.width, v_job.width - new.position_x);
        new.height := coalesce(new.height, v_job.height - new.position_y);
    end if;
    v_error := dreamcut_private.element_input_error(
        v_job.width, v_job.height, v_job.duration_seconds, new.type, new.source_url, new.text_content,
        new.position_x, new.position_y, new.width, new.height, new.start_time, new.duration, new.layer_order,
        new.metadata
    );
    if v_error is not null then
        raise exception 'element of job %: %', new.job_id, v_error
        using errcode = '23514', constraint = 'elements_layout', detail = v_error;
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_element() is
'BEFORE INSERT and BEFORE UPDATE (of the layout) trigger function on elements (video-platform-database.md, '
'"Validation triggers"): an element is added, or its layout changed, only while its job is pending (55000); a '
'visual element''s missing position becomes 0 and its missing size reaches the canvas edge; the box must lie '
'inside the job''s canvas and the element must end inside the job''s timeline (23514 with constraint name '
'elements_layout and the reason, naming the column and value, as detail). Security definer, to lock the job row '
'(FOR SHARE) against a concurrent start; it says nothing about jobs the caller cannot see.';
revoke all on function dreamcut_private.validate_element() from public, anon, authenticated, service_role;

create trigger trigger_validate_element_insert
before insert on public.elements
for each row execute function dreamcut_private.validate_element();

-- Updates of the processing status alone (update_element_status) are not checked.
create trigger trigger_validate_element_update
before update on public.elements
for each row
when (
    old.type is distinct from new.type
    or old.source_url is distinct from new.source_url
    or old.text_content is distinct from new.text_content
    or old.position_x is distinct from new.position_x
    or old.position_y is distinct from new.position_y
    or old.width is distinct from new.width
    or old.height is distinct from new.height
    or old.fit_mode is distinct from new.fit_mode
    or old.start_time is distinct from new.start_time
    or old.duration is distinct from new.duration
    or old.layer_order is distinct from new.layer_order
)
execute function dreamcut_private.validate_element();

create function dreamcut_private.refuse_element_move() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    raise exception 'element % cannot move to another job', old.id using errcode = '55000';
end
$$;
comment on function dreamcut_private.refuse_element_move() is
'BEFORE UPDATE trigger function on elements, fired when job_id changes (video-platform-database.md, "Validation '
'triggers"): an element never moves to another job. Raises 55000.';
revoke all on function dreamcut_private.refuse_element_move() from public, anon, authenticated, service_role;

-- Named so that it fires before trigger_validate_element_update (triggers fire in name order).
create trigger trigger_element_keeps_job
before update of job_id on public.elements
for each row
when (old.job_id is distinct from new.job_id)
execute function dreamcut_private.refuse_element_move();

create trigger trigger_elements_updated_at
before update on public.elements
for each row execute function dreamcut_private.update_updated_at_column();

alter publication supabase_realtime add table public.elements;
$migration$);

-- ===== render/0004_create_render_job_logs =====
call pg_temp.dreamcut_db_apply('render', '0004_create_render_job_logs', '26a96cc8a9a90f8eb85f47ee2ad8304bc63a58b7a131c0d58042292aa141fa10', 'c96cb32eec9e8af7c11596c51bd39768ae2bc7ec598037bf9f8398365fe5b017', $migration$
create type public.storage_operation as enum ('upload', 'download', 'delete', 'access');
comment on type public.storage_operation is 'Kind of an S3 operation logged in storage_operations (video-platform-database.md).';

create table public.storage_operations (
    id uuid not null default gen_random_uuid(),
    job_id uuid not null references public.jobs (id) on delete cascade,
    operation public.storage_operation not null,
    bucket text not null check (length(bucket) between 3 and 63),
    object_key text not null check (length(object_key) between 1 and 1024),
    bytes bigint check (bytes >= 0),
    duration_ms integer check (duration_ms >= 0),
    success boolean not null,
    error_message text,
    metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    created_at timestamptz not null default now(),
    constraint storage_operations_failure_has_error check (success or error_message is not null),
    primary key (job_id, id)
);
comment on table public.storage_operations is
'One S3 operation of a job (video-platform-database.md, table storage_operations): upload, download, delete or '
'access, its size, duration and outcome.';
comment on column public.storage_operations.object_key is 'S3 object key inside bucket.';
comment on column public.storage_operations.bytes is 'Bytes transferred (or deleted).';
comment on column public.storage_operations.duration_ms is 'Duration of the operation in milliseconds.';

create table public.processing_timeline (
    id uuid not null default gen_random_uuid(),
    job_id uuid not null references public.jobs (id) on delete cascade,
    step public.processing_step not null,
    started_at timestamptz not null default clock_timestamp(),
    finished_at timestamptz,
    duration_ms bigint generated always as ((extract(epoch from (finished_at - started_at)) * 1000)::bigint) stored,
    success boolean,
    error_message text,
    resource_usage jsonb not null default '{}' check (jsonb_typeof(resource_usage) = 'object'),
    details jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
    constraint processing_timeline_finished_after_started check (finished_at >= started_at),
    constraint processing_timeline_outcome check ((finished_at is null) = (success is null)),
    constraint processing_timeline_failure_has_error check (success is not false or error_message is not null),
    primary key (job_id, id)
);
comment on table public.processing_timeline is
'One run of a processing step of a job (video-platform-database.md, table processing_timeline): when it started '
'and finished, its outcome and its resource usage.';
comment on column public.processing_timeline.finished_at is 'Null while the step runs.';
comment on column public.processing_timeline.duration_ms is 'finished_at - started_at in milliseconds (generated).';
comment on column public.processing_timeline.success is 'Null while running; true or false once finished.';
comment on column public.processing_timeline.resource_usage is
'Resource usage of the step as a JSON object, e.g. {"cpu_percent": 85.5, "memory_mb": 512, "disk_mb": 120}.';

create table public.url_access_logs (
    id uuid not null default gen_random_uuid(),
    job_id uuid not null references public.jobs (id) on delete cascade,
    url text not null check (url ~ '^(https?|s3)://\S+$'),
    ip_address inet,
    user_agent text,
    referrer text,
    country_code text check (country_code ~ '^[A-Z]{2}$'),
    geolocation jsonb not null default '{}' check (jsonb_typeof(geolocation) = 'object'),
    bytes_transferred bigint check (bytes_transferred >= 0),
    response_time_ms integer check (response_time_ms >= 0),
    status_code integer check (status_code between 100 and 599),
    accessed_at timestamptz not null default now(),
    primary key (job_id, id)
);
comment on table public.url_access_logs is
'One access to a job''s result URL (video-platform-database.md, table url_access_logs): who (address, user '
'agent, referrer, country), how much and how fast.';
comment on column public.url_access_logs.country_code is 'ISO 3166-1 alpha-2 country of ip_address, e.g. DE.';
comment on column public.url_access_logs.geolocation is 'Geolocation as a JSON object, e.g. {"city": "Berlin", "lat": 52.5, "lon": 13.4}.';
comment on column public.url_access_logs.bytes_transferred is 'Bytes sent.';
comment on column public.url_access_logs.response_time_ms is 'Response time in milliseconds.';

create index idx_storage_operations_job_id on public.storage_operations (job_id, created_at);
create index idx_storage_operations_created_at on public.storage_operations (created_at);
create index idx_processing_timeline_job_id on public.processing_timeline (job_id, started_at);
-- complete_processing_step finds an entry by its id alone when the caller does not pass the job.
create index idx_processing_timeline_id on public.processing_timeline (id);
create unique index idx_processing_timeline_running_step on public.processing_timeline (job_id, step)
where finished_at is null;
create index idx_url_access_logs_job_id on public.url_access_logs (job_id, accessed_at);
-- (accessed_at, id): the keyset of the access logs' retention (enforce_data_retention).
create index idx_url_access_logs_accessed_at on public.url_access_logs (accessed_at, id);

alter table public.storage_operations enable row level security;
alter table public.processing_timeline enable row level security;
alter table public.url_access_logs enable row level security;
revoke all on table public.storage_operations, public.processing_timeline, public.url_access_logs
from public, anon, authenticated, service_role;
grant select on table public.storage_operations, public.processing_timeline, public.url_access_logs
to anon, authenticated;
grant select, insert, update, delete on table public.storage_operations, public.processing_timeline,
public.url_access_logs
to service_role;

create policy storage_operations_select_own_job on public.storage_operations
for select to anon, authenticated
using (exists (
    select from public.jobs as j
    where j.id = storage_operations.job_id
));
comment on policy storage_operations_select_own_job on public.storage_operations is
'Storage operations follow their job: visible with the job.';

create policy processing_timeline_select_own_job on public.processing_timeline
for select to anon, authenticated
using (exists (
    select from public.jobs as j
    where j.id = processing_timeline.job_id
));
comment on policy processing_timeline_select_own_job on public.processing_timeline is
'Timeline entries follow their job: visible with the job.';

create policy url_access_logs_select_own_job on public.url_access_logs
for select to anon, authenticated
using (exists (
    select from public.jobs as j
    where j.id = url_access_logs.job_id
));
comment on policy url_access_logs_select_own_job on public.url_access_logs is
'URL access logs follow their job: visible with the job.';

create function dreamcut_private.notify_timeline_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    perform pg_notify(
        'processing_timeline:' || new.job_id,
        json_build_object(
            'id', new.id, 'job_id', new.job_id, 'step', new.step, 'success', new.success,
            'finished', new.finished_at is not null
        )::text
    );
    return null;
end
$$;
comment on function dreamcut_private.notify_timeline_change() is
'AFTER INSERT OR UPDATE trigger function on processing_timeline: pg_notify on channel processing_timeline:<job '
'id> with {"id", "job_id", "step", "success", "finished"} (video-platform-database.md, "Processing Timeline" '
'subscription). The trigger fires unless the setting dreamcut.notify is ''off'' (Supabase, where Realtime reads the '
'publication; Citus, where a worker cannot notify inside a two-phase commit). Raises nothing.';
revoke all on function dreamcut_private.notify_timeline_change() from public, anon, authenticated, service_role;

create trigger trigger_notify_timeline_change
after insert or update on public.processing_timeline
for each row
when (current_setting('dreamcut.notify', true) is distinct from 'off')
execute function dreamcut_private.notify_timeline_change();

alter publication supabase_realtime add table public.processing_timeline;
$migration$);

-- ===== render/0005_create_render_monitoring =====
call pg_temp.dreamcut_db_apply('render', '0005_create_render_monitoring', '6091c3c4503ccff6d29aac1d69cad87150ba80320140edea7be90412823cbad3', '223f4fdb0beba302b265e25d5f14707be04f5f23ee59d1c151715b4f328949ba', $migration$
create table public.system_metrics (
    id uuid primary key default gen_random_uuid(),
    metric_name text not null check (metric_name ~ '^[a-z][a-z0-9_.]{0,99}$'),
    metric_value numeric not null check (metric_value > '-Infinity' and metric_value < 'Infinity'),
    unit text check (length(unit) between 1 and 20),
    tags jsonb not null default '{}' check (jsonb_typeof(tags) = 'object'),
    warning_threshold numeric check (warning_threshold > '-Infinity' and warning_threshold < 'Infinity'),
    critical_threshold numeric check (critical_threshold > '-Infinity' and critical_threshold < 'Infinity'),
    recorded_at timestamptz not null default now()
);
comment on table public.system_metrics is
'Performance samples (video-platform-database.md, table system_metrics) with optional alert thresholds.';
comment on column public.system_metrics.metric_name is 'Lowercase dotted name, e.g. queue.depth or render.duration_ms.';
comment on column public.system_metrics.unit is 'Unit of metric_value, e.g. ms, bytes, percent, count.';
comment on column public.system_metrics.warning_threshold is
'Alert threshold. When warning_threshold <= critical_threshold, higher values are worse (warning at >= warning); '
'otherwise lower values are worse (warning at <= warning).';
comment on column public.system_metrics.critical_threshold is 'Critical alert threshold (see warning_threshold).';

create table dreamcut_private.rate_limit_counters (
    identifier text not null,
    window_seconds integer not null check (window_seconds > 0),
    window_start timestamptz not null,
    request_count integer not null default 0 check (request_count >= 0),
    updated_at timestamptz not null default now(),
    primary key (identifier, window_seconds, window_start)
);
comment on table dreamcut_private.rate_limit_counters is
'Fixed-window request counters of check_rate_limit: one row per identifier (e.g. a client address), window '
'length and window start, incremented with INSERT ... ON CONFLICT DO UPDATE so concurrent callers lose no count.';

create table dreamcut_private.security_events (
    id uuid primary key default gen_random_uuid(),
    event_type text not null check (event_type ~ '^[a-z][a-z0-9_.:-]{0,99}$'),
    details jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
    api_role text not null,
    user_id uuid,
    client_ip inet,
    created_at timestamptz not null default now()
);
comment on table dreamcut_private.security_events is
'Audit log of log_security_event (video-platform-database.md, "Audit logging"): the event, who caused it (role, '
'user, client address) and when.';

create index idx_system_metrics_name on public.system_metrics (metric_name, recorded_at desc);
-- (recorded_at, id), (created_at, id): the keysets of the retention batches (cleanup_old_metrics,
-- enforce_data_retention).
create index idx_system_metrics_recorded_at on public.system_metrics (recorded_at, id);
create index idx_rate_limit_counters_window_start on dreamcut_private.rate_limit_counters (window_start);
create index idx_security_events_created_at on dreamcut_private.security_events (created_at, id);
create index idx_security_events_type on dreamcut_private.security_events (event_type, created_at);

alter table public.system_metrics enable row level security;
alter table dreamcut_private.rate_limit_counters enable row level security;
alter table dreamcut_private.security_events enable row level security;
revoke all on table public.system_metrics, dreamcut_private.rate_limit_counters, dreamcut_private.security_events
from public, anon, authenticated, service_role;
grant select on table public.system_metrics to authenticated;
grant select, insert, update, delete on table public.system_metrics to service_role;
-- service_role reads them, and deletes what retention (enforce_data_retention) removes.
grant select, delete on table dreamcut_private.rate_limit_counters, dreamcut_private.security_events
to service_role;

create policy system_metrics_select_admin on public.system_metrics
for select to authenticated
using ((select dreamcut_private.is_admin()));
comment on policy system_metrics_select_admin on public.system_metrics is 'Only admins read metrics through the API.';

-- The private tables say who may do what through RLS too: nobody but their writers (check_rate_limit and
-- log_security_event, as the owner) and service_role (BYPASSRLS).
create policy rate_limit_counters_none on dreamcut_private.rate_limit_counters
as restrictive for all to public
using (false) with check (false);
comment on policy rate_limit_counters_none on dreamcut_private.rate_limit_counters is
'No row for any role subject to RLS: check_rate_limit (security definer) keeps the counters; service_role '
'(BYPASSRLS) reads them and retention deletes them.';
create policy security_events_none on dreamcut_private.security_events
as restrictive for all to public
using (false) with check (false);
comment on policy security_events_none on dreamcut_private.security_events is
'No row for any role subject to RLS: log_security_event (security definer) writes the events; service_role '
'(BYPASSRLS) reads them and retention deletes them.';
$migration$);

-- ===== render/0006_create_render_job_api =====
call pg_temp.dreamcut_db_apply('render', '0006_create_render_job_api', '7f85b3ea837a48fea12ffcc654804d861172c61a3f7edbe332783eb01f452491', '5c70a7e001fc9fb43ed4986b061214848c42544c9a856e4cd5a8f83f736456b8', $migration$
create function public.create_job(
    p_output_format text,
    p_width integer,
    p_height integer,
    p_fps numeric default 30,
    p_client_ip inet default null,
    p_user_agent text default null,
    p_metadata jsonb default '{}',
    p_response_type public.response_type default 'immediate',
    p_duration_seconds numeric default null,
    p_user_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_end_user boolean := current_setting('role', true) in ('anon', 'authenticated')
        or coalesce(auth.role(), '') in ('anon', 'authenticated');
    v_user_agent text := p_user_agent;
    v_job_id uuid;
    v_recorded_ip inet;
begin
    if p_output_format is null or p_output_format not in ('mp4', 'webm', 'mov', 'mkv', 'gif') then
        raise exception 'p_output_format must be one of mp4, webm, mov, mkv, gif, got %',
            coalesce(quote_literal(p_output_format), 'null')
        using errcode = '22023';
    end if;
    if p_width is null or p_width not between 16 and 8192 then
        raise exception 'p_width must be between 16 and 8192 pixels, got %', coalesce(p_width::text, 'null')
        using errcode = '22023';
    end if;
    if p_height is null or p_height not between 16 and 8192 then
        raise exception 'p_height must be between 16 and 8192 pixels, got %', coalesce(p_height::text, 'null')
        using errcode = '22023';
    end if;
    if p_output_format <> 'gif' and (p_width % 2 <> 0 or p_height % 2 <> 0) then
        raise exception 'p_width and p_height must be even for % output, got %x%', p_output_format, p_width, p_height
        using errcode = '22023';
    end if;
    if p_fps is null or p_fps <= 0 or p_fps > 120 then
        raise exception 'p_fps must be > 0 and <= 120 frames per second, got %', coalesce(p_fps::text, 'null')
        using errcode = '22023';
    end if;
    if p_duration_seconds <= 0 or p_duration_seconds > 14400 then
        raise exception 'p_duration_seconds must be > 0 and <= 14400 seconds (or null), got %', p_duration_seconds
        using errcode = '22023';
    end if;
    if p_metadata is not null and jsonb_typeof(p_metadata) <> 'object' then
        raise exception 'p_metadata must be a JSON object, got %', jsonb_typeof(p_metadata) using errcode = '22023';
    end if;
    if length(p_user_agent) > 1000 then
        raise exception 'p_user_agent must be at most 1000 characters, got %', length(p_user_agent)
        using errcode = '22023';
    end if;
    if p_response_type is null then
        raise exception 'p_response_type must be immediate or async, got null' using errcode = '22023';
    end if;

    if not v_end_user then
        -- A service account or a direct session records what it passes (the API server's caller).
        insert into public.jobs (
            user_id, client_ip, user_agent, output_format, width, height, fps, duration_seconds, response_type, metadata
        )
        values (
            p_user_id, p_client_ip, p_user_agent, p_output_format, p_width, p_height, p_fps, p_duration_seconds,
            p_response_type, coalesce(p_metadata, '{}')
        )
        returning id into v_job_id;
        return v_job_id;
    end if;

    -- An API caller: the column defaults record its own user (auth.uid()) and address (client_ip()), and the
    -- RLS insert policy checks them.
    if p_user_id is not null and p_user_id is distinct from auth.uid() then
        raise exception 'p_user_id % is not the signed-in user (%): a user can only create jobs for itself',
            p_user_id, coalesce(auth.uid()::text, 'anonymous')
        using errcode = '42501';
    end if;
    if v_user_agent is null then
        begin
            v_user_agent := left(nullif(current_setting('request.headers', true), '')::jsonb ->> 'user-agent', 1000);
        exception when data_exception then
            v_user_agent := null;
        end;
    end if;
    begin
        insert into public.jobs (
            user_agent, output_format, width, height, fps, duration_seconds, response_type, metadata
        )
        values (
            v_user_agent, p_output_format, p_width, p_height, p_fps, p_duration_seconds, p_response_type,
            coalesce(p_metadata, '{}')
        )
        returning id, client_ip into v_job_id, v_recorded_ip;
    exception when insufficient_privilege then
        raise exception 'this request cannot own a job: an anonymous job needs the caller''s address (x-forwarded-for '
            'request header) and a signed-in one its user id (sub claim)'
        using errcode = '42501';
    end;
    if p_client_ip is not null and p_client_ip is distinct from v_recorded_ip then
        raise exception 'p_client_ip % is not the address of this request (%): an API caller''s job records its own address',
            p_client_ip, coalesce(host(v_recorded_ip), 'none')
        using errcode = '42501';
    end if;
    return v_job_id;
end
$$;
comment on function public.create_job(text, integer, integer, numeric, inet, text, jsonb, public.response_type, numeric, uuid) is
'Creates a pending render job (video-platform-database.md, "Test database functions": '
'create_job(''mp4'', 1920, 1080, 25, ''127.0.0.1''::inet, ''test-agent'', ''{}'')). p_output_format: mp4, webm, '
'mov, mkv or gif; p_width, p_height: canvas in pixels, 16..8192, even unless gif; p_fps: frames per second, '
'> 0 and <= 120; p_client_ip: the public API caller''s address; p_user_agent: its user agent (default: the '
'request''s User-Agent header); p_metadata: JSON object; p_response_type: immediate or async; '
'p_duration_seconds: timeline length in seconds (<= 14400) or null; p_user_id: owner. For an API caller (anon, '
'authenticated) the job records the request''s own address (x-forwarded-for) and user (auth.uid()): a different '
'p_client_ip or p_user_id is refused, and so is an anonymous request without an address. Service accounts and '
'direct sessions record what they pass. Security invoker: the jobs insert policies apply. Returns the job id '
'(uuid). Errors: 22023 bad parameter, 42501 address or user not the caller''s. Writes nothing on error. '
'Executable by anon, authenticated, service_role.';
revoke all on function public.create_job(text, integer, integer, numeric, inet, text, jsonb, public.response_type, numeric, uuid) from public, anon, authenticated, service_role;
grant execute on function public.create_job(text, integer, integer, numeric, inet, text, jsonb, public.response_type, numeric, uuid) to anon, authenticated, service_role;

create function public.cancel_job(p_job_id uuid, p_reason text default null) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_status public.job_status;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if length(p_reason) > 1000 then
        raise exception 'p_reason must be at most 1000 characters, got %', length(p_reason) using errcode = '22023';
    end if;
    select status into v_status from public.jobs where id = p_job_id;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_status not in ('pending', 'processing') then
        raise exception 'job % is already %: only a pending or processing job can be cancelled', p_job_id, v_status
        using errcode = '55000';
    end if;
    update public.jobs
    set status = 'cancelled',
        error_message = coalesce(nullif(btrim(p_reason), ''), 'cancelled'),
        error_code = 'CANCELLED'
    where id = p_job_id and status in ('pending', 'processing')
    returning status into v_status;
    if not found then
        select status into v_status from public.jobs where id = p_job_id;
        raise exception 'job % is already %: only a pending or processing job can be cancelled', p_job_id, v_status
        using errcode = '55000';
    end if;
end
$$;
comment on function public.cancel_job(uuid, text) is
'Cancels a pending or processing job (video-platform-database.md, job_status cancelled). p_job_id: a job the '
'caller can see (RLS: anon its own anonymous jobs, a signed-in user its own, admins and service accounts any); '
'p_reason: optional text (<= 1000 characters) kept in error_message (default ''cancelled''), error_code becomes '
'CANCELLED. Security invoker: the jobs cancel policies apply. Returns nothing. Errors: 22023 bad parameter, '
'P0002 unknown job or not the caller''s, 55000 job already finished. Writes nothing on error. Executable by anon, '
'authenticated, service_role.';
revoke all on function public.cancel_job(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.cancel_job(uuid, text) to anon, authenticated, service_role;
$migration$);

-- ===== render/0007_create_render_element_functions =====
call pg_temp.dreamcut_db_apply('render', '0007_create_render_element_functions', '962852c7d1ffa88fe69c140915b94a02508d89bfd801b09616ffbc1332fba3ec', 'b0f696b624f4820b801ea73d7ddb52f76ecd690e384cd5d847ef16926d1369ed', $migration$
create function public.add_job_element(
    p_job_id uuid,
    p_type public.element_type,
    p_source_url text default null,
    p_start_time numeric default 0,
    p_duration numeric default null,
    p_position_x integer default null,
    p_position_y integer default null,
    p_width integer default null,
    p_height integer default null,
    p_fit_mode public.fit_mode default 'auto',
    p_layer_order integer default 0,
    p_text_content text default null,
    p_metadata jsonb default '{}'
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_status public.job_status;
    v_element_id uuid;
    v_constraint text;
    v_detail text;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_fit_mode is null then
        raise exception 'p_fit_mode must be one of auto, contain, cover, fill, stretch, got null' using errcode = '22023';
    end if;
    if p_metadata is not null and jsonb_typeof(p_metadata) <> 'object' then
        raise exception 'p_metadata must be a JSON object, got %', jsonb_typeof(p_metadata) using errcode = '22023';
    end if;
    select status into v_status from public.jobs where id = p_job_id;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_status <> 'pending' then
        raise exception 'job % is %: elements can only be added while it is pending', p_job_id, v_status
        using errcode = '55000';
    end if;
    begin
        insert into public.elements (
            job_id, type, source_url, text_content, position_x, position_y, width, height, fit_mode, start_time,
            duration, layer_order, metadata
        )
        values (
            p_job_id, p_type, p_source_url, p_text_content, p_position_x, p_position_y, p_width, p_height,
            p_fit_mode, p_start_time, p_duration, p_layer_order, coalesce(p_metadata, '{}')
        )
        returning id into v_element_id;
    exception when check_violation or not_null_violation then
        get stacked diagnostics v_constraint = constraint_name, v_detail = pg_exception_detail;
        if v_constraint = 'elements_layout' then
            -- The validation trigger names the column and the value: name the parameter.
            raise exception 'p_%', v_detail using errcode = '22023';
        end if;
        raise;
    end;
    return v_element_id;
end
$$;
comment on function public.add_job_element(
    uuid, public.element_type, text, numeric, numeric, integer, integer, integer, integer, public.fit_mode, integer,
    text, jsonb
) is
'Adds one element to a pending job (video-platform-database.md, "Users can add elements to their jobs"). '
'p_job_id: a job the caller can see (RLS: anon its own anonymous jobs, a user its own, admins all); p_type: '
'video, image, audio, text or overlay; p_source_url: http(s):// or s3:// media URL (required except for text); '
'p_start_time: seconds on the timeline (>= 0); p_duration: seconds (> 0) or null; p_position_x, p_position_y: '
'top-left corner in pixels (default 0); p_width, p_height: box in pixels (default: to the canvas edge); the box '
'must lie inside the job''s canvas and an audio element has none; the element must end inside the job''s '
'timeline when it has one; p_fit_mode; p_layer_order: 0..1000; p_text_content: the text of a text element; '
'p_metadata: JSON object. Security invoker: the elements insert policy applies. Returns the element id (uuid). '
'Errors: 22023 bad parameter (named, with its value), P0002 unknown job or not the caller''s, 55000 job no '
'longer pending. Writes nothing on error. Executable by anon, authenticated, service_role.';
revoke all on function public.add_job_element(
    uuid, public.element_type, text, numeric, numeric, integer, integer, integer, integer, public.fit_mode, integer,
    text, jsonb
) from public, anon, authenticated, service_role;
grant execute on function public.add_job_element(
    uuid, public.element_type, text, numeric, numeric, integer, integer, integer, integer, public.fit_mode, integer,
    text, jsonb
) to anon, authenticated, service_role;

create function public.add_job_elements(p_job_id uuid, p_elements jsonb) returns uuid[]
language plpgsql volatile
set search_path = ''
as $$
declare
    v_status public.job_status;
    v_elem jsonb;
    v_idx integer;
    v_error text;
    v_id uuid;
    v_ids uuid [] := '{}'::uuid [];
    v_constraint text;
    v_detail text;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_elements is null or jsonb_typeof(p_elements) <> 'array' then
        raise exception 'p_elements must be a JSON array of element objects, got %', coalesce(jsonb_typeof(p_elements), 'null')
        using errcode = '22023';
    end if;
    if jsonb_array_length(p_elements) > 500 then
        raise exception 'p_elements holds % elements; at most 500 are allowed per call', jsonb_array_length(p_elements)
        using errcode = '22023';
    end if;
    select status into v_status from public.jobs where id = p_job_id;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;

    -- The shape of every element first: keys and JSON types.
    for v_elem, v_idx in select e.elem, (e.ord - 1)::integer from jsonb_array_elements(p_elements) with ordinality as e (elem, ord) loop
        v_error := case
            when jsonb_typeof(v_elem) <> 'object' then
                'must be a JSON object, got ' || jsonb_typeof(v_elem)
            when exists (
                select from jsonb_object_keys(v_elem) as k (key)
                where k.key not in (
                    'type', 'source_url', 'text_content', 'position_x', 'position_y', 'width', 'height', 'fit_mode',
                    'start_time', 'duration', 'layer_order', 'metadata'
                )
            ) then
                'unknown key ' || (
                    select quote_literal(min(k.key)) from jsonb_object_keys(v_elem) as k (key)
                    where k.key not in (
                        'type', 'source_url', 'text_content', 'position_x', 'position_y', 'width', 'height',
                        'fit_mode', 'start_time', 'duration', 'layer_order', 'metadata'
                    )
                ) || ' (allowed: type, source_url, text_content, position_x, position_y, width, height, fit_mode, '
                || 'start_time, duration, layer_order, metadata)'
            when jsonb_typeof(v_elem -> 'type') is distinct from 'string'
                or v_elem ->> 'type' not in ('video', 'image', 'audio', 'text', 'overlay') then
                'type must be one of video, image, audio, text, overlay, got '
                || coalesce((v_elem -> 'type')::text, 'nothing')
            when coalesce(jsonb_typeof(v_elem -> 'fit_mode'), 'null') <> 'null'
                and (jsonb_typeof(v_elem -> 'fit_mode') <> 'string'
                    or v_elem ->> 'fit_mode' not in ('auto', 'contain', 'cover', 'fill', 'stretch')) then
                'fit_mode must be one of auto, contain, cover, fill, stretch, got ' || (v_elem -> 'fit_mode')::text
            when coalesce(jsonb_typeof(v_elem -> 'source_url'), 'null') not in ('string', 'null') then
                'source_url must be a string, got ' || (v_elem -> 'source_url')::text
            when coalesce(jsonb_typeof(v_elem -> 'text_content'), 'null') not in ('string', 'null') then
                'text_content must be a string, got ' || (v_elem -> 'text_content')::text
            when coalesce(jsonb_typeof(v_elem -> 'metadata'), 'null') not in ('object', 'null') then
                'metadata must be a JSON object, got ' || (v_elem -> 'metadata')::text
            else (
                select f.key || ' must be a whole number, got ' || (v_elem -> f.key)::text
                from unnest(array['position_x', 'position_y', 'width', 'height', 'layer_order']) as f (key)
                where coalesce(jsonb_typeof(v_elem -> f.key), 'null') <> 'null'
                    and (jsonb_typeof(v_elem -> f.key) <> 'number'
                        or (v_elem ->> f.key)::numeric <> trunc((v_elem ->> f.key)::numeric)
                        or abs((v_elem ->> f.key)::numeric) > 1000000)
                union all
                select f.key || ' must be a number of seconds between 0 and 14400, got ' || (v_elem -> f.key)::text
                from unnest(array['start_time', 'duration']) as f (key)
                where coalesce(jsonb_typeof(v_elem -> f.key), 'null') <> 'null'
                    and (jsonb_typeof(v_elem -> f.key) <> 'number' or abs((v_elem ->> f.key)::numeric) > 14400)
                limit 1
            )
        end;
        if v_error is not null then
            raise exception 'p_elements[%]: %', v_idx, v_error using errcode = '22023';
        end if;
    end loop;
    if v_status <> 'pending' then
        raise exception 'job % is %: elements can only be added while it is pending', p_job_id, v_status
        using errcode = '55000';
    end if;

    -- Then each element, in order; the validation trigger checks canvas and timeline.
    for v_elem, v_idx in select e.elem, (e.ord - 1)::integer from jsonb_array_elements(p_elements) with ordinality as e (elem, ord) loop
        begin
            insert into public.elements (
                job_id, type, source_url, text_content, position_x, position_y, width, height, fit_mode,
                start_time, duration, layer_order, metadata
            )
            values (
                p_job_id, (v_elem ->> 'type')::public.element_type, v_elem ->> 'source_url', v_elem ->> 'text_content',
                (v_elem ->> 'position_x')::numeric::integer, (v_elem ->> 'position_y')::numeric::integer,
                (v_elem ->> 'width')::numeric::integer, (v_elem ->> 'height')::numeric::integer,
                coalesce((v_elem ->> 'fit_mode')::public.fit_mode, 'auto'),
                coalesce((v_elem ->> 'start_time')::numeric, 0), (v_elem ->> 'duration')::numeric,
                coalesce((v_elem ->> 'layer_order')::numeric::integer, 0),
                coalesce(nullif(v_elem -> 'metadata', 'null'), '{}')
            )
            returning id into v_id;
        exception when check_violation or not_null_violation then
            get stacked diagnostics v_constraint = constraint_name, v_detail = pg_exception_detail;
            if v_constraint = 'elements_layout' then
                raise exception 'p_elements[%]: %', v_idx, v_detail using errcode = '22023';
            end if;
            raise;
        end;
        v_ids := v_ids || v_id;
    end loop;
    return v_ids;
end
$$;
comment on function public.add_job_elements(uuid, jsonb) is
'Adds several elements to a pending job in one call (video-platform-database.md, elements). p_job_id: a job the '
'caller can see (RLS); p_elements: JSON array (at most 500) of objects with the keys of add_job_element without '
'the p_ prefix: type (required), source_url, text_content, position_x, position_y, width, height (pixels), '
'fit_mode, start_time, duration (seconds), layer_order, metadata; the same rules apply to each. Security '
'invoker. Returns the new element ids (uuid[]) in the order of p_elements. Errors: 22023 bad parameter (the '
'message names the index and key, e.g. p_elements[2]: width ...), P0002 unknown job or not the caller''s, 55000 '
'job no longer pending. Writes nothing on error: either every element is added or none. Executable by anon, '
'authenticated, service_role.';
revoke all on function public.add_job_elements(uuid, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.add_job_elements(uuid, jsonb) to anon, authenticated, service_role;

create function public.update_element_status(
    p_element_id uuid,
    p_status text,
    p_local_path text default null,
    p_error_message text default null,
    p_job_id uuid default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_job_id uuid := p_job_id;
    v_status text;
    v_processed_at timestamptz;
begin
    if p_element_id is null then
        raise exception 'p_element_id is required' using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('processing', 'completed', 'failed') then
        raise exception 'p_status must be one of processing, completed, failed, got %', coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    if p_status = 'failed' and (p_error_message is null or btrim(p_error_message) = '') then
        raise exception 'p_error_message is required when p_status is failed' using errcode = '22023';
    end if;
    if v_job_id is null then
        -- Without the key, the element's job by the element's id alone (idx_elements_id); an element never
        -- changes its job.
        select e.job_id into v_job_id from public.elements as e where e.id = p_element_id;
    end if;
    select e.processing_status into v_status from public.elements as e
    where e.job_id = v_job_id and e.id = p_element_id
    for update;
    if not found then
        raise exception 'element % not found (p_element_id%)', p_element_id,
            coalesce(format(' of job %s, p_job_id', p_job_id), '')
        using errcode = 'P0002';
    end if;
    if v_status in ('completed', 'failed') then
        raise exception 'element % is already %: a finished element keeps its status', p_element_id, v_status
        using errcode = '55000';
    end if;
    if v_status = 'processing' and p_status = 'processing' then
        return;
    end if;
    if p_status in ('completed', 'failed') then
        v_processed_at := now();
    end if;
    update public.elements
    set processing_status = p_status,
        local_path = coalesce(p_local_path, local_path),
        error_message = coalesce(p_error_message, error_message),
        processed_at = v_processed_at
    where job_id = v_job_id and id = p_element_id;
end
$$;
comment on function public.update_element_status(uuid, text, text, text, uuid) is
'Worker update of an element''s processing status (video-platform-database.md, elements "processing status"). '
'p_element_id: the element; p_status: processing, completed or failed (pending -> processing -> completed | '
'failed; a finished element stays finished); p_local_path: where the media was cached; p_error_message: '
'required for failed; p_job_id: the element''s job (optional: the distribution key; with it the element is '
'found by (job_id, id), without it by its id alone). Sets processed_at when the element finishes. Returns '
'nothing. Errors: 22023 bad parameter, P0002 unknown element (or not of p_job_id), 55000 element already '
'finished. Writes nothing on error. Executable by service_role only.';
revoke all on function public.update_element_status(uuid, text, text, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.update_element_status(uuid, text, text, text, uuid) to service_role;
$migration$);

-- ===== render/0008_create_render_worker_functions =====
call pg_temp.dreamcut_db_apply('render', '0008_create_render_worker_functions', '803875eb486821110c93a10962b75a54c12023b03e634dea9d91b8d9fd33d388', '0b470beb0c51572ef1a2a80da4ac2a896ac40de9771b32bb50e234d57db7171b', $migration$
create function public.update_job_status(
    p_job_id uuid,
    p_status public.job_status,
    p_error_message text default null,
    p_error_code text default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_status public.job_status;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_status is null or p_status in ('pending', 'completed') then
        raise exception 'p_status must be processing, failed, cancelled or timeout, got % (a job is completed with complete_job)',
            coalesce(p_status::text, 'null')
        using errcode = '22023';
    end if;
    if p_status in ('failed', 'timeout') and (p_error_message is null or btrim(p_error_message) = '') then
        raise exception 'p_error_message is required when p_status is %', p_status using errcode = '22023';
    end if;
    if length(p_error_code) > 50 then
        raise exception 'p_error_code must be at most 50 characters, got %', length(p_error_code) using errcode = '22023';
    end if;
    select status into v_status from public.jobs where id = p_job_id for update;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_status = p_status and p_status = 'processing' then
        return;
    end if;
    if v_status in ('completed', 'failed', 'cancelled', 'timeout') then
        raise exception 'job % is already %: a finished job keeps its status', p_job_id, v_status using errcode = '55000';
    end if;
    update public.jobs
    set status = p_status,
        error_message = coalesce(p_error_message, error_message),
        error_code = coalesce(p_error_code, error_code)
    where id = p_job_id;
end
$$;
comment on function public.update_job_status(uuid, public.job_status, text, text) is
'Worker status change of a job (video-platform-database.md, job management). p_job_id: the job; p_status: '
'processing (from pending; repeating it is a no-op), failed, cancelled or timeout (from pending or processing); '
'completed goes through complete_job; p_error_message: text, required for failed and timeout; p_error_code: '
'short code (<= 50 characters). The trigger sets started_at and completed_at. Returns nothing. Errors: 22023 bad '
'parameter, P0002 unknown job, 55000 job already finished. Writes nothing on error. Executable by service_role '
'only.';
revoke all on function public.update_job_status(uuid, public.job_status, text, text) from public, anon, authenticated, service_role;
grant execute on function public.update_job_status(uuid, public.job_status, text, text) to service_role;

create function public.update_job_progress(
    p_job_id uuid,
    p_progress integer,
    p_current_step public.processing_step default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_job public.jobs%rowtype;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_progress is null or p_progress not between 0 and 100 then
        raise exception 'p_progress must be between 0 and 100 percent, got %', coalesce(p_progress::text, 'null')
        using errcode = '22023';
    end if;
    select * into v_job from public.jobs where id = p_job_id for update;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_job.status <> 'processing' then
        raise exception 'job % is %: progress can only change while it is processing', p_job_id, v_job.status
        using errcode = '55000';
    end if;
    if p_progress < v_job.progress_percentage then
        raise exception 'p_progress % is below the current progress % of job %: progress cannot go back',
            p_progress, v_job.progress_percentage, p_job_id
        using errcode = '55000';
    end if;
    update public.jobs
    set progress_percentage = p_progress, current_step = coalesce(p_current_step, current_step)
    where id = p_job_id;
end
$$;
comment on function public.update_job_progress(uuid, integer, public.processing_step) is
'Worker progress report of a processing job (video-platform-database.md, "progress tracking"). p_job_id: the job; '
'p_progress: percent 0..100, never below the current value; p_current_step: the step now running (optional). '
'Returns nothing. Errors: 22023 bad parameter, P0002 unknown job, 55000 job not processing or progress going '
'back. Writes nothing on error. Executable by service_role only.';
revoke all on function public.update_job_progress(uuid, integer, public.processing_step) from public, anon, authenticated, service_role;
grant execute on function public.update_job_progress(uuid, integer, public.processing_step) to service_role;

create function public.complete_job(
    p_job_id uuid,
    p_result_url text,
    p_file_size_bytes bigint default null,
    p_s3_bucket text default null,
    p_s3_key text default null,
    p_expires_at timestamptz default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_status public.job_status;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_result_url is null or p_result_url !~ '^(https?|s3)://\S+$' then
        raise exception 'p_result_url must be an http(s):// or s3:// URL, got %', coalesce(quote_literal(p_result_url), 'null')
        using errcode = '22023';
    end if;
    if p_file_size_bytes < 0 then
        raise exception 'p_file_size_bytes must be >= 0, got %', p_file_size_bytes using errcode = '22023';
    end if;
    if length(p_s3_bucket) not between 3 and 63 then
        raise exception 'p_s3_bucket must be 3 to 63 characters, got %', quote_literal(p_s3_bucket) using errcode = '22023';
    end if;
    if p_s3_key is not null and (p_s3_bucket is null or length(p_s3_key) not between 1 and 1024) then
        raise exception 'p_s3_key needs p_s3_bucket and must be 1 to 1024 characters, got %', quote_literal(p_s3_key)
        using errcode = '22023';
    end if;
    if p_expires_at <= now() then
        raise exception 'p_expires_at must be in the future, got %', p_expires_at using errcode = '22023';
    end if;
    select status into v_status from public.jobs where id = p_job_id for update;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_status <> 'processing' then
        raise exception 'job % is %: only a processing job can be completed', p_job_id, v_status using errcode = '55000';
    end if;
    update public.jobs
    set status = 'completed',
        result_url = p_result_url,
        file_size_bytes = coalesce(p_file_size_bytes, file_size_bytes),
        s3_bucket = coalesce(p_s3_bucket, s3_bucket),
        s3_key = coalesce(p_s3_key, s3_key),
        expires_at = coalesce(p_expires_at, expires_at)
    where id = p_job_id;
end
$$;
comment on function public.complete_job(uuid, text, bigint, text, text, timestamptz) is
'Completes a processing job with its result (video-platform-database.md, "AWS S3 integration"). p_job_id: the '
'job; p_result_url: http(s):// or s3:// URL of the rendered file; p_file_size_bytes: bytes >= 0; p_s3_bucket, '
'p_s3_key: where the file is; p_expires_at: when the result expires (future). Sets status completed, progress '
'100 and completed_at. Returns nothing. Errors: 22023 bad parameter, P0002 unknown job, 55000 job not '
'processing. Writes nothing on error. Executable by service_role only.';
revoke all on function public.complete_job(uuid, text, bigint, text, text, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.complete_job(uuid, text, bigint, text, text, timestamptz) to service_role;

create function public.timeout_stale_jobs(
    p_stale_after interval default '30 minutes',
    p_pending_after interval default '1 day'
) returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
    v_job record;
    v_message text;
    v_count integer := 0;
begin
    if p_stale_after is null or p_stale_after <= interval '0' then
        raise exception 'p_stale_after must be a positive interval, got %', coalesce(p_stale_after::text, 'null')
        using errcode = '22023';
    end if;
    if p_pending_after is null or p_pending_after <= interval '0' then
        raise exception 'p_pending_after must be a positive interval, got %', coalesce(p_pending_after::text, 'null')
        using errcode = '22023';
    end if;
    -- The stale jobs first, then each one locked by its key: a job a worker holds is skipped. (One statement
    -- with FOR UPDATE SKIP LOCKED over all jobs would lock rows on every shard, which Citus refuses.)
    for v_job in
        select j.id, j.status
        from public.jobs as j
        where (j.status = 'processing' and greatest(
                j.started_at,
                (select max(greatest(t.started_at, t.finished_at)) from public.processing_timeline as t where t.job_id = j.id)
            ) < now() - p_stale_after)
            or (j.status = 'pending' and j.created_at < now() - p_pending_after)
    loop
        perform from public.jobs as j where j.id = v_job.id and j.status = v_job.status for update skip locked;
        if found then
            -- A value, not an expression of the UPDATE: Citus takes no stable function inside CASE there.
            v_message := case
                when v_job.status = 'pending' then format('not started within %s', p_pending_after)
                else format('no processing activity for %s', p_stale_after)
            end;
            update public.jobs as j
            set status = 'timeout', error_code = 'TIMEOUT', error_message = v_message
            where j.id = v_job.id;
            v_count := v_count + 1;
        end if;
    end loop;
    return v_count;
end
$$;
comment on function public.timeout_stale_jobs(interval, interval) is
'Moves stale jobs to status timeout (video-platform-database.md, job_status timeout). p_stale_after: a processing '
'job whose last activity (started_at or the latest start or finish in processing_timeline) is older than this '
'(default 30 minutes); p_pending_after: a pending job created longer ago than this (default 1 day). Jobs locked '
'by a worker are skipped. Returns the number of jobs timed out. Errors: 22023 non-positive interval. Executable '
'by service_role only.';
revoke all on function public.timeout_stale_jobs(interval, interval) from public, anon, authenticated, service_role;
grant execute on function public.timeout_stale_jobs(interval, interval) to service_role;
$migration$);

-- ===== render/0009_create_render_timeline_functions =====
call pg_temp.dreamcut_db_apply('render', '0009_create_render_timeline_functions', 'd700408ab8a8366d3ef372fb3eb34a43788ddd01ec779b5926ab50df6dff29f0', 'b60f8f956e9d6a832cfa80a91a67bf7ac7f3fedef895498ef7ee6a7079bbe951', $migration$
create function public.calculate_job_progress(p_job_id uuid) returns integer
language plpgsql stable
set search_path = ''
as $$
declare
    v_status public.job_status;
    v_progress integer;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    select status into v_status from public.jobs where id = p_job_id;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_status = 'completed' then
        return 100;
    end if;
    select coalesce(sum(case s.step
        when 'validation' then 5
        when 'download' then 15
        when 'processing' then 25
        when 'composition' then 20
        when 'encoding' then 25
        when 'upload' then 8
        when 'cleanup' then 2
    end), 0)::integer into v_progress
    from (select distinct t.step from public.processing_timeline as t where t.job_id = p_job_id and t.success) as s;
    return least(v_progress, 100);
end
$$;
comment on function public.calculate_job_progress(uuid) is
'Progress of a job from its timeline (video-platform-database.md, "SELECT calculate_job_progress(''job-uuid'')"). '
'p_job_id: a job the caller can see (RLS applies). Returns percent 0..100: 100 for a completed job, else the sum '
'of the weights of the steps that finished successfully (validation 5, download 15, processing 25, composition '
'20, encoding 25, upload 8, cleanup 2). Errors: 22023 null p_job_id, P0002 unknown job or not visible. '
'Executable by anon, authenticated, service_role.';
revoke all on function public.calculate_job_progress(uuid) from public, anon, authenticated, service_role;
grant execute on function public.calculate_job_progress(uuid) to anon, authenticated, service_role;

create function public.start_processing_step(
    p_job_id uuid,
    p_step public.processing_step,
    p_details jsonb default '{}'
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_status public.job_status;
    v_running uuid;
    v_timeline_id uuid;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_step is null then
        raise exception 'p_step is required (validation, download, processing, composition, encoding, upload, cleanup)'
        using errcode = '22023';
    end if;
    if p_details is not null and jsonb_typeof(p_details) <> 'object' then
        raise exception 'p_details must be a JSON object, got %', jsonb_typeof(p_details) using errcode = '22023';
    end if;
    select status into v_status from public.jobs where id = p_job_id for update;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_status not in ('pending', 'processing') and p_step <> 'cleanup' then
        raise exception 'job % is %: only the cleanup step can start once a job is finished', p_job_id, v_status
        using errcode = '55000';
    end if;
    select id into v_running from public.processing_timeline
    where job_id = p_job_id and step = p_step and finished_at is null;
    if found then
        raise exception 'step % of job % is already running (timeline entry %)', p_step, p_job_id, v_running
        using errcode = '55000';
    end if;
    if v_status = 'pending' then
        update public.jobs set status = 'processing', current_step = p_step where id = p_job_id;
    elsif v_status = 'processing' then
        update public.jobs set current_step = p_step where id = p_job_id;
    end if;
    insert into public.processing_timeline (job_id, step, details)
    values (p_job_id, p_step, coalesce(p_details, '{}'))
    returning id into v_timeline_id;
    return v_timeline_id;
end
$$;
comment on function public.start_processing_step(uuid, public.processing_step, jsonb) is
'Starts a processing step of a job (video-platform-database.md, "Step-by-step processing"). p_job_id: the job '
'(a pending job moves to processing); p_step: the step; p_details: JSON object. Sets the job''s current_step. '
'Returns the timeline entry id (uuid) for complete_processing_step. Errors: 22023 bad parameter, P0002 unknown '
'job, 55000 job finished (only cleanup may run then) or the same step already running. Writes nothing on error. '
'Executable by service_role only.';
revoke all on function public.start_processing_step(uuid, public.processing_step, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.start_processing_step(uuid, public.processing_step, jsonb) to service_role;

create function public.complete_processing_step(
    p_timeline_id uuid,
    p_success boolean default true,
    p_error_message text default null,
    p_resource_usage jsonb default null,
    p_details jsonb default null,
    p_job_id uuid default null
) returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
    v_job_id uuid := p_job_id;
    v_job_status public.job_status;
    v_entry public.processing_timeline%rowtype;
    v_finished_at timestamptz;
    v_progress integer;
begin
    if p_timeline_id is null then
        raise exception 'p_timeline_id is required' using errcode = '22023';
    end if;
    if p_success is null then
        raise exception 'p_success must be true or false, got null' using errcode = '22023';
    end if;
    if not p_success and (p_error_message is null or btrim(p_error_message) = '') then
        raise exception 'p_error_message is required when p_success is false' using errcode = '22023';
    end if;
    if p_resource_usage is not null and jsonb_typeof(p_resource_usage) <> 'object' then
        raise exception 'p_resource_usage must be a JSON object, got %', jsonb_typeof(p_resource_usage)
        using errcode = '22023';
    end if;
    if p_details is not null and jsonb_typeof(p_details) <> 'object' then
        raise exception 'p_details must be a JSON object, got %', jsonb_typeof(p_details) using errcode = '22023';
    end if;
    if v_job_id is null then
        -- Without the key, the entry's job by the entry's id alone (idx_processing_timeline_id).
        select t.job_id into v_job_id from public.processing_timeline as t where t.id = p_timeline_id;
    end if;
    -- Lock the job row first: completions of one job's steps serialize on it, and the progress computed below,
    -- in a later statement with a snapshot taken after the lock, counts every step whose completion committed
    -- before (computed in a statement that began before the lock was granted, it would miss the step a
    -- concurrent completion just committed: a lost update). Job row before timeline row, as in
    -- start_processing_step.
    select j.status into v_job_status from public.jobs as j where j.id = v_job_id for no key update;
    select t.* into v_entry from public.processing_timeline as t
    where t.job_id = v_job_id and t.id = p_timeline_id
    for update;
    if not found then
        raise exception 'timeline entry % not found (p_timeline_id%)', p_timeline_id,
            coalesce(format(' of job %s, p_job_id', p_job_id), '')
        using errcode = 'P0002';
    end if;
    if v_entry.finished_at is not null then
        raise exception 'timeline entry % (step % of job %) already finished at %', p_timeline_id, v_entry.step,
            v_entry.job_id, v_entry.finished_at
        using errcode = '55000';
    end if;
    v_finished_at := clock_timestamp();
    update public.processing_timeline
    set finished_at = greatest(v_finished_at, started_at),
        success = p_success,
        error_message = p_error_message,
        resource_usage = resource_usage || coalesce(p_resource_usage, '{}'),
        details = details || coalesce(p_details, '{}')
    where job_id = v_job_id and id = p_timeline_id;
    if v_job_status = 'processing' then
        v_progress := public.calculate_job_progress(v_job_id);
        update public.jobs as j
        set progress_percentage = greatest(j.progress_percentage, v_progress)
        where j.id = v_job_id
        returning j.progress_percentage into v_progress;
    else
        select j.progress_percentage into v_progress from public.jobs as j where j.id = v_job_id;
    end if;
    return v_progress;
end
$$;
comment on function public.complete_processing_step(uuid, boolean, text, jsonb, jsonb, uuid) is
'Finishes a running processing step (video-platform-database.md, "Step-by-step processing"). p_timeline_id: the '
'id start_processing_step returned; p_success: outcome; p_error_message: required when p_success is false; '
'p_resource_usage: JSON object merged into resource_usage (e.g. {"cpu_percent": 80, "memory_mb": 512}); '
'p_details: JSON object merged into details; p_job_id: the entry''s job (optional: the distribution key; with '
'it the entry is found by (job_id, id), without it by its id alone). Sets finished_at (duration_ms follows) '
'and, while the job is processing, raises its progress to calculate_job_progress (never lowers it). Locks the '
'job row first, so concurrent completions of one job''s steps serialize and each counts the steps committed '
'before it. A failed step does not fail the job: the worker decides (retry or update_job_status failed). '
'Returns the job''s progress in percent. Errors: 22023 bad parameter, P0002 unknown entry (or not of p_job_id), '
'55000 entry already finished. Writes nothing on error. Executable by service_role only.';
revoke all on function public.complete_processing_step(uuid, boolean, text, jsonb, jsonb, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.complete_processing_step(uuid, boolean, text, jsonb, jsonb, uuid) to service_role;
$migration$);

-- ===== render/0010_create_render_logging_functions =====
call pg_temp.dreamcut_db_apply('render', '0010_create_render_logging_functions', 'f7ecabfc842765d3cef615e6862ebbe8e6589d5e33521d5e9fcd91fd6d5d584a', '672d46263899a478a04da72a24054851fd1924f27b5715b142d41f37c4b1d7a4', $migration$
create function public.log_storage_operation(
    p_job_id uuid,
    p_operation public.storage_operation,
    p_bucket text,
    p_object_key text,
    p_success boolean default true,
    p_bytes bigint default null,
    p_duration_ms integer default null,
    p_error_message text default null,
    p_metadata jsonb default '{}'
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_id uuid;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_operation is null then
        raise exception 'p_operation is required (upload, download, delete, access)' using errcode = '22023';
    end if;
    if p_bucket is null or length(p_bucket) not between 3 and 63 then
        raise exception 'p_bucket must be an S3 bucket name of 3 to 63 characters, got %', coalesce(quote_literal(p_bucket), 'null')
        using errcode = '22023';
    end if;
    if p_object_key is null or length(p_object_key) not between 1 and 1024 then
        raise exception 'p_object_key must be an S3 key of 1 to 1024 characters, got %', coalesce(quote_literal(p_object_key), 'null')
        using errcode = '22023';
    end if;
    if p_success is null then
        raise exception 'p_success must be true or false, got null' using errcode = '22023';
    end if;
    if not p_success and (p_error_message is null or btrim(p_error_message) = '') then
        raise exception 'p_error_message is required when p_success is false' using errcode = '22023';
    end if;
    if p_bytes < 0 then
        raise exception 'p_bytes must be >= 0, got %', p_bytes using errcode = '22023';
    end if;
    if p_duration_ms < 0 then
        raise exception 'p_duration_ms must be >= 0 milliseconds, got %', p_duration_ms using errcode = '22023';
    end if;
    if p_metadata is not null and jsonb_typeof(p_metadata) <> 'object' then
        raise exception 'p_metadata must be a JSON object, got %', jsonb_typeof(p_metadata) using errcode = '22023';
    end if;
    perform from public.jobs where id = p_job_id;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    insert into public.storage_operations (
        job_id, operation, bucket, object_key, bytes, duration_ms, success, error_message, metadata
    )
    values (
        p_job_id, p_operation, p_bucket, p_object_key, p_bytes, p_duration_ms, p_success, p_error_message,
        coalesce(p_metadata, '{}')
    )
    returning id into v_id;
    return v_id;
end
$$;
comment on function public.log_storage_operation(
    uuid, public.storage_operation, text, text, boolean, bigint, integer, text, jsonb
) is
'Logs one S3 operation of a job (video-platform-database.md, "S3 operation tracking"). p_job_id: the job; '
'p_operation: upload, download, delete or access; p_bucket: bucket name (3..63 characters); p_object_key: key '
'(1..1024 characters); p_success: outcome; p_bytes: bytes transferred (>= 0); p_duration_ms: milliseconds '
'(>= 0); p_error_message: required when p_success is false; p_metadata: JSON object. Returns the operation id '
'(uuid). Errors: 22023 bad parameter, P0002 unknown job. Writes nothing on error. Executable by service_role only.';
revoke all on function public.log_storage_operation(uuid, public.storage_operation, text, text, boolean, bigint, integer, text, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.log_storage_operation(uuid, public.storage_operation, text, text, boolean, bigint, integer, text, jsonb) to service_role;

create function public.log_url_access(
    p_job_id uuid,
    p_url text,
    p_ip_address inet default null,
    p_user_agent text default null,
    p_referrer text default null,
    p_country_code text default null,
    p_geolocation jsonb default '{}',
    p_bytes_transferred bigint default null,
    p_response_time_ms integer default null,
    p_status_code integer default 200
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_id uuid;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_url is null or p_url !~ '^(https?|s3)://\S+$' then
        raise exception 'p_url must be an http(s):// or s3:// URL, got %', coalesce(quote_literal(p_url), 'null')
        using errcode = '22023';
    end if;
    if p_country_code !~ '^[A-Z]{2}$' then
        raise exception 'p_country_code must be an ISO 3166-1 alpha-2 code such as DE, got %', quote_literal(p_country_code)
        using errcode = '22023';
    end if;
    if p_geolocation is not null and jsonb_typeof(p_geolocation) <> 'object' then
        raise exception 'p_geolocation must be a JSON object, got %', jsonb_typeof(p_geolocation) using errcode = '22023';
    end if;
    if p_bytes_transferred < 0 then
        raise exception 'p_bytes_transferred must be >= 0, got %', p_bytes_transferred using errcode = '22023';
    end if;
    if p_response_time_ms < 0 then
        raise exception 'p_response_time_ms must be >= 0 milliseconds, got %', p_response_time_ms using errcode = '22023';
    end if;
    if p_status_code not between 100 and 599 then
        raise exception 'p_status_code must be an HTTP status between 100 and 599, got %', p_status_code
        using errcode = '22023';
    end if;
    perform from public.jobs where id = p_job_id;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    insert into public.url_access_logs (
        job_id, url, ip_address, user_agent, referrer, country_code, geolocation, bytes_transferred,
        response_time_ms, status_code
    )
    values (
        p_job_id, p_url, p_ip_address, p_user_agent, p_referrer, p_country_code, coalesce(p_geolocation, '{}'),
        p_bytes_transferred, p_response_time_ms, p_status_code
    )
    returning id into v_id;
    return v_id;
end
$$;
comment on function public.log_url_access(uuid, text, inet, text, text, text, jsonb, bigint, integer, integer) is
'Logs one access to a job''s result URL (video-platform-database.md, "URL access analytics"). p_job_id: the job; '
'p_url: the URL accessed (http(s):// or s3://); p_ip_address, p_user_agent, p_referrer: who asked; '
'p_country_code: ISO 3166-1 alpha-2 (e.g. DE); p_geolocation: JSON object (e.g. {"city": "Berlin"}); '
'p_bytes_transferred: bytes (>= 0); p_response_time_ms: milliseconds (>= 0); p_status_code: HTTP status '
'100..599. Returns the log id (uuid). Errors: 22023 bad parameter, P0002 unknown job. Writes nothing on error. '
'Executable by service_role only.';
revoke all on function public.log_url_access(uuid, text, inet, text, text, text, jsonb, bigint, integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.log_url_access(uuid, text, inet, text, text, text, jsonb, bigint, integer, integer) to service_role;

create function public.record_system_metric(
    p_metric_name text,
    p_metric_value numeric,
    p_unit text default null,
    p_tags jsonb default '{}',
    p_warning_threshold numeric default null,
    p_critical_threshold numeric default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_id uuid;
begin
    if p_metric_name is null or p_metric_name !~ '^[a-z][a-z0-9_.]{0,99}$' then
        raise exception 'p_metric_name must be a lowercase dotted name such as queue.depth (a-z, 0-9, _ and ., at most 100), got %',
            coalesce(quote_literal(p_metric_name), 'null')
        using errcode = '22023';
    end if;
    if p_metric_value is null or not (p_metric_value > '-Infinity' and p_metric_value < 'Infinity') then
        raise exception 'p_metric_value must be a finite number, got %', coalesce(p_metric_value::text, 'null')
        using errcode = '22023';
    end if;
    if length(p_unit) not between 1 and 20 then
        raise exception 'p_unit must be 1 to 20 characters (e.g. ms, bytes, percent), got %', quote_literal(p_unit)
        using errcode = '22023';
    end if;
    if p_tags is not null and jsonb_typeof(p_tags) <> 'object' then
        raise exception 'p_tags must be a JSON object, got %', jsonb_typeof(p_tags) using errcode = '22023';
    end if;
    if not (p_warning_threshold > '-Infinity' and p_warning_threshold < 'Infinity')
        or not (p_critical_threshold > '-Infinity' and p_critical_threshold < 'Infinity') then
        raise exception 'p_warning_threshold and p_critical_threshold must be finite numbers, got % and %',
            p_warning_threshold, p_critical_threshold
        using errcode = '22023';
    end if;
    insert into public.system_metrics (metric_name, metric_value, unit, tags, warning_threshold, critical_threshold)
    values (p_metric_name, p_metric_value, p_unit, coalesce(p_tags, '{}'), p_warning_threshold, p_critical_threshold)
    returning id into v_id;
    return v_id;
end
$$;
comment on function public.record_system_metric(text, numeric, text, jsonb, numeric, numeric) is
'Records one performance sample (video-platform-database.md, "Performance monitoring: metrics collection, '
'alerting"). p_metric_name: lowercase dotted name (e.g. queue.depth); p_metric_value: finite number; p_unit: '
'e.g. ms, bytes, percent (1..20 characters); p_tags: JSON object; p_warning_threshold, p_critical_threshold: '
'alert thresholds (higher is worse when warning <= critical, lower is worse otherwise; see view system_health). '
'Returns the sample id (uuid). Errors: 22023 bad parameter. Writes nothing on error. Executable by service_role '
'only.';
revoke all on function public.record_system_metric(text, numeric, text, jsonb, numeric, numeric) from public, anon, authenticated, service_role;
grant execute on function public.record_system_metric(text, numeric, text, jsonb, numeric, numeric) to service_role;
$migration$);

-- ===== render/0011_create_render_analytics =====
call pg_temp.dreamcut_db_apply('render', '0011_create_render_analytics', '7602385e1f6da52caca33a768735757535a2a67f9d4876b4ecea5fcbf66e1109', 'eb25a6a387702e7daf197135d783595f5fb082cf9d08361e238eb9d7ab329033', $migration$
create function public.calculate_job_duration(p_job_id uuid) returns bigint
language plpgsql stable
set search_path = ''
as $$
declare
    v_job public.jobs%rowtype;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    select * into v_job from public.jobs where id = p_job_id;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_job.started_at is null then
        return null;
    end if;
    return (extract(epoch from (coalesce(v_job.completed_at, now()) - v_job.started_at)) * 1000)::bigint;
end
$$;
comment on function public.calculate_job_duration(uuid) is
'Processing time of a job (video-platform-database.md, analytics). p_job_id: a job the caller can see (RLS '
'applies). Returns milliseconds from started_at to completed_at (or to now while processing), or null when the '
'job never started. Errors: 22023 null p_job_id, P0002 unknown job or not visible. Executable by anon, '
'authenticated, service_role.';
revoke all on function public.calculate_job_duration(uuid) from public, anon, authenticated, service_role;
grant execute on function public.calculate_job_duration(uuid) to anon, authenticated, service_role;

create function public.get_job_statistics(
    p_start_date timestamptz default now() - interval '7 days',
    p_end_date timestamptz default now()
) returns table (
    total_jobs bigint,
    pending_jobs bigint,
    processing_jobs bigint,
    completed_jobs bigint,
    failed_jobs bigint,
    cancelled_jobs bigint,
    timeout_jobs bigint,
    success_rate numeric,
    avg_processing_time_ms numeric,
    p95_processing_time_ms numeric,
    total_output_bytes numeric,
    by_format jsonb,
    by_response_type jsonb
)
language plpgsql stable
set search_path = ''
as $$
begin
    if p_start_date is null or p_end_date is null or p_start_date >= p_end_date then
        raise exception 'p_start_date must be before p_end_date, got % and %',
            coalesce(p_start_date::text, 'null'), coalesce(p_end_date::text, 'null')
        using errcode = '22023';
    end if;
    return query
    with j as (
        select
            jb.status,
            jb.output_format,
            jb.response_type,
            jb.file_size_bytes,
            case when jb.status = 'completed'
                then extract(epoch from (jb.completed_at - jb.started_at)) * 1000 end as processing_ms
        from public.jobs as jb
        where jb.created_at >= p_start_date and jb.created_at < p_end_date
    )

    select
        count(*),
        count(*) filter (where j.status = 'pending'),
        count(*) filter (where j.status = 'processing'),
        count(*) filter (where j.status = 'completed'),
        count(*) filter (where j.status = 'failed'),
        count(*) filter (where j.status = 'cancelled'),
        count(*) filter (where j.status = 'timeout'),
        round(100.0 * count(*) filter (where j.status = 'completed')
            / nullif(count(*) filter (where j.status in ('completed', 'failed', 'timeout')), 0), 2),
        round(avg(j.processing_ms), 1),
        round((percentile_cont(0.95) within group (order by j.processing_ms))::numeric, 1),
        coalesce(sum(j.file_size_bytes), 0),
        coalesce((
            select jsonb_object_agg(f.output_format, jsonb_build_object(
                'total', f.total, 'completed', f.completed, 'failed', f.failed
            ))
            from (
                select
                    j2.output_format,
                    count(*) as total,
                    count(*) filter (where j2.status = 'completed') as completed,
                    count(*) filter (where j2.status in ('failed', 'timeout')) as failed
                from j as j2 group by j2.output_format
            ) as f
        ), '{}'),
        coalesce((
            select jsonb_object_agg(r.response_type, r.total)
            from (select j3.response_type, count(*) as total from j as j3 group by j3.response_type) as r
        ), '{}')
    from j;
end
$$;
comment on function public.get_job_statistics(timestamptz, timestamptz) is
'Job statistics of a period (video-platform-database.md, "SELECT get_job_statistics(''2024-01-01'', '
'''2024-01-31'')"). p_start_date, p_end_date: jobs created in [start, end) (default: the last 7 days). Returns '
'one row: total_jobs and the count of each status; success_rate: percent of completed among completed, failed '
'and timed-out jobs (cancelled ones are left out; null when none finished); avg_processing_time_ms, '
'p95_processing_time_ms: started_at to completed_at of completed jobs in milliseconds; total_output_bytes; '
'by_format: {"mp4": {"total": n, "completed": n, "failed": n}, ...} (failed includes timeout); '
'by_response_type: {"immediate": n, "async": n}. Security invoker: a caller counts the jobs it can see. Errors: '
'22023 start not before end. Executable by anon, authenticated, service_role.';
revoke all on function public.get_job_statistics(timestamptz, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.get_job_statistics(timestamptz, timestamptz) to anon, authenticated, service_role;

create function public.get_storage_statistics(
    p_start_date timestamptz default now() - interval '7 days',
    p_end_date timestamptz default now()
) returns table (
    operation public.storage_operation,
    total_operations bigint,
    successful_operations bigint,
    failed_operations bigint,
    total_bytes numeric,
    avg_duration_ms numeric,
    p95_duration_ms numeric
)
language plpgsql stable
set search_path = ''
as $$
begin
    if p_start_date is null or p_end_date is null or p_start_date >= p_end_date then
        raise exception 'p_start_date must be before p_end_date, got % and %',
            coalesce(p_start_date::text, 'null'), coalesce(p_end_date::text, 'null')
        using errcode = '22023';
    end if;
    return query
    select
        s.operation,
        count(*),
        count(*) filter (where s.success),
        count(*) filter (where not s.success),
        coalesce(sum(s.bytes), 0),
        round(avg(s.duration_ms), 1),
        round((percentile_cont(0.95) within group (order by s.duration_ms))::numeric, 1)
    from public.storage_operations as s
    where s.created_at >= p_start_date and s.created_at < p_end_date
    group by s.operation
    order by s.operation;
end
$$;
comment on function public.get_storage_statistics(timestamptz, timestamptz) is
'S3 operation statistics of a period (video-platform-database.md, "Upload/download monitoring, performance '
'metrics"). p_start_date, p_end_date: operations logged in [start, end) (default: the last 7 days). Returns one '
'row per operation kind: total, successful and failed operations, total bytes, average and p95 duration in '
'milliseconds. Security invoker (RLS applies). Errors: 22023 start not before end. Executable by anon, '
'authenticated, service_role.';
revoke all on function public.get_storage_statistics(timestamptz, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.get_storage_statistics(timestamptz, timestamptz) to anon, authenticated, service_role;
$migration$);

-- ===== render/0012_create_render_views =====
call pg_temp.dreamcut_db_apply('render', '0012_create_render_views', '673a8604229bf22399e36ba526ef8a9e4791699ba1bfa5361da64e99bf5bccfa', '139e61c99c824a5668eb54e4a9eb71f6ef4fa143100a3ec58151bcdf8f4c4e39', $migration$
create view public.job_summary with (security_invoker = true) as
select
    j.id,
    j.user_id,
    j.client_ip,
    j.status,
    j.progress_percentage,
    j.current_step,
    j.response_type,
    j.output_format,
    j.width,
    j.height,
    j.fps,
    j.duration_seconds,
    j.result_url,
    j.file_size_bytes as file_size,
    j.error_message,
    j.error_code,
    j.created_at,
    j.started_at,
    j.completed_at,
    j.expires_at,
    (extract(epoch from (coalesce(j.completed_at, now()) - j.started_at)) * 1000)::bigint as processing_time_ms,
    coalesce(e.element_count, 0) as element_count,
    coalesce(e.element_types, '{}') as element_types,
    coalesce(t.steps_completed, 0) as steps_completed,
    coalesce(t.steps_failed, 0) as steps_failed,
    coalesce(s.storage_operations, 0) as storage_operations,
    coalesce(s.bytes_uploaded, 0) as bytes_uploaded,
    coalesce(a.access_count, 0) as access_count
from public.jobs as j
left join lateral (
    select
        count(*) as element_count,
        (array_agg(distinct el.type order by el.type))::text[] as element_types
    from public.elements as el
    where el.job_id = j.id
) as e on true
left join lateral (
    select
        count(*) filter (where tl.success) as steps_completed,
        count(*) filter (where not tl.success) as steps_failed
    from public.processing_timeline as tl
    where tl.job_id = j.id
) as t on true
left join lateral (
    select
        count(*) as storage_operations,
        sum(so.bytes) filter (where so.operation = 'upload' and so.success) as bytes_uploaded
    from public.storage_operations as so
    where so.job_id = j.id
) as s on true
left join lateral (
    select count(*) as access_count from public.url_access_logs as ua
    where ua.job_id = j.id
) as a on true;
comment on view public.job_summary is
'One row per job with its element, timeline, storage and access counts (video-platform-database.md, "SELECT * '
'FROM job_summary WHERE id = ''job-uuid''"). processing_time_ms: started_at to completed_at (or now) in '
'milliseconds; file_size: bytes of the result; bytes_uploaded: bytes of successful uploads. Security invoker.';

create view public.job_status_realtime with (security_invoker = true) as
select
    j.id,
    j.status,
    j.progress_percentage,
    j.current_step,
    j.result_url,
    j.error_message,
    j.updated_at
from public.jobs as j;
comment on view public.job_status_realtime is
'The small slice of a job that status pages poll or follow (video-platform-database.md, "Job Status Updates"). '
'Security invoker.';

create view public.active_jobs with (security_invoker = true) as
select
    j.id,
    j.user_id,
    j.status,
    j.progress_percentage,
    j.current_step,
    j.output_format,
    j.response_type,
    j.created_at,
    j.started_at,
    a.last_activity as last_activity_at,
    greatest(now() - a.last_activity, interval '0') as time_since_activity,
    case
        when now() - a.last_activity < interval '5 minutes' then 'healthy'
        when now() - a.last_activity < interval '15 minutes' then 'slow'
        else 'stalled'
    end as processing_health
from public.jobs as j
cross join
    lateral (
        select greatest(coalesce(j.started_at, j.created_at), max(t.started_at), max(t.finished_at)) as last_activity
        from public.processing_timeline as t
        where t.job_id = j.id
    ) as a
where j.status in ('pending', 'processing');
comment on view public.active_jobs is
'Pending and processing jobs with processing_health (video-platform-database.md, "SELECT * FROM active_jobs WHERE '
'processing_health = ''stalled''"): last_activity_at is the latest processing_timeline start or finish, else '
'started_at, else created_at; healthy when it is less than 5 minutes ago, slow under 15 minutes, stalled after '
'(timeout_stale_jobs times out a processing job after 30 minutes by default). Security invoker.';

create view public.daily_job_stats with (security_invoker = true) as
select
    (j.created_at at time zone 'UTC')::date as day,
    count(*) as total_jobs,
    count(*) filter (where j.status = 'completed') as completed_jobs,
    count(*) filter (where j.status = 'failed') as failed_jobs,
    count(*) filter (where j.status = 'cancelled') as cancelled_jobs,
    count(*) filter (where j.status = 'timeout') as timeout_jobs,
    count(*) filter (where j.status in ('pending', 'processing')) as active_jobs,
    round(
        100.0 * count(*) filter (where j.status = 'completed')
        / nullif(count(*) filter (where j.status in ('completed', 'failed', 'timeout')), 0), 2
    ) as success_rate,
    round(avg(extract(epoch from (j.completed_at - j.started_at)) * 1000) filter (where j.status = 'completed'), 1)
        as avg_processing_time_ms,
    round((
        percentile_cont(0.95) within group (order by extract(epoch from (j.completed_at - j.started_at)) * 1000)
        filter (where j.status = 'completed')
    )::numeric, 1) as p95_processing_time_ms,
    coalesce(sum(j.file_size_bytes), 0) as total_output_bytes
from public.jobs as j
group by (j.created_at at time zone 'UTC')::date;
comment on view public.daily_job_stats is
'Jobs per UTC day of creation: counts by status, success_rate (percent of completed among completed, failed and '
'timed out), average and p95 processing time of completed jobs in milliseconds, output bytes '
'(video-platform-database.md, analytics). Security invoker.';

create view public.hourly_processing_load with (security_invoker = true) as
select
    date_trunc('hour', j.started_at, 'UTC') as hour_start,
    count(*) as jobs_started,
    count(*) filter (where j.status = 'completed') as jobs_completed,
    count(*) filter (where j.status in ('failed', 'timeout')) as jobs_failed,
    round(avg(extract(epoch from (j.completed_at - j.started_at)) * 1000) filter (where j.status = 'completed'), 1)
        as avg_processing_time_ms
from public.jobs as j
where j.started_at is not null
group by date_trunc('hour', j.started_at, 'UTC');
comment on view public.hourly_processing_load is
'Jobs started per UTC hour with how many completed or failed (failed or timeout) and the average processing time '
'in milliseconds (video-platform-database.md, analytics). Security invoker.';

create view public.failed_jobs with (security_invoker = true) as
select
    j.id,
    j.user_id,
    j.client_ip,
    j.status,
    j.error_message,
    j.error_code,
    j.output_format,
    j.progress_percentage,
    j.current_step,
    j.created_at,
    j.started_at,
    j.completed_at as failed_at,
    f.step as failed_step,
    f.error_message as step_error_message
from public.jobs as j
left join lateral (
    select
        t.step,
        t.error_message
    from public.processing_timeline as t
    where t.job_id = j.id and t.success = false
    order by t.finished_at desc, t.id desc
    limit 1
) as f on true
where j.status in ('failed', 'timeout');
comment on view public.failed_jobs is
'Failed and timed-out jobs with their error and the last failed processing step (video-platform-database.md, '
'"error tracking"). Security invoker.';

create view public.step_performance with (security_invoker = true) as
select
    t.step,
    count(*) as executions,
    count(*) filter (where t.success) as successful,
    count(*) filter (where t.success = false) as failed,
    count(*) filter (where t.finished_at is null) as running,
    round(100.0 * count(*) filter (where t.success) / nullif(count(*) filter (where t.finished_at is not null), 0), 2)
        as success_rate,
    round(avg(t.duration_ms), 1) as avg_duration_ms,
    round((percentile_cont(0.95) within group (order by t.duration_ms))::numeric, 1) as p95_duration_ms,
    max(t.duration_ms) as max_duration_ms
from public.processing_timeline as t
group by t.step;
comment on view public.step_performance is
'Per processing step: executions, successes, failures, running, success_rate (percent of finished), average, '
'p95 and maximum duration in milliseconds (video-platform-database.md, "Step-by-step processing"). Security '
'invoker.';

create view public.storage_usage with (security_invoker = true) as
select
    s.bucket,
    s.operation,
    count(*) as operations,
    count(*) filter (where s.success) as successful,
    count(*) filter (where not s.success) as failed,
    coalesce(sum(s.bytes) filter (where s.success), 0) as total_bytes,
    round(avg(s.duration_ms), 1) as avg_duration_ms,
    max(s.created_at) as last_operation_at
from public.storage_operations as s
group by s.bucket, s.operation;
comment on view public.storage_usage is
'Per S3 bucket and operation: counts, bytes of successful operations and average duration in milliseconds '
'(video-platform-database.md, "S3 operation tracking"). Security invoker.';

create view public.url_access_stats with (security_invoker = true) as
select
    l.job_id,
    count(*) as access_count,
    count(distinct l.ip_address) as unique_ips,
    coalesce(sum(l.bytes_transferred), 0) as total_bytes,
    round(avg(l.response_time_ms), 1) as avg_response_time_ms,
    count(*) filter (where l.status_code >= 400) as error_count,
    array_remove(array_agg(distinct l.country_code), null) as countries,
    min(l.accessed_at) as first_access_at,
    max(l.accessed_at) as last_access_at
from public.url_access_logs as l
group by l.job_id;
comment on view public.url_access_stats is
'Per job: accesses to its result URL, distinct addresses, bytes sent, average response time in milliseconds, '
'HTTP errors (status >= 400), countries, first and last access (video-platform-database.md, "URL access '
'analytics"). Security invoker.';

create view public.system_health with (security_invoker = true) as
select
    m.metric_name,
    m.metric_value as latest_value,
    m.unit,
    m.warning_threshold,
    m.critical_threshold,
    m.recorded_at as last_recorded_at,
    h.samples_last_hour,
    h.avg_last_hour,
    case
        when m.warning_threshold is null and m.critical_threshold is null then 'ok'
        when coalesce(m.warning_threshold, m.critical_threshold) <= coalesce(m.critical_threshold, m.warning_threshold)
            then case
                when m.metric_value >= m.critical_threshold then 'critical'
                when m.metric_value >= m.warning_threshold then 'warning'
                else 'ok'
            end
        when m.metric_value <= m.critical_threshold then 'critical'
        when m.metric_value <= m.warning_threshold then 'warning'
        else 'ok'
    end as status
from (
    select distinct on (sm.metric_name) sm.*
    from public.system_metrics as sm
    order by sm.metric_name asc, sm.recorded_at desc, sm.id asc
) as m
cross join lateral (
    select
        count(*) as samples_last_hour,
        round(avg(x.metric_value), 3) as avg_last_hour
    from public.system_metrics as x
    where x.metric_name = m.metric_name and x.recorded_at >= now() - interval '1 hour'
) as h;
comment on view public.system_health is
'Latest sample of every metric with its alert status ok / warning / critical (higher is worse when '
'warning_threshold <= critical_threshold, lower is worse otherwise) and the last hour''s sample count and '
'average (video-platform-database.md, "Performance monitoring"). Security invoker: admins and service_role see '
'the metrics.';

create view public.recent_errors with (security_invoker = true) as
select
    'job' as source,
    j.id as job_id,
    null::text as detail,
    j.error_message,
    j.error_code,
    j.completed_at as occurred_at
from public.jobs as j
where j.status in ('failed', 'timeout') and j.completed_at >= now() - interval '24 hours'
union all
select
    'processing_step' as source,
    t.job_id,
    t.step::text as detail,
    t.error_message,
    null::text as error_code,
    t.finished_at as occurred_at
from public.processing_timeline as t
where t.success = false and t.finished_at >= now() - interval '24 hours'
union all
select
    'storage_operation' as source,
    s.job_id,
    s.operation::text || ' s3://' || s.bucket || '/' || s.object_key as detail,
    s.error_message,
    null::text as error_code,
    s.created_at as occurred_at
from public.storage_operations as s
where not s.success and s.created_at >= now() - interval '24 hours';
comment on view public.recent_errors is
'Errors of the last 24 hours from failed or timed-out jobs, failed processing steps and failed storage operations: '
'source (job, processing_step, storage_operation), job_id, detail (the step, or the operation and S3 location), '
'error_message, error_code, occurred_at (video-platform-database.md, "Troubleshooting"). Security invoker.';

create view public.element_type_stats with (security_invoker = true) as
select
    e.type,
    count(*) as elements,
    count(distinct e.job_id) as jobs,
    count(*) filter (where e.processing_status = 'completed') as completed,
    count(*) filter (where e.processing_status = 'failed') as failed,
    round(avg(e.duration), 3) as avg_duration_seconds
from public.elements as e
group by e.type;
comment on view public.element_type_stats is
'Per element type: elements, jobs using it, processed and failed elements, average duration in seconds '
'(video-platform-database.md, "Video composition elements"). Security invoker.';

revoke all on table
public.job_summary, public.job_status_realtime, public.active_jobs, public.daily_job_stats,
public.hourly_processing_load, public.failed_jobs, public.step_performance, public.storage_usage,
public.url_access_stats, public.system_health, public.recent_errors, public.element_type_stats
from public, anon, authenticated, service_role;
grant select on table
public.job_summary, public.job_status_realtime, public.active_jobs, public.daily_job_stats,
public.hourly_processing_load, public.failed_jobs, public.step_performance, public.storage_usage,
public.url_access_stats, public.recent_errors, public.element_type_stats
to anon, authenticated, service_role;
grant select on table public.system_health to authenticated, service_role;
$migration$);

-- ===== render/0013_create_render_retention =====
call pg_temp.dreamcut_db_apply('render', '0013_create_render_retention', 'dab356a35bb4a16b33111ec36df923b0316e033ae8a08eade8d125bf487703c2', '45f8b86299589392826a2df4b760c51712343b8dfa18a6788fafc242e9822fd6', $migration$
create function dreamcut_private.retention_cutoff(p_parameter text, p_days integer) returns timestamptz
language plpgsql stable
set search_path = ''
as $$
begin
    if p_days is null or p_days not between 1 and 36500 then
        raise exception '% must be between 1 and 36500 days, got %', p_parameter, coalesce(p_days::text, 'null')
        using errcode = '22023';
    end if;
    return now() - make_interval(days => p_days);
end
$$;
comment on function dreamcut_private.retention_cutoff(text, integer) is
'Cutoff of a retention period. p_parameter: the caller''s parameter name, for the message (e.g. p_days); p_days: '
'the period in whole days, 1..36500 (100 years). Returns now() - p_days days (timestamptz): rows older than it '
'are old. Errors: 22023 p_days null or outside 1..36500 (the message names p_parameter).';
revoke all on function dreamcut_private.retention_cutoff(text, integer) from public, anon, authenticated, service_role;
grant execute on function dreamcut_private.retention_cutoff(text, integer) to service_role;

create function dreamcut_private.delete_old_rows(
    p_table text,
    p_cutoff timestamptz,
    p_batch_size integer,
    p_max_batches integer default null
) returns bigint
language plpgsql volatile
set search_path = ''
as $$
declare
    v_from_time timestamptz := timestamptz '-infinity';
    v_from_id uuid := uuid '00000000-0000-0000-0000-000000000000';
    v_to_time timestamptz;
    v_to_id uuid;
    v_found bigint;
    v_batch bigint;
    v_batches integer := 0;
    v_deleted bigint := 0::bigint;
begin
    if p_table is null or p_table not in (
        'public.jobs', 'public.system_metrics', 'public.url_access_logs', 'dreamcut_private.security_events'
    ) then
        raise exception 'p_table must be one of public.jobs, public.system_metrics, public.url_access_logs, '
            'dreamcut_private.security_events, got %', coalesce(quote_literal(left(p_table, 100)), 'null')
        using errcode = '22023';
    end if;
    if p_batch_size is null or p_batch_size not between 1 and 100000 then
        raise exception 'p_batch_size must be between 1 and 100000 rows, got %', coalesce(p_batch_size::text, 'null')
        using errcode = '22023';
    end if;
    if p_max_batches < 1 then
        raise exception 'p_max_batches must be at least 1 (or null: until no old row is left), got %', p_max_batches
        using errcode = '22023';
    end if;
    -- Each table has its own two statements, the same but for the table and its time column: static SQL, so
    -- that every statement is planned once per session and checked (plpgsql_check) like the rest of the package.
    -- The first finds the batch: the next p_batch_size old rows from the keyset on, by an index-only walk of the
    -- table's (time, id) index; it ends at the last of them. The second deletes it: the row bounds cut exactly,
    -- also between rows of the same instant; the scalar bounds give the planner a row estimate (it has none for
    -- row comparisons), so that it walks the same index.
    loop
        case p_table
            when 'public.jobs' then
                select b.t, b.id, b.n into v_to_time, v_to_id, v_found from (
                    select x.completed_at as t, x.id, row_number() over (order by x.completed_at, x.id) as n
                    from public.jobs as x
                    where x.completed_at < p_cutoff and (x.completed_at, x.id) >= (v_from_time, v_from_id)
                    order by x.completed_at, x.id limit p_batch_size
                ) as b order by b.n desc limit 1;
                delete from public.jobs as x
                where x.completed_at < p_cutoff and x.completed_at between v_from_time and v_to_time
                    and (x.completed_at, x.id) between (v_from_time, v_from_id) and (v_to_time, v_to_id);
            when 'public.system_metrics' then
                select b.t, b.id, b.n into v_to_time, v_to_id, v_found from (
                    select x.recorded_at as t, x.id, row_number() over (order by x.recorded_at, x.id) as n
                    from public.system_metrics as x
                    where x.recorded_at < p_cutoff and (x.recorded_at, x.id) >= (v_from_time, v_from_id)
                    order by x.recorded_at, x.id limit p_batch_size
                ) as b order by b.n desc limit 1;
                delete from public.system_metrics as x
                where x.recorded_at < p_cutoff and x.recorded_at between v_from_time and v_to_time
                    and (x.recorded_at, x.id) between (v_from_time, v_from_id) and (v_to_time, v_to_id);
            when 'public.url_access_logs' then
                select b.t, b.id, b.n into v_to_time, v_to_id, v_found from (
                    select x.accessed_at as t, x.id, row_number() over (order by x.accessed_at, x.id) as n
                    from public.url_access_logs as x
                    where x.accessed_at < p_cutoff and (x.accessed_at, x.id) >= (v_from_time, v_from_id)
                    order by x.accessed_at, x.id limit p_batch_size
                ) as b order by b.n desc limit 1;
                delete from public.url_access_logs as x
                where x.accessed_at < p_cutoff and x.accessed_at between v_from_time and v_to_time
                    and (x.accessed_at, x.id) between (v_from_time, v_from_id) and (v_to_time, v_to_id);
            when 'dreamcut_private.security_events' then
                select b.t, b.id, b.n into v_to_time, v_to_id, v_found from (
                    select x.created_at as t, x.id, row_number() over (order by x.created_at, x.id) as n
                    from dreamcut_private.security_events as x
                    where x.created_at < p_cutoff and (x.created_at, x.id) >= (v_from_time, v_from_id)
                    order by x.created_at, x.id limit p_batch_size
                ) as b order by b.n desc limit 1;
                delete from dreamcut_private.security_events as x
                where x.created_at < p_cutoff and x.created_at between v_from_time and v_to_time
                    and (x.created_at, x.id) between (v_from_time, v_from_id) and (v_to_time, v_to_id);
        end case;
        get diagnostics v_batch = row_count;
        v_deleted := v_deleted + v_batch;
        v_batches := v_batches + 1;
        -- (v_batches = p_max_batches is null, so no exit, when p_max_batches is null)
        exit when coalesce(v_found, 0) < p_batch_size or v_batches = p_max_batches;
        v_from_time := v_to_time;
        v_from_id := v_to_id;
    end loop;
    return v_deleted;
end
$$;
comment on function dreamcut_private.delete_old_rows(text, timestamptz, integer, integer) is
'Retention of one table in keyset batches (video-platform-database.md, "Database Maintenance"). p_table (text): '
'public.jobs (by completed_at: finished jobs only, with their child rows by on delete cascade), '
'public.system_metrics (recorded_at), public.url_access_logs (accessed_at) or dreamcut_private.security_events '
'(created_at); p_cutoff: rows whose time is before it are old; p_batch_size: rows per DELETE, 1..100000; '
'p_max_batches: at most this many batches (>= 1), or null: until no old row is left. Each batch is the next '
'p_batch_size old rows in (time, id) order, from where the previous batch ended (the first at ''-infinity''). A '
'row another transaction holds is waited for; a row a concurrent transaction adds behind the keyset waits for '
'the next call. Security invoker: the caller needs DELETE on p_table. Returns the number of rows deleted '
'(bigint; child rows not counted). Errors: 22023 another table, p_batch_size or p_max_batches out of range. '
'Executable by service_role.';
revoke all on function dreamcut_private.delete_old_rows(text, timestamptz, integer, integer)
from public, anon, authenticated, service_role;
grant execute on function dreamcut_private.delete_old_rows(text, timestamptz, integer, integer) to service_role;

create function public.cleanup_old_jobs(
    p_days integer default 30,
    p_batch_size integer default 1000,
    p_max_batches integer default null
) returns integer
language sql volatile
set search_path = ''
as $$
    -- completed_at is set exactly when a job finishes (constraint jobs_status_timestamps): the old ones are
    -- finished jobs.
    select dreamcut_private.delete_old_rows(
        'public.jobs', dreamcut_private.retention_cutoff('p_days', p_days), p_batch_size, p_max_batches
    )::integer
$$;
comment on function public.cleanup_old_jobs(integer, integer, integer) is
'Deletes finished jobs (completed, failed, cancelled, timeout) that finished more than p_days days ago, with '
'their elements, storage operations, timeline and access logs (video-platform-database.md, "SELECT '
'cleanup_old_jobs(30)"). Never deletes a pending or processing job. p_days: 1..36500 (default 30); '
'p_batch_size: jobs per DELETE statement, 1..100000 (default 1000); p_max_batches: at most this many batches '
'(>= 1), or null (default): until no old job is left. Batches follow (completed_at, id), each starting where the '
'previous one ended: the cost is linear in the jobs deleted. A call runs in the caller''s transaction and keeps '
'the jobs it deleted locked until that ends; for short locks, call it with p_max_batches = 1 in transactions '
'of their own until it returns 0 (a pg_cron job, a psql loop). Security invoker. Returns the number of jobs '
'deleted. Errors: 22023 bad parameter, 42501 caller without EXECUTE or DELETE. Executable by service_role (and '
'the owner, e.g. a DBA or pg_cron); not by the end users'' API roles.';
revoke all on function public.cleanup_old_jobs(integer, integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.cleanup_old_jobs(integer, integer, integer) to service_role;

create function public.cleanup_old_metrics(
    p_days integer default 7,
    p_batch_size integer default 10000,
    p_max_batches integer default null
) returns integer
language sql volatile
set search_path = ''
as $$
    select dreamcut_private.delete_old_rows(
        'public.system_metrics', dreamcut_private.retention_cutoff('p_days', p_days), p_batch_size, p_max_batches
    )::integer
$$;
comment on function public.cleanup_old_metrics(integer, integer, integer) is
'Deletes system_metrics samples recorded more than p_days days ago (video-platform-database.md, "SELECT '
'cleanup_old_metrics(7)"). p_days: 1..36500 (default 7); p_batch_size: samples per DELETE statement, '
'1..100000 (default 10000); p_max_batches: at most this many batches (>= 1), or null (default): until no old '
'sample is left. Batches follow (recorded_at, id), each starting where the previous one ended: the cost is '
'linear in the samples deleted. For short locks, call it with p_max_batches = 1 in transactions of their own '
'until it returns 0. Security invoker. Returns the number of samples deleted. Errors: 22023 bad parameter, '
'42501 caller without EXECUTE or DELETE. Executable by service_role (and the owner); not by the end users'' API '
'roles.';
revoke all on function public.cleanup_old_metrics(integer, integer, integer)
from public, anon, authenticated, service_role;
grant execute on function public.cleanup_old_metrics(integer, integer, integer) to service_role;

create function public.enforce_data_retention(
    p_job_days integer default 90,
    p_access_log_days integer default 90,
    p_metric_days integer default 30,
    p_security_event_days integer default 365
) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
    -- Every period is checked before anything is deleted.
    v_jobs_before timestamptz := dreamcut_private.retention_cutoff('p_job_days', p_job_days);
    v_logs_before timestamptz := dreamcut_private.retention_cutoff('p_access_log_days', p_access_log_days);
    v_metrics_before timestamptz := dreamcut_private.retention_cutoff('p_metric_days', p_metric_days);
    v_events_before timestamptz := dreamcut_private.retention_cutoff('p_security_event_days', p_security_event_days);
    v_now timestamptz := now();
    v_jobs bigint;
    v_logs bigint;
    v_metrics bigint;
    v_events bigint;
    v_counters bigint := 0::bigint;
    v_batch bigint;
begin
    v_jobs := dreamcut_private.delete_old_rows('public.jobs', v_jobs_before, 1000);
    v_logs := dreamcut_private.delete_old_rows('public.url_access_logs', v_logs_before, 10000);
    v_metrics := dreamcut_private.delete_old_rows('public.system_metrics', v_metrics_before, 10000);
    v_events := dreamcut_private.delete_old_rows('dreamcut_private.security_events', v_events_before, 10000);
    -- Rate-limit windows that have ended, by their key, 10000 at a time (a window is at least 1 second long).
    loop
        delete from dreamcut_private.rate_limit_counters as c
        where (c.identifier, c.window_seconds, c.window_start) in (
            select x.identifier, x.window_seconds, x.window_start
            from dreamcut_private.rate_limit_counters as x
            where x.window_start < v_now - interval '1 second'
                and x.window_start + make_interval(secs => x.window_seconds) < v_now
            limit 10000
        );
        get diagnostics v_batch = row_count;
        v_counters := v_counters + v_batch;
        exit when v_batch < 10000;
    end loop;
    return jsonb_build_object(
        'jobs', v_jobs, 'url_access_logs', v_logs, 'system_metrics', v_metrics, 'security_events', v_events,
        'rate_limit_counters', v_counters
    );
end
$$;
comment on function public.enforce_data_retention(integer, integer, integer, integer) is
'Applies the retention policy (video-platform-database.md, "SELECT enforce_data_retention()"), in bounded '
'batches: finished jobs older than p_job_days days (default 90, as cleanup_old_jobs; pending and processing jobs '
'are never deleted), url_access_logs older than p_access_log_days (default 90), system_metrics older than '
'p_metric_days (default 30), security events older than p_security_event_days (default 365) and rate-limit '
'counters whose window has ended. Each period: 1..36500 days. Security invoker. Returns the counts deleted as a '
'JSON object {"jobs": n, "url_access_logs": n, "system_metrics": n, "security_events": n, '
'"rate_limit_counters": n}. Errors: 22023 a period outside 1..36500 days (named), 42501 caller without EXECUTE '
'or DELETE. Executable by service_role (and the owner); not by the end users'' API roles.';
revoke all on function public.enforce_data_retention(integer, integer, integer, integer)
from public, anon, authenticated, service_role;
grant execute on function public.enforce_data_retention(integer, integer, integer, integer) to service_role;
$migration$);

-- ===== render/0014_create_render_rate_limiting =====
call pg_temp.dreamcut_db_apply('render', '0014_create_render_rate_limiting', '19bcc8610286c12e590225d100177bf5c4d9f383d745b08425c0cba07c433376', 'e12674580babfcea0fa2ad7fd00dc3b97f18e2b6783df7cba1d582cae8bbbda8', $migration$
create function public.log_security_event(p_event_type text, p_details jsonb default '{}') returns uuid
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
    v_id uuid;
begin
    if p_event_type is null or p_event_type !~ '^[a-z][a-z0-9_.:-]{0,99}$' then
        raise exception 'p_event_type must be a lowercase name such as unauthorized_access (a-z, 0-9, _ . : -, at most 100), got %',
            coalesce(quote_literal(p_event_type), 'null')
        using errcode = '22023';
    end if;
    if p_details is not null and jsonb_typeof(p_details) <> 'object' then
        raise exception 'p_details must be a JSON object, got %', jsonb_typeof(p_details) using errcode = '22023';
    end if;
    if octet_length(p_details::text) > 10000 then
        raise exception 'p_details must be at most 10000 bytes of JSON, got %', octet_length(p_details::text)
        using errcode = '22023';
    end if;
    insert into dreamcut_private.security_events (event_type, details, api_role, user_id, client_ip)
    values (
        p_event_type, coalesce(p_details, '{}'), dreamcut_private.user_role(), auth.uid(), dreamcut_private.client_ip()
    )
    returning id into v_id;
    return v_id;
end
$$;
comment on function public.log_security_event(text, jsonb) is
'Audit logging (video-platform-database.md, "SELECT log_security_event(''unauthorized_access'', ''{...}'')"). '
'p_event_type: lowercase name (a-z, 0-9, _ . : -, <= 100 characters); p_details: JSON object (<= 10000 bytes). '
'Records the event in dreamcut_private.security_events with the caller''s user_role(), auth.uid() and '
'client_ip(). Returns the event id (uuid). Errors: 22023 bad parameter. Writes nothing on error. Executable by '
'service_role only (the API server logs on behalf of its callers).';
revoke all on function public.log_security_event(text, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.log_security_event(text, jsonb) to service_role;

create function public.check_rate_limit(p_client_ip text, p_limit integer, p_interval interval) returns boolean
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
    v_now timestamptz := now();
    v_seconds numeric;
    v_count integer;
begin
    if p_client_ip is null or btrim(p_client_ip) = '' or length(p_client_ip) > 255 then
        raise exception 'p_client_ip must be a non-empty identifier of at most 255 characters (e.g. a client address), got %',
            coalesce(quote_literal(p_client_ip), 'null')
        using errcode = '22023';
    end if;
    if p_limit is null or p_limit < 1 then
        raise exception 'p_limit must be at least 1 request, got %', coalesce(p_limit::text, 'null') using errcode = '22023';
    end if;
    v_seconds := extract(epoch from p_interval);
    if p_interval is null or date_part('month', p_interval) <> 0 or date_part('year', p_interval) <> 0
        or v_seconds < 1 or v_seconds > 31 * 86400 or v_seconds <> trunc(v_seconds) then
        raise exception 'p_interval must be whole seconds between 1 second and 31 days (no months or years), got %',
            coalesce(p_interval::text, 'null')
        using errcode = '22023';
    end if;
    insert into dreamcut_private.rate_limit_counters as c (identifier, window_seconds, window_start, request_count)
    values (btrim(p_client_ip), v_seconds::integer, date_bin(p_interval, v_now, timestamptz '2000-01-01 00:00:00+00'), 1)
    on conflict (identifier, window_seconds, window_start)
    -- v_now, a value: Citus takes no stable function in DO UPDATE SET.
    do update set request_count = c.request_count + 1, updated_at = v_now
    returning c.request_count into v_count;
    if v_count = p_limit + 1 then
        perform public.log_security_event('rate_limit_exceeded', jsonb_build_object(
            'identifier', btrim(p_client_ip), 'limit', p_limit, 'interval', p_interval::text
        ));
    end if;
    return v_count <= p_limit;
end
$$;
comment on function public.check_rate_limit(text, integer, interval) is
'Counts one request and says whether it is within the limit (video-platform-database.md, "SELECT '
'check_rate_limit(''client-ip'', 100, ''1 hour''::interval)"). p_client_ip: the identifier limited (a client '
'address, a user id, an API key; <= 255 characters); p_limit: requests allowed per window (>= 1); p_interval: '
'window length, whole seconds from 1 second to 31 days. Fixed windows aligned on 2000-01-01 UTC; each call adds '
'one to the window''s counter with INSERT ... ON CONFLICT DO UPDATE, so concurrent callers lose no count, and '
'refused calls count too. Returns true while the window''s count is <= p_limit, false after; the first refusal '
'of a window logs a rate_limit_exceeded security event. Errors: 22023 bad parameter. Executable by service_role '
'only.';
revoke all on function public.check_rate_limit(text, integer, interval) from public, anon, authenticated, service_role;
grant execute on function public.check_rate_limit(text, integer, interval) to service_role;
$migration$);

-- ===== storyboard/0001_create_storyboard_projects =====
call pg_temp.dreamcut_db_apply('storyboard', '0001_create_storyboard_projects', 'ca726819eabbe9b06d460f0de3b6271cf5de5a9531d3d991beabe178905c1e72', '23e4b9158367525410957d1f10952a9c84836fbf34fd1b4c696a079b8c10d4de', $migration$
insert into dreamcut_private.installed_modules (module) values ('storyboard');

create table public.video_projects (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null default auth.uid(),
    title text check (btrim(title) <> ''),
    prompt text not null check (btrim(prompt) <> ''),
    workflow_version text not null default 'v2_redesign' check (workflow_version in ('v1_legacy', 'v2_redesign')),
    prompt_planner_data jsonb,
    redesign_status text default 'prompt_planning' check (
        redesign_status in ('prompt_planning', 'scenes_setup', 'shot_iteration', 'storyboard_final', 'animation_complete')
    ),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint video_projects_redesign_status_check_version check (
        (workflow_version = 'v2_redesign' and redesign_status is not null)
        or (workflow_version = 'v1_legacy' and redesign_status is null)
    ),
    constraint video_projects_id_user_id_key unique (id, user_id)
);
comment on table public.video_projects is
'A video project (video-pipeline-redesign-v2.md, "Extended videoProjects Table"): its owner, prompt and, for '
'v2_redesign projects, the prompt planner brain dump and the workflow state.';
comment on column public.video_projects.user_id is
'Owner: the Supabase auth user id (auth.uid()). RLS compares it with the request''s sub claim. Every row under '
'the project carries it too (foreign keys (project_id, user_id)), so it changes only while the project has none.';
comment on column public.video_projects.title is 'Project title; null when the user gave none.';
comment on column public.video_projects.workflow_version is
'v1_legacy (the old scenes workflow, redesign_status null) or v2_redesign (this module''s workflow). '
'Moves only from v1_legacy to v2_redesign.';
comment on column public.video_projects.prompt_planner_data is
'The brain dump of the Prompt Planner page (promptPlannerData): any JSON, typically a string.';
comment on column public.video_projects.redesign_status is
'Workflow state of a v2_redesign project: prompt_planning -> scenes_setup -> shot_iteration -> storyboard_final '
'-> animation_complete. Only moves forward; storyboard_final needs every shot selected, animation_complete every '
'animation complete; advanced automatically when the data reaches a later state (docs/storyboard.md).';

create index idx_video_projects_user_id on public.video_projects (user_id, created_at desc);

alter table public.video_projects enable row level security;
revoke all on table public.video_projects from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.video_projects to authenticated, service_role;

create policy video_projects_owner on public.video_projects
for all to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

create trigger trigger_video_projects_updated_at
before update on public.video_projects
for each row execute function dreamcut_private.update_updated_at_column();
$migration$);

-- ===== storyboard/0002_create_storyboard_scenes_and_shots =====
call pg_temp.dreamcut_db_apply('storyboard', '0002_create_storyboard_scenes_and_shots', 'dd7c15c951af25ef3c76f9fe27729c231d4b5879bd5b3caed5e0ec1b5bf06d04', '313c32f0479daa0163f65f040bb163fa04ff042395e205fc33c20f2aaf89cbc3', $migration$
create table public.project_scenes (
    id uuid not null default gen_random_uuid(),
    project_id uuid not null,
    user_id uuid not null,
    scene_number integer not null check (scene_number >= 1),
    title text not null check (btrim(title) <> ''),
    description text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (project_id, id),
    foreign key (project_id, user_id) references public.video_projects (id, user_id) on delete cascade
);
comment on table public.project_scenes is
'Top-level scenes of a v2_redesign project (video-pipeline-redesign-v2.md, table projectScenes).';
comment on column public.project_scenes.user_id is
'The project''s owner, copied from the project (the RLS policy compares it with the sub claim).';
comment on column public.project_scenes.scene_number is 'Display order, 1-based and unique within the project.';
comment on column public.project_scenes.description is 'Scene narrative or context.';

create table public.scene_shots (
    id uuid not null default gen_random_uuid(),
    project_id uuid not null,
    user_id uuid not null,
    scene_id uuid not null,
    shot_number integer not null check (shot_number >= 1),
    description text,
    initial_prompt text,
    selected_image_id uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (project_id, id),
    foreign key (project_id, user_id) references public.video_projects (id, user_id) on delete cascade,
    foreign key (project_id, scene_id) references public.project_scenes (project_id, id) on delete cascade
);
comment on table public.scene_shots is
'Shots (camera angles, moments) of a scene (video-pipeline-redesign-v2.md, table sceneShots).';
comment on column public.scene_shots.project_id is 'The scene''s project, copied from the scene for project-wide queries.';
comment on column public.scene_shots.user_id is
'The project''s owner, copied from the scene (the RLS policy compares it with the sub claim).';
comment on column public.scene_shots.shot_number is 'Order within the scene, 1-based and unique within the scene.';
comment on column public.scene_shots.description is 'Shot description or direction.';
comment on column public.scene_shots.initial_prompt is 'Base prompt of the first generation (iteration 0).';
comment on column public.scene_shots.selected_image_id is
'The shot''s final chosen image: a copy of its storyboard selection''s image, kept by trigger (select_master_shot '
'writes it; no role may write it directly).';

create index idx_project_scenes_id on public.project_scenes (id);
create unique index idx_project_scenes_by_project on public.project_scenes (project_id, scene_number);
create index idx_project_scenes_owner on public.project_scenes (project_id, user_id);
create index idx_scene_shots_id on public.scene_shots (id);
create unique index idx_scene_shots_by_scene on public.scene_shots (project_id, scene_id, shot_number);
create index idx_scene_shots_by_project on public.scene_shots (project_id, user_id);

alter table public.project_scenes enable row level security;
alter table public.scene_shots enable row level security;
revoke all on table public.project_scenes, public.scene_shots from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.project_scenes to authenticated, service_role;
grant select, delete on table public.scene_shots to authenticated, service_role;
grant insert (
    id, project_id, user_id, scene_id, shot_number, description, initial_prompt, created_at, updated_at
) on table public.scene_shots to authenticated, service_role;
grant update (
    project_id, scene_id, shot_number, description, initial_prompt, created_at, updated_at
) on table public.scene_shots to authenticated, service_role;

create policy project_scenes_owner on public.project_scenes
for all to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));
create policy scene_shots_owner on public.scene_shots
for all to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

create trigger trigger_project_scenes_updated_at
before update on public.project_scenes
for each row execute function dreamcut_private.update_updated_at_column();

create trigger trigger_scene_shots_updated_at
before update on public.scene_shots
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.validate_project_scene_insert() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_project record;
begin
    select p.user_id, p.workflow_version into v_project from public.video_projects as p where p.id = new.project_id;
    if not found then
        -- A project the caller cannot see (another user's) leaves user_id null, which RLS refuses (42501), as does
        -- the not-null constraint for a caller that bypasses RLS.
        new.user_id := null;
        return new;
    end if;
    if v_project.workflow_version = 'v1_legacy' then
        raise exception 'project % (p_project_id) is a v1_legacy project: scenes belong to v2_redesign projects',
            new.project_id
        using errcode = '55000';
    end if;
    new.user_id := v_project.user_id;
    return new;
end
$$;
comment on function dreamcut_private.validate_project_scene_insert() is
'BEFORE INSERT trigger function on project_scenes: takes user_id from the project (null when the project is not '
'visible, so the row is refused). Raises 55000 when the project is a v1_legacy project. Returns the new row.';
revoke all on function dreamcut_private.validate_project_scene_insert() from public;

create trigger trigger_project_scenes_validate_insert
before insert on public.project_scenes
for each row execute function dreamcut_private.validate_project_scene_insert();

create function dreamcut_private.validate_project_scene_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.project_id <> old.project_id or new.user_id <> old.user_id then
        raise exception 'scene % cannot move to another project (project_id)', old.id using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_project_scene_update() is
'BEFORE UPDATE trigger function on project_scenes. Raises 55000 when a scene would move to another project (or '
'owner). Returns the new row.';
revoke all on function dreamcut_private.validate_project_scene_update() from public;

create trigger trigger_project_scenes_validate_update
before update on public.project_scenes
for each row execute function dreamcut_private.validate_project_scene_update();

create function dreamcut_private.inherit_scene_parents() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_owner uuid;
begin
    if new.project_id is null then  -- plain PostgreSQL only: a distributed insert must name its key
        select c.project_id into new.project_id from public.project_scenes as c where c.id = new.scene_id;
    end if;
    -- A scene the caller cannot see (another user's), or one of another project, leaves user_id null, which
    -- RLS refuses (42501), as does the not-null constraint for a caller that bypasses RLS.
    select c.user_id into v_owner from public.project_scenes as c where c.project_id = new.project_id and c.id = new.scene_id;
    new.user_id := v_owner;
    return new;
end
$$;
comment on function dreamcut_private.inherit_scene_parents() is
'BEFORE INSERT trigger function on scene_shots: takes project_id (when null) and user_id from the scene; a scene '
'that is not in the row''s project (or not visible) leaves user_id null, so the row is refused. Returns the new '
'row.';
revoke all on function dreamcut_private.inherit_scene_parents() from public;

create trigger trigger_scene_shots_inherit_scene
before insert on public.scene_shots
for each row execute function dreamcut_private.inherit_scene_parents();

create function dreamcut_private.validate_scene_shot_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.project_id <> old.project_id or new.scene_id <> old.scene_id or new.user_id <> old.user_id then
        raise exception 'shot % cannot move to another scene or project (scene_id, project_id)', old.id
        using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_scene_shot_update() is
'BEFORE UPDATE trigger function on scene_shots. Raises 55000 when a shot would move to another scene or project. '
'Returns the new row.';
revoke all on function dreamcut_private.validate_scene_shot_update() from public;

create trigger trigger_scene_shots_validate_update
before update on public.scene_shots
for each row execute function dreamcut_private.validate_scene_shot_update();
$migration$);

-- ===== storyboard/0003_create_storyboard_image_iterations =====
call pg_temp.dreamcut_db_apply('storyboard', '0003_create_storyboard_image_iterations', '3e70e093a29cc1b77f7b7b38fca8bb20a5388a6adf4b990d7a31edf272036ec3', '63ecc8c9ece242a6dfb08984b733b012972e113c86a2fc863f8d658ca8623ff2', $migration$
create table public.shot_images (
    id uuid not null default gen_random_uuid(),
    project_id uuid not null,
    user_id uuid not null,
    scene_id uuid not null,
    shot_id uuid not null,
    iteration_number integer not null check (iteration_number >= 0),
    variant_number integer not null check (variant_number between 0 and 5),
    image_url text check (btrim(image_url) <> ''),
    image_storage_id text,
    iteration_prompt text,
    parent_image_id uuid,
    replicate_image_id text,
    status text not null default 'pending' check (status in ('pending', 'processing', 'complete', 'failed')),
    is_favorite boolean not null default false,
    metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint shot_images_complete_has_url check (status <> 'complete' or image_url is not null),
    primary key (project_id, id),
    foreign key (project_id, user_id) references public.video_projects (id, user_id) on delete cascade,
    foreign key (project_id, scene_id) references public.project_scenes (project_id, id) on delete cascade,
    foreign key (project_id, shot_id) references public.scene_shots (project_id, id) on delete cascade,
    foreign key (project_id, parent_image_id) references public.shot_images (project_id, id)
    deferrable initially deferred
);
comment on table public.shot_images is
'Generated images of a shot, by iteration and variant (video-pipeline-redesign-v2.md, table shotImages): '
'iteration 0 is the initial batch, iteration N+1 refines (img2img) a complete image of an earlier iteration.';
comment on column public.shot_images.user_id is
'The project''s owner, copied from the shot (the RLS policy compares it with the sub claim).';
comment on column public.shot_images.iteration_number is
'0 = initial batch, 1+ = refinements; a new iteration is at most the latest + 1.';
comment on column public.shot_images.variant_number is 'Variant within the iteration, 0..5 (six per iteration).';
comment on column public.shot_images.image_url is 'URL of the generated image; required once status is complete.';
comment on column public.shot_images.image_storage_id is
'Storage object id of the image (Convex storage id in the original design; e.g. a Supabase Storage path).';
comment on column public.shot_images.iteration_prompt is 'Prompt used for this iteration.';
comment on column public.shot_images.parent_image_id is
'Source image of the img2img refinement: null for iteration 0, an image of the same shot from an earlier '
'iteration otherwise (set to null if that image is deleted).';
comment on column public.shot_images.replicate_image_id is 'Replicate prediction id, for tracking the generation.';
comment on column public.shot_images.status is
'pending -> processing -> complete | failed; failed may go back to pending (retry).';
comment on column public.shot_images.is_favorite is 'The user starred this variant.';
comment on column public.shot_images.metadata is 'Generation parameters (model, cfg_scale, ...): a JSON object.';

alter table public.scene_shots
add constraint scene_shots_selected_image_id_fkey
foreign key (project_id, selected_image_id) references public.shot_images (project_id, id)
deferrable initially deferred;

create index idx_scene_shots_selected_image_id on public.scene_shots (project_id, selected_image_id);
create index idx_shot_images_id on public.shot_images (id);
create unique index idx_shot_images_by_shot on public.shot_images (
    project_id, shot_id, iteration_number, variant_number
);
create index idx_shot_images_by_scene on public.shot_images (project_id, scene_id);
create index idx_shot_images_by_project on public.shot_images (project_id, user_id);
create index idx_shot_images_parent_image_id on public.shot_images (project_id, parent_image_id);

alter table public.shot_images enable row level security;
revoke all on table public.shot_images from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.shot_images to authenticated, service_role;

create policy shot_images_owner on public.shot_images
for all to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

create trigger trigger_shot_images_updated_at
before update on public.shot_images
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.inherit_shot_parents() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_shot record;
begin
    if new.project_id is null then  -- plain PostgreSQL only: a distributed insert must name its key
        select s.project_id into new.project_id from public.scene_shots as s where s.id = new.shot_id;
    end if;
    -- One row lock on the shot serializes the writers of its images and its selection: the latest iteration the
    -- validation trigger reads next stays the latest until this transaction ends.
    select s.scene_id, s.user_id into v_shot
    from public.scene_shots as s where s.project_id = new.project_id and s.id = new.shot_id for update;
    if not found then
        -- A shot the caller cannot see (another user's), or one of another project, leaves user_id null, which
        -- RLS refuses (42501), as does the not-null constraint for a caller that bypasses RLS.
        new.user_id := null;
        return new;
    end if;
    if new.scene_id is null then
        new.scene_id := v_shot.scene_id;
    elsif new.scene_id <> v_shot.scene_id then
        raise exception 'scene_id (p_scene_id) % is not the scene of shot % (%)', new.scene_id, new.shot_id,
            v_shot.scene_id
        using errcode = '55000';
    end if;
    new.user_id := v_shot.user_id;
    return new;
end
$$;
comment on function dreamcut_private.inherit_shot_parents() is
'BEFORE INSERT trigger function on shot_images and storyboard_selections (fired first: trigger names sort '
'inherit before validate): locks the shot row (FOR UPDATE, so concurrent writers of one shot queue) and takes '
'project_id (when null), scene_id (when null) and user_id from the shot. Raises 55000 when scene_id is not the '
'shot''s. A shot that is not in the row''s project (or not visible to the caller) leaves user_id null, so the row '
'is refused. Returns the new row.';
revoke all on function dreamcut_private.inherit_shot_parents() from public;

create trigger trigger_shot_images_inherit_shot
before insert on public.shot_images
for each row execute function dreamcut_private.inherit_shot_parents();

create function dreamcut_private.validate_shot_image_insert() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_latest integer;
    v_parent record;
    v_sibling record;
begin
    if new.user_id is null then
        return new;  -- no such shot (inherit_shot_parents): RLS or the not-null constraint refuses the row
    end if;
    select max(i.iteration_number) into v_latest
    from public.shot_images as i where i.project_id = new.project_id and i.shot_id = new.shot_id;
    if new.iteration_number > coalesce(v_latest + 1, 0) then
        raise exception 'iteration_number (p_iteration_number) % skips ahead: the latest iteration of shot % is %, '
            'so the next one is %', new.iteration_number, new.shot_id, coalesce(v_latest::text, 'none'),
            coalesce(v_latest + 1, 0)
        using errcode = '55000';
    end if;

    if new.iteration_number = 0 and new.parent_image_id is not null then
        raise exception 'parent_image_id (p_parent_image_id) must be null for iteration 0 (the initial batch), got %',
            new.parent_image_id
        using errcode = '22023';
    end if;
    if new.iteration_number > 0 then
        if new.parent_image_id is null then
            raise exception 'parent_image_id (p_parent_image_id) is required for iteration %: a refinement starts '
                'from an image of an earlier iteration of shot %', new.iteration_number, new.shot_id
            using errcode = '22023';
        end if;
        select i.shot_id, i.iteration_number, i.status into v_parent
        from public.shot_images as i where i.project_id = new.project_id and i.id = new.parent_image_id;
        if not found then
            raise exception 'parent_image_id (p_parent_image_id) % not found', new.parent_image_id
            using errcode = 'P0002';
        end if;
        if v_parent.shot_id <> new.shot_id then
            raise exception 'parent_image_id (p_parent_image_id) % belongs to shot %, not to shot %',
                new.parent_image_id, v_parent.shot_id, new.shot_id
            using errcode = '55000';
        end if;
        if v_parent.iteration_number >= new.iteration_number then
            raise exception 'parent_image_id (p_parent_image_id) % is from iteration %: the parent of iteration % '
                'must come from an earlier iteration', new.parent_image_id, v_parent.iteration_number,
                new.iteration_number
            using errcode = '55000';
        end if;
        if v_parent.status <> 'complete' then
            raise exception 'parent_image_id (p_parent_image_id) % is %: only a complete image can be refined',
                new.parent_image_id, v_parent.status
            using errcode = '55000';
        end if;
    end if;

    select i.parent_image_id into v_sibling
    from public.shot_images as i
    where i.project_id = new.project_id and i.shot_id = new.shot_id and i.iteration_number = new.iteration_number
    limit 1;
    if found and v_sibling.parent_image_id is distinct from new.parent_image_id then
        raise exception 'iteration % of shot % refines image %: parent_image_id (p_parent_image_id) % differs',
            new.iteration_number, new.shot_id, coalesce(v_sibling.parent_image_id::text, 'none'),
            coalesce(new.parent_image_id::text, 'null')
        using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_shot_image_insert() is
'BEFORE INSERT trigger function on shot_images (video-pipeline-redesign-v2.md, "Image Iteration"), after '
'inherit_shot_parents (under the shot''s lock): checks that the iteration is at most the latest + 1 (55000), that '
'iteration 0 has no parent and a later iteration has one (22023), that the parent exists in the project (P0002), '
'belongs to the same shot, comes from an earlier iteration and is complete (55000), and that all images of an '
'iteration share the parent (55000). Returns the new row.';
revoke all on function dreamcut_private.validate_shot_image_insert() from public;

create trigger trigger_shot_images_validate_insert
before insert on public.shot_images
for each row execute function dreamcut_private.validate_shot_image_insert();

create function dreamcut_private.validate_shot_image_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.project_id <> old.project_id or new.scene_id <> old.scene_id or new.shot_id <> old.shot_id
        or new.user_id <> old.user_id
        or new.iteration_number <> old.iteration_number or new.variant_number <> old.variant_number then
        raise exception 'image % cannot change its project, scene, shot, iteration_number or variant_number',
            old.id
        using errcode = '55000';
    end if;
    if new.parent_image_id is distinct from old.parent_image_id and new.parent_image_id is not null then
        raise exception 'parent_image_id of image % cannot change (it can only become null when the parent '
            'image is deleted)', old.id
        using errcode = '55000';
    end if;
    if new.status <> old.status and not (
        (old.status = 'pending' and new.status in ('processing', 'complete', 'failed'))
        or (old.status = 'processing' and new.status in ('complete', 'failed'))
        or (old.status = 'failed' and new.status = 'pending')
    ) then
        raise exception 'status (p_status) of image % cannot move from % to %: pending -> processing -> '
            'complete | failed, and failed -> pending to retry', old.id, old.status, new.status
        using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_shot_image_update() is
'BEFORE UPDATE trigger function on shot_images. Raises 55000 when the project, scene, shot, iteration or variant '
'changes, when the parent changes (other than to null) or when status moves other than pending -> processing -> '
'complete | failed, failed -> pending. Returns the new row.';
revoke all on function dreamcut_private.validate_shot_image_update() from public;

create trigger trigger_shot_images_validate_update
before update on public.shot_images
for each row execute function dreamcut_private.validate_shot_image_update();

create function dreamcut_private.release_parent_image() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    update public.shot_images set parent_image_id = null
    where project_id = old.project_id and parent_image_id = old.id;
    return null;
end
$$;
comment on function dreamcut_private.release_parent_image() is
'AFTER DELETE trigger function on shot_images: the refinements of a deleted image keep their rows with '
'parent_image_id null, what ON DELETE SET NULL did before the foreign key included project_id (which cannot be '
'set null). Raises nothing.';
revoke all on function dreamcut_private.release_parent_image() from public;

create trigger trigger_shot_images_release_parent
after delete on public.shot_images
for each row execute function dreamcut_private.release_parent_image();
$migration$);

-- ===== storyboard/0004_create_storyboard_selections =====
call pg_temp.dreamcut_db_apply('storyboard', '0004_create_storyboard_selections', '44e5275676edf453297161b3b0d78b306dc9e2880da8b862ef80c445c13a6cbe', '67f1a38e7c7b8faf22698513ce6f7bb4426f7696495dd1868919f181224f5a1b', $migration$
create table public.storyboard_selections (
    id uuid not null default gen_random_uuid(),
    project_id uuid not null,
    user_id uuid not null,
    scene_id uuid not null,
    shot_id uuid not null,
    selected_image_id uuid not null,
    animation_status text not null default 'pending' check (
        animation_status in ('pending', 'processing', 'complete', 'failed')
    ),
    animated_video_url text check (btrim(animated_video_url) <> ''),
    replicate_video_id text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint storyboard_selections_complete_has_url check (
        animation_status <> 'complete' or animated_video_url is not null
    ),
    primary key (project_id, id),
    foreign key (project_id, user_id) references public.video_projects (id, user_id) on delete cascade,
    foreign key (project_id, scene_id) references public.project_scenes (project_id, id) on delete cascade,
    foreign key (project_id, shot_id) references public.scene_shots (project_id, id) on delete cascade,
    foreign key (project_id, selected_image_id) references public.shot_images (project_id, id) on delete cascade
);
comment on table public.storyboard_selections is
'The final storyboard: one master shot per shot and its animation (video-pipeline-redesign-v2.md, table '
'storyboardSelections).';
comment on column public.storyboard_selections.user_id is
'The project''s owner, copied from the shot (the RLS policy compares it with the sub claim).';
comment on column public.storyboard_selections.selected_image_id is
'The master shot: a complete image of the same shot. Changing it starts a new animation (status pending).';
comment on column public.storyboard_selections.animation_status is
'pending -> processing -> complete | failed; failed may go back to pending (retry).';
comment on column public.storyboard_selections.animated_video_url is 'URL of the final animation; required once complete.';
comment on column public.storyboard_selections.replicate_video_id is 'Replicate prediction id of the video generation.';

create index idx_storyboard_selections_id on public.storyboard_selections (id);
create index idx_storyboard_selections_by_project on public.storyboard_selections (project_id, user_id);
create index idx_storyboard_selections_by_scene on public.storyboard_selections (project_id, scene_id);
create unique index idx_storyboard_selections_by_shot on public.storyboard_selections (project_id, shot_id);
create index idx_storyboard_selections_selected_image_id on public.storyboard_selections (
    project_id, selected_image_id
);

alter table public.storyboard_selections enable row level security;
revoke all on table public.storyboard_selections from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.storyboard_selections to authenticated, service_role;

create policy storyboard_selections_owner on public.storyboard_selections
for all to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

create trigger trigger_storyboard_selections_updated_at
before update on public.storyboard_selections
for each row execute function dreamcut_private.update_updated_at_column();

create trigger trigger_storyboard_selections_inherit_shot
before insert on public.storyboard_selections
for each row execute function dreamcut_private.inherit_shot_parents();

create function dreamcut_private.validate_master_image() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_image record;
begin
    if new.user_id is null then
        return new;  -- no such shot (inherit_shot_parents): RLS or the not-null constraint refuses the row
    end if;
    select i.shot_id, i.status into v_image
    from public.shot_images as i where i.project_id = new.project_id and i.id = new.selected_image_id;
    if not found then
        raise exception 'selected_image_id (p_selected_image_id) % not found', new.selected_image_id
        using errcode = 'P0002';
    end if;
    if v_image.shot_id <> new.shot_id then
        raise exception 'selected_image_id (p_selected_image_id) % belongs to shot %, not to shot %: a master '
            'shot is one of the shot''s own images', new.selected_image_id, v_image.shot_id, new.shot_id
        using errcode = '55000';
    end if;
    if v_image.status <> 'complete' then
        raise exception 'selected_image_id (p_selected_image_id) % is %: only a complete image can be the '
            'master shot', new.selected_image_id, v_image.status
        using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_master_image() is
'BEFORE INSERT OR UPDATE OF selected_image_id trigger function on storyboard_selections (video-pipeline-redesign-'
'v2.md, "Storyboard Selection"), after inherit_shot_parents: the selected image must exist in the project '
'(P0002), belong to the same shot and be complete (55000). Returns the new row.';
revoke all on function dreamcut_private.validate_master_image() from public;

create trigger trigger_storyboard_selections_validate_image
before insert or update of selected_image_id on public.storyboard_selections
for each row execute function dreamcut_private.validate_master_image();

create function dreamcut_private.validate_storyboard_selection_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.project_id <> old.project_id or new.scene_id <> old.scene_id or new.shot_id <> old.shot_id
        or new.user_id <> old.user_id then
        raise exception 'storyboard selection % cannot move to another shot, scene or project', old.id
        using errcode = '55000';
    end if;
    if new.selected_image_id <> old.selected_image_id then
        -- A new master shot starts a new animation.
        new.animation_status := 'pending';
        new.animated_video_url := null;
        new.replicate_video_id := null;
    elsif new.animation_status <> old.animation_status and not (
        (old.animation_status = 'pending' and new.animation_status in ('processing', 'complete', 'failed'))
        or (old.animation_status = 'processing' and new.animation_status in ('complete', 'failed'))
        or (old.animation_status = 'failed' and new.animation_status = 'pending')
    ) then
        raise exception 'animation_status (p_animation_status) of storyboard selection % cannot move from % to %: '
            'pending -> processing -> complete | failed, and failed -> pending to retry',
            old.id, old.animation_status, new.animation_status
        using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_storyboard_selection_update() is
'BEFORE UPDATE trigger function on storyboard_selections (video-pipeline-redesign-v2.md, "Animation '
'Generation"): a new selected image resets the animation (pending, no URL, no prediction id); otherwise '
'animation_status moves pending -> processing -> complete | failed, failed -> pending (55000 else). Raises 55000 '
'when a selection moves to another shot. Returns the new row.';
revoke all on function dreamcut_private.validate_storyboard_selection_update() from public;

create trigger trigger_storyboard_selections_validate_update
before update on public.storyboard_selections
for each row execute function dreamcut_private.validate_storyboard_selection_update();

create function dreamcut_private.copy_master_image_to_shot() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    update public.scene_shots set selected_image_id = new.selected_image_id
    where project_id = new.project_id and id = new.shot_id and selected_image_id is distinct from new.selected_image_id;
    return null;
end
$$;
comment on function dreamcut_private.copy_master_image_to_shot() is
'AFTER INSERT OR UPDATE OF selected_image_id trigger function on storyboard_selections: copies the selection''s '
'image into scene_shots.selected_image_id, so the two never differ. Security definer because no API role may '
'write that column itself; it only touches the shot the selection row names in its own project (a row RLS and '
'its foreign keys accepted). Raises nothing.';
revoke all on function dreamcut_private.copy_master_image_to_shot() from public, anon, authenticated, service_role;

create trigger trigger_storyboard_selections_copy_image
after insert or update of selected_image_id on public.storyboard_selections
for each row execute function dreamcut_private.copy_master_image_to_shot();

create function dreamcut_private.clear_master_image_of_shot() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    update public.scene_shots set selected_image_id = null
    where project_id = old.project_id and id = old.shot_id and selected_image_id is not null;
    return null;
end
$$;
comment on function dreamcut_private.clear_master_image_of_shot() is
'AFTER DELETE trigger function on storyboard_selections: the shot of a deleted selection has no '
'selected_image_id. Security definer for the same reason as copy_master_image_to_shot; it only touches the shot '
'of the deleted row. Raises nothing.';
revoke all on function dreamcut_private.clear_master_image_of_shot() from public, anon, authenticated, service_role;

create trigger trigger_storyboard_selections_clear_image
after delete on public.storyboard_selections
for each row execute function dreamcut_private.clear_master_image_of_shot();
$migration$);

-- ===== storyboard/0005_create_storyboard_workflow_status =====
call pg_temp.dreamcut_db_apply('storyboard', '0005_create_storyboard_workflow_status', 'ab2bee532f71b7984ddee3d24271f669c34055ba3304a39497421fa361cbee8f', '391bc06e1fe7d0193c2eae3648caa0972c165cf6afa2594a5cae1353584a0982', $migration$
create view public.video_project_progress
with (security_invoker = true)
as
select
    p.id as project_id,
    sc.total_scenes,
    sh.total_shots,
    sh.shots_with_selections,
    sh.shots_with_animations,
    case
        when sh.total_shots > 0 and sh.shots_with_animations = sh.total_shots then 'animation_complete'
        when sh.total_shots > 0 and sh.shots_with_selections = sh.total_shots then 'storyboard_final'
        when exists (
            select from public.shot_images as i
            where i.project_id = p.id
        ) then 'shot_iteration'
        when sc.total_scenes > 0 then 'scenes_setup'
        else 'prompt_planning'
    end as reached_status
from public.video_projects as p
cross join
    lateral (
        select count(*)::integer as total_scenes
        from public.project_scenes as c
        where c.project_id = p.id
    ) as sc
cross join lateral (
    select
        count(*)::integer as total_shots,
        count(sel.id)::integer as shots_with_selections,
        (count(*) filter (where sel.animation_status = 'complete'))::integer as shots_with_animations
    from public.scene_shots as s
    left join public.storyboard_selections as sel on s.project_id = sel.project_id and s.id = sel.shot_id
    where s.project_id = p.id
) as sh;
comment on view public.video_project_progress is
'Progress of each project (video-pipeline-redesign-v2.md, useProjectProgress): total_scenes, total_shots, '
'shots_with_selections (shots with a storyboard selection), shots_with_animations (selections whose animation '
'is complete) and reached_status, the furthest redesign_status the data supports: animation_complete when '
'every shot''s animation is complete, storyboard_final when every shot has a selection (at least one shot), '
'shot_iteration once an image exists, scenes_setup once a scene exists, else prompt_planning. '
'Security invoker: RLS of the underlying tables applies.';
comment on column public.video_project_progress.reached_status is
'The furthest redesign_status whose condition holds now (see the view''s comment).';

revoke all on table public.video_project_progress from public, anon, authenticated, service_role;
grant select on table public.video_project_progress to authenticated, service_role;

create function dreamcut_private.validate_video_project_update() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    c_order constant text[] := array[
        'prompt_planning', 'scenes_setup', 'shot_iteration', 'storyboard_final', 'animation_complete'
    ];
    v_reached text;
begin
    if old.workflow_version = 'v2_redesign' and new.workflow_version = 'v1_legacy' then
        raise exception 'project % is v2_redesign: workflow_version cannot move back to v1_legacy', old.id
        using errcode = '55000';
    end if;
    if new.redesign_status is not distinct from old.redesign_status then
        return new;
    end if;
    if array_position(c_order, new.redesign_status) < array_position(c_order, old.redesign_status) then
        raise exception 'redesign_status (p_status) of project % cannot move back from % to %: it only moves forward '
            '(prompt_planning -> scenes_setup -> shot_iteration -> storyboard_final -> animation_complete)',
            old.id, old.redesign_status, new.redesign_status
        using errcode = '55000';
    end if;
    if new.redesign_status in ('storyboard_final', 'animation_complete') then
        select v.reached_status into v_reached from public.video_project_progress as v where v.project_id = old.id;
        if array_position(c_order, v_reached) < array_position(c_order, new.redesign_status) then
            raise exception 'redesign_status (p_status) of project % cannot move to % yet: %', old.id,
                new.redesign_status,
                case new.redesign_status
                    when 'storyboard_final' then 'every shot needs a storyboard selection (select_master_shot) first'
                    else 'the animation of every shot must be complete first'
                end
            using errcode = '55000';
        end if;
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_video_project_update() is
'BEFORE UPDATE trigger function on video_projects (video-pipeline-redesign-v2.md, redesignStatus). Raises 55000 '
'when workflow_version moves back to v1_legacy, when redesign_status moves backwards, or when it moves to '
'storyboard_final (or animation_complete) before every shot has a storyboard selection (or a complete '
'animation), as video_project_progress.reached_status tells. Returns the new row.';
revoke all on function dreamcut_private.validate_video_project_update() from public;

create trigger trigger_video_projects_validate_update
before update on public.video_projects
for each row execute function dreamcut_private.validate_video_project_update();

create function dreamcut_private.advance_project_to_scenes_setup() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    -- The new scene itself proves that its project reached scenes_setup.
    update public.video_projects set redesign_status = 'scenes_setup'
    where id = new.project_id and redesign_status = 'prompt_planning';
    return null;
end
$$;
comment on function dreamcut_private.advance_project_to_scenes_setup() is
'AFTER INSERT FOR EACH ROW trigger function on project_scenes: moves the scene''s v2_redesign project from '
'prompt_planning to scenes_setup, never backwards (video-pipeline-redesign-v2.md, "Update status: keep '
'redesignStatus in sync"). Keyed by the row''s project_id, so that it runs on the shard of the row on a '
'distributed database; no trigger argument (a Citus 13.2 shard trigger reading tg_argv crashes the worker). '
'Raises nothing.';
revoke all on function dreamcut_private.advance_project_to_scenes_setup() from public;

create function dreamcut_private.advance_project_to_shot_iteration() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    -- The new image itself proves that its project reached shot_iteration.
    update public.video_projects set redesign_status = 'shot_iteration'
    where id = new.project_id and redesign_status in ('prompt_planning', 'scenes_setup');
    return null;
end
$$;
comment on function dreamcut_private.advance_project_to_shot_iteration() is
'AFTER INSERT FOR EACH ROW trigger function on shot_images: moves the image''s v2_redesign project to '
'shot_iteration when it is behind it (prompt_planning, scenes_setup), never backwards (video-pipeline-redesign-'
'v2.md, "Update status: keep redesignStatus in sync"). Keyed by the row''s project_id, as '
'advance_project_to_scenes_setup. Raises nothing.';
revoke all on function dreamcut_private.advance_project_to_shot_iteration() from public;

create function dreamcut_private.advance_redesign_status_to_reached() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    c_order constant text[] := array[
        'prompt_planning', 'scenes_setup', 'shot_iteration', 'storyboard_final', 'animation_complete'
    ];
    v_project_id uuid := coalesce(new.project_id, old.project_id);  -- a selection written, or a shot deleted
begin
    -- Lock the project first, so that two transactions completing a project's last two shots queue, and the
    -- second one sees the first one's selection.
    perform from public.video_projects as p
    where p.id = v_project_id and p.redesign_status <> 'animation_complete'
    for no key update;
    if not found then
        return null;
    end if;
    update public.video_projects as p
    set redesign_status = v.reached_status
    from public.video_project_progress as v
    where p.id = v_project_id and v.project_id = v_project_id
        and array_position(c_order, v.reached_status) > array_position(c_order, p.redesign_status);
    return null;
end
$$;
comment on function dreamcut_private.advance_redesign_status_to_reached() is
'AFTER ... FOR EACH ROW trigger function (a storyboard selection written, a shot deleted) that locks the row''s '
'v2_redesign project and moves it to video_project_progress.reached_status when that is further (video-pipeline-'
'redesign-v2.md, "Update status: keep redesignStatus in sync"): storyboard_final once every shot has a selection, '
'animation_complete once every animation is complete. Never moves backwards. Raises nothing.';
revoke all on function dreamcut_private.advance_redesign_status_to_reached() from public;

create trigger trigger_project_scenes_advance_status
after insert on public.project_scenes
for each row execute function dreamcut_private.advance_project_to_scenes_setup();

create trigger trigger_shot_images_advance_status
after insert on public.shot_images
for each row execute function dreamcut_private.advance_project_to_shot_iteration();

create trigger trigger_storyboard_selections_advance_status
after insert or update on public.storyboard_selections
for each row execute function dreamcut_private.advance_redesign_status_to_reached();

create trigger trigger_scene_shots_delete_advance_status
after delete on public.scene_shots
for each row execute function dreamcut_private.advance_redesign_status_to_reached();
$migration$);

-- ===== storyboard/0006_create_storyboard_project_functions =====
call pg_temp.dreamcut_db_apply('storyboard', '0006_create_storyboard_project_functions', '7dfea61ace85b3a75c8c52d869bd3afe86c4d4c1fae3303382b3a37e0813329d', '1e87de382403a777082babeb29e2f7292e6f107dd157af1455a92e2f579f8f90', $migration$
create function dreamcut_private.delete_storyboard_row(p_table text, p_id uuid, p_project_id uuid default null)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_noun text;
    v_parameter text;
    v_key text;
    v_deleted integer;
begin
    select x.noun, x.parameter, x.key into v_noun, v_parameter, v_key
    from (values
        ('video_projects', 'project', 'p_project_id', 'id'),
        ('project_scenes', 'scene', 'p_scene_id', 'project_id'),
        ('scene_shots', 'shot', 'p_shot_id', 'project_id'),
        ('shot_images', 'image', 'p_image_id', 'project_id')
    ) as x (table_name, noun, parameter, key)
    where x.table_name = p_table;
    if not found then
        raise exception 'p_table must be one of video_projects, project_scenes, scene_shots, shot_images, got %',
            coalesce(quote_literal(p_table), 'null')
        using errcode = '22023';
    end if;
    if p_id is null then
        raise exception '% is required, got null', v_parameter using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        execute format('select %I from public.%I where id = $1', v_key, p_table) into p_project_id using p_id;
    end if;
    execute format('delete from public.%I where %I = $1 and id = $2', p_table, v_key) using p_project_id, p_id;
    get diagnostics v_deleted = row_count;
    if v_deleted = 0 then
        raise exception '% % not found (%)', v_noun, p_id, v_parameter using errcode = 'P0002';
    end if;
end
$$;
comment on function dreamcut_private.delete_storyboard_row(text, uuid, uuid) is
'The one body of the storyboard delete procedures (delete_redesign_project, delete_project_scene, '
'delete_scene_shot, delete_shot_image): deletes the row of p_table (video_projects | project_scenes | scene_shots '
'| shot_images) whose id is p_id (uuid), in project p_project_id (uuid) when given (else in the row''s own '
'project), as the caller (grants and RLS apply); what lies under it goes by the foreign keys. Returns nothing. '
'Errors: 22023 unknown p_table or null p_id (the message names the procedure''s parameter, e.g. p_scene_id), '
'P0002 no such row (in that project, or another user''s).';
revoke all on function dreamcut_private.delete_storyboard_row(text, uuid, uuid)
from public, anon, authenticated, service_role;
grant execute on function dreamcut_private.delete_storyboard_row(text, uuid, uuid) to authenticated, service_role;

create function public.create_redesign_project(
    p_prompt text,
    p_title text default null,
    p_prompt_planner_data jsonb default null,
    p_user_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_caller uuid := (select auth.uid());
    v_project_id uuid;
begin
    if p_prompt is null or btrim(p_prompt) = '' then
        raise exception 'p_prompt is required (non-empty text), got %', coalesce(quote_literal(p_prompt), 'null')
        using errcode = '22023';
    end if;
    if btrim(p_title) = '' then
        raise exception 'p_title must be null or non-empty text, got %', quote_literal(p_title) using errcode = '22023';
    end if;
    if coalesce(p_user_id, v_caller) is null then
        raise exception 'p_user_id is required when the caller is not a signed-in user, got null'
        using errcode = '22023';
    end if;
    if current_user = 'authenticated' and coalesce(p_user_id, v_caller) is distinct from v_caller then
        raise exception 'p_user_id % is not the signed-in user (%): a user can only create projects for itself',
            p_user_id, coalesce(v_caller::text, 'none')
        using errcode = '42501';
    end if;
    insert into public.video_projects (user_id, title, prompt, workflow_version, prompt_planner_data, redesign_status)
    values (coalesce(p_user_id, v_caller), p_title, p_prompt, 'v2_redesign', p_prompt_planner_data, 'prompt_planning')
    returning id into v_project_id;
    return v_project_id;
end
$$;
comment on function public.create_redesign_project(text, text, jsonb, uuid) is
'Creates a v2_redesign project in state prompt_planning (video-pipeline-redesign-v2.md, createRedesignProject, '
'"Project Creation"; also the useInitializeProject hook). p_prompt: non-empty text; p_title: text or null; '
'p_prompt_planner_data: the Prompt Planner brain dump, any JSON (typically a string) or null; p_user_id: the owner '
'(uuid), default auth.uid(); a signed-in user may only pass its own id, service_role must pass one. Returns the '
'project id (uuid). Errors: 22023 bad parameter, 42501 another user''s id. Writes nothing on error.';
revoke all on function public.create_redesign_project(text, text, jsonb, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.create_redesign_project(text, text, jsonb, uuid) to authenticated, service_role;

create function public.update_redesign_project(
    p_project_id uuid,
    p_title text default null,
    p_prompt text default null,
    p_prompt_planner_data jsonb default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
    if p_project_id is null then
        raise exception 'p_project_id is required, got null' using errcode = '22023';
    end if;
    if btrim(p_prompt) = '' then
        raise exception 'p_prompt must be null (keep) or non-empty text, got %', quote_literal(p_prompt)
        using errcode = '22023';
    end if;
    update public.video_projects
    set title = case when p_title is null then title when btrim(p_title) = '' then null else p_title end,
        prompt = coalesce(p_prompt, prompt),
        prompt_planner_data = coalesce(p_prompt_planner_data, prompt_planner_data)
    where id = p_project_id;
    if not found then
        raise exception 'project % not found (p_project_id)', p_project_id using errcode = 'P0002';
    end if;
end
$$;
comment on function public.update_redesign_project(uuid, text, text, jsonb) is
'Updates a project''s title, prompt or prompt planner data (video-pipeline-redesign-v2.md, "Prompt Planner '
'Page"). p_project_id: the project (uuid); p_title: new title, '''' clears it, null keeps it; p_prompt: '
'non-empty text or null (keep); p_prompt_planner_data: any JSON or null (keep). Returns nothing. Errors: 22023 bad '
'parameter, P0002 unknown (or another user''s) project. Writes nothing on error.';
revoke all on function public.update_redesign_project(uuid, text, text, jsonb)
from public, anon, authenticated, service_role;
grant execute on function public.update_redesign_project(uuid, text, text, jsonb) to authenticated, service_role;

create function public.update_redesign_status(p_project_id uuid, p_status text) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_current text;
begin
    if p_project_id is null then
        raise exception 'p_project_id is required, got null' using errcode = '22023';
    end if;
    if p_status is null or p_status not in (
        'prompt_planning', 'scenes_setup', 'shot_iteration', 'storyboard_final', 'animation_complete'
    ) then
        raise exception 'p_status must be one of prompt_planning, scenes_setup, shot_iteration, storyboard_final, '
            'animation_complete, got %', coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    select p.redesign_status into v_current from public.video_projects as p where p.id = p_project_id for update;
    if not found then
        raise exception 'project % not found (p_project_id)', p_project_id using errcode = 'P0002';
    end if;
    if v_current is null then
        raise exception 'project % (p_project_id) is a v1_legacy project: it has no redesign_status', p_project_id
        using errcode = '55000';
    end if;
    update public.video_projects set redesign_status = p_status
    where id = p_project_id and redesign_status <> p_status;
end
$$;
comment on function public.update_redesign_status(uuid, text) is
'Moves a v2_redesign project''s workflow state forward (video-pipeline-redesign-v2.md, "Update status: keep '
'redesignStatus in sync with workflow progress"). p_project_id: the project (uuid); p_status: prompt_planning | '
'scenes_setup | shot_iteration | storyboard_final | animation_complete, the current one or a later one; '
'storyboard_final needs a storyboard selection for every shot, animation_complete a complete animation for every '
'shot. Returns nothing. Errors: 22023 bad parameter, P0002 unknown project, 55000 status moving backwards, '
'condition not met or v1_legacy project. Writes nothing on error.';
revoke all on function public.update_redesign_status(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.update_redesign_status(uuid, text) to authenticated, service_role;

create function public.delete_redesign_project(p_project_id uuid) returns void
language sql volatile
set search_path = ''
begin atomic
    select dreamcut_private.delete_storyboard_row('video_projects', p_project_id, p_project_id);
end;
comment on function public.delete_redesign_project(uuid) is
'Deletes a project with its scenes, shots, images and storyboard selections (video-pipeline-redesign-v2.md, '
'"Clean up"). p_project_id: the project (uuid). Returns nothing. Errors: 22023 null parameter, P0002 unknown (or '
'another user''s) project.';
revoke all on function public.delete_redesign_project(uuid) from public, anon, authenticated, service_role;
grant execute on function public.delete_redesign_project(uuid) to authenticated, service_role;

create function public.create_project_scene(
    p_project_id uuid,
    p_scene_number integer,
    p_title text,
    p_description text default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_scene_id uuid;
begin
    if p_project_id is null then
        raise exception 'p_project_id is required, got null' using errcode = '22023';
    end if;
    if p_scene_number is null or p_scene_number < 1 then
        raise exception 'p_scene_number must be a whole number >= 1, got %', coalesce(p_scene_number::text, 'null')
        using errcode = '22023';
    end if;
    if p_title is null or btrim(p_title) = '' then
        raise exception 'p_title is required (non-empty text), got %', coalesce(quote_literal(p_title), 'null')
        using errcode = '22023';
    end if;
    perform from public.video_projects as p where p.id = p_project_id;
    if not found then
        raise exception 'project % not found (p_project_id)', p_project_id using errcode = 'P0002';
    end if;
    select c.id into v_scene_id
    from public.project_scenes as c where c.project_id = p_project_id and c.scene_number = p_scene_number;
    if found then
        raise exception 'p_scene_number % is already used by scene % of project %', p_scene_number, v_scene_id,
            p_project_id
        using errcode = '23505';
    end if;
    insert into public.project_scenes (project_id, scene_number, title, description)
    values (p_project_id, p_scene_number, p_title, nullif(p_description, ''))
    returning id into v_scene_id;
    return v_scene_id;
end
$$;
comment on function public.create_project_scene(uuid, integer, text, text) is
'Creates a scene of a v2_redesign project (video-pipeline-redesign-v2.md, createProjectScene, "Scene Setup"); '
'the project moves to scenes_setup if it was in prompt_planning. p_project_id: the project (uuid); '
'p_scene_number: display order, integer >= 1, unique in the project; p_title: non-empty text; p_description: '
'text or null. Returns the scene id (uuid). Errors: 22023 bad parameter, P0002 unknown project, 23505 scene '
'number taken, 55000 v1_legacy project. Writes nothing on error.';
revoke all on function public.create_project_scene(uuid, integer, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.create_project_scene(uuid, integer, text, text) to authenticated, service_role;

create function public.update_project_scene(
    p_scene_id uuid,
    p_scene_number integer default null,
    p_title text default null,
    p_description text default null,
    p_project_id uuid default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_other uuid;
begin
    if p_scene_id is null then
        raise exception 'p_scene_id is required, got null' using errcode = '22023';
    end if;
    if p_scene_number < 1 then
        raise exception 'p_scene_number must be a whole number >= 1 or null (keep), got %', p_scene_number
        using errcode = '22023';
    end if;
    if btrim(p_title) = '' then
        raise exception 'p_title must be null (keep) or non-empty text, got %', quote_literal(p_title)
        using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select c.project_id into p_project_id from public.project_scenes as c where c.id = p_scene_id;
    end if;
    perform from public.project_scenes as c where c.project_id = p_project_id and c.id = p_scene_id for update;
    if not found then
        raise exception 'scene % not found (p_scene_id)', p_scene_id using errcode = 'P0002';
    end if;
    select c.id into v_other
    from public.project_scenes as c
    where c.project_id = p_project_id and c.scene_number = p_scene_number and c.id <> p_scene_id;
    if found then
        raise exception 'p_scene_number % is already used by scene % of project %', p_scene_number, v_other,
            p_project_id
        using errcode = '23505';
    end if;
    update public.project_scenes
    set scene_number = coalesce(p_scene_number, scene_number),
        title = coalesce(p_title, title),
        description = case when p_description is null then description else nullif(p_description, '') end
    where project_id = p_project_id and id = p_scene_id;
end
$$;
comment on function public.update_project_scene(uuid, integer, text, text, uuid) is
'Updates a scene (video-pipeline-redesign-v2.md, useUpdateProjectScene). p_scene_id: the scene (uuid); '
'p_scene_number: integer >= 1, unique in the project, or null (keep); p_title: non-empty text or null (keep); '
'p_description: text, '''' clears it, null keeps it; p_project_id: the scene''s project (uuid), optional: the '
'scene is looked up in it (one shard on a distributed database). Returns nothing. Errors: 22023 bad parameter, '
'P0002 unknown scene (or not in p_project_id), 23505 scene number taken. Writes nothing on error.';
revoke all on function public.update_project_scene(uuid, integer, text, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.update_project_scene(uuid, integer, text, text, uuid) to authenticated, service_role;

create function public.delete_project_scene(p_scene_id uuid, p_project_id uuid default null) returns void
language sql volatile
set search_path = ''
begin atomic
    select dreamcut_private.delete_storyboard_row('project_scenes', p_scene_id, p_project_id);
end;
comment on function public.delete_project_scene(uuid, uuid) is
'Deletes a scene with its shots, images and storyboard selections (video-pipeline-redesign-v2.md, '
'useDeleteProjectScene, "Delete scenes/shots cascade to all child entities"). p_scene_id: the scene (uuid); '
'p_project_id: its project (uuid), optional (the scene is looked up in it). Returns nothing. Errors: 22023 null '
'parameter, P0002 unknown scene.';
revoke all on function public.delete_project_scene(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.delete_project_scene(uuid, uuid) to authenticated, service_role;
$migration$);

-- ===== storyboard/0007_create_storyboard_shot_functions =====
call pg_temp.dreamcut_db_apply('storyboard', '0007_create_storyboard_shot_functions', 'a0502a787a92498dcd9d322ca63d7a7f7b615d847eb8cf55bd827c41ee010dbd', 'a8ebce10b1849f9c1ba390c265fbfb0cdb3c4945496e6561be42dc2a2afdbae3', $migration$
create function public.create_scene_shot(
    p_scene_id uuid,
    p_shot_number integer,
    p_description text default null,
    p_initial_prompt text default null,
    p_project_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_shot_id uuid;
begin
    if p_scene_id is null then
        raise exception 'p_scene_id is required, got null' using errcode = '22023';
    end if;
    if p_shot_number is null or p_shot_number < 1 then
        raise exception 'p_shot_number must be a whole number >= 1, got %', coalesce(p_shot_number::text, 'null')
        using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select c.project_id into p_project_id from public.project_scenes as c where c.id = p_scene_id;
    end if;
    perform from public.project_scenes as c where c.project_id = p_project_id and c.id = p_scene_id;
    if not found then
        raise exception 'scene % not found (p_scene_id)', p_scene_id using errcode = 'P0002';
    end if;
    select s.id into v_shot_id
    from public.scene_shots as s
    where s.project_id = p_project_id and s.scene_id = p_scene_id and s.shot_number = p_shot_number;
    if found then
        raise exception 'p_shot_number % is already used by shot % of scene %', p_shot_number, v_shot_id, p_scene_id
        using errcode = '23505';
    end if;
    insert into public.scene_shots (project_id, scene_id, shot_number, description, initial_prompt)
    values (p_project_id, p_scene_id, p_shot_number, nullif(p_description, ''), nullif(p_initial_prompt, ''))
    returning id into v_shot_id;
    return v_shot_id;
end
$$;
comment on function public.create_scene_shot(uuid, integer, text, text, uuid) is
'Creates a shot of a scene (video-pipeline-redesign-v2.md, createSceneShot, "Shot Creation"). p_scene_id: the '
'scene (uuid); p_shot_number: order in the scene, integer >= 1, unique in the scene; p_description: shot direction '
'(text or null); p_initial_prompt: base prompt of iteration 0 (text or null); p_project_id: the scene''s project '
'(uuid), optional: the scene is looked up in it (one shard on a distributed database). Returns the shot id '
'(uuid). Errors: 22023 bad parameter, P0002 unknown scene (or not in p_project_id), 23505 shot number taken. '
'Writes nothing on error.';
revoke all on function public.create_scene_shot(uuid, integer, text, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.create_scene_shot(uuid, integer, text, text, uuid) to authenticated, service_role;

create function public.update_scene_shot(
    p_shot_id uuid,
    p_shot_number integer default null,
    p_description text default null,
    p_initial_prompt text default null,
    p_project_id uuid default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_scene_id uuid;
    v_other uuid;
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    if p_shot_number < 1 then
        raise exception 'p_shot_number must be a whole number >= 1 or null (keep), got %', p_shot_number
        using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select s.project_id into p_project_id from public.scene_shots as s where s.id = p_shot_id;
    end if;
    select s.scene_id into v_scene_id
    from public.scene_shots as s where s.project_id = p_project_id and s.id = p_shot_id for update;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    select s.id into v_other
    from public.scene_shots as s
    where s.project_id = p_project_id and s.scene_id = v_scene_id and s.shot_number = p_shot_number
        and s.id <> p_shot_id;
    if found then
        raise exception 'p_shot_number % is already used by shot % of scene %', p_shot_number, v_other, v_scene_id
        using errcode = '23505';
    end if;
    update public.scene_shots
    set shot_number = coalesce(p_shot_number, shot_number),
        description = case when p_description is null then description else nullif(p_description, '') end,
        initial_prompt = case when p_initial_prompt is null then initial_prompt else nullif(p_initial_prompt, '') end
    where project_id = p_project_id and id = p_shot_id;
end
$$;
comment on function public.update_scene_shot(uuid, integer, text, text, uuid) is
'Updates a shot (video-pipeline-redesign-v2.md, useUpdateSceneShot). p_shot_id: the shot (uuid); p_shot_number: '
'integer >= 1, unique in the scene, or null (keep); p_description, p_initial_prompt: text, '''' clears, null keeps; '
'p_project_id: the shot''s project (uuid), optional (the shot is looked up in it). The selected image is changed '
'with select_master_shot. Returns nothing. Errors: 22023 bad parameter, P0002 unknown shot, 23505 shot number '
'taken. Writes nothing on error.';
revoke all on function public.update_scene_shot(uuid, integer, text, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.update_scene_shot(uuid, integer, text, text, uuid) to authenticated, service_role;

create function public.delete_scene_shot(p_shot_id uuid, p_project_id uuid default null) returns void
language sql volatile
set search_path = ''
begin atomic
    select dreamcut_private.delete_storyboard_row('scene_shots', p_shot_id, p_project_id);
end;
comment on function public.delete_scene_shot(uuid, uuid) is
'Deletes a shot with its images and storyboard selection (video-pipeline-redesign-v2.md, useDeleteSceneShot); '
'if every remaining shot has a selection, the project may advance to storyboard_final. p_shot_id: the shot '
'(uuid); p_project_id: its project (uuid), optional (the shot is looked up in it). Returns nothing. Errors: '
'22023 null parameter, P0002 unknown shot.';
revoke all on function public.delete_scene_shot(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.delete_scene_shot(uuid, uuid) to authenticated, service_role;

create function public.create_scene_with_shots(
    p_project_id uuid,
    p_scene_number integer,
    p_title text,
    p_description text default null,
    p_shots jsonb default '[]'
) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
    v_bad record;
    v_scene_id uuid;
    v_shot_ids uuid[];
begin
    if p_shots is null or jsonb_typeof(p_shots) <> 'array' then
        raise exception 'p_shots must be a JSON array, got %', coalesce(jsonb_typeof(p_shots), 'null')
        using errcode = '22023';
    end if;
    if jsonb_array_length(p_shots) > 1000 then
        raise exception 'p_shots holds % shots; at most 1000 are allowed', jsonb_array_length(p_shots)
        using errcode = '22023';
    end if;
    select e.idx, e.err into v_bad
    from (
        select
            s.ord - 1 as idx,
            case
                when jsonb_typeof(s.elem) is distinct from 'object' then
                    'must be a JSON object, got ' || jsonb_typeof(s.elem)
                when exists (
                    select from jsonb_object_keys(s.elem) as k (key)
                    where k.key not in ('shotNumber', 'description', 'initialPrompt')
                ) then
                    'unknown key ' || (
                        select quote_literal(k.key) from jsonb_object_keys(s.elem) as k (key)
                        where k.key not in ('shotNumber', 'description', 'initialPrompt')
                        order by k.key limit 1
                    ) || ' (allowed: shotNumber, description, initialPrompt)'
                when jsonb_typeof(s.elem -> 'shotNumber') is distinct from 'number' then
                    'shotNumber must be a whole number >= 1, got ' || coalesce((s.elem -> 'shotNumber')::text, 'nothing')
                when (s.elem ->> 'shotNumber')::numeric not between 1 and 2147483647
                    or (s.elem ->> 'shotNumber')::numeric <> trunc((s.elem ->> 'shotNumber')::numeric) then
                    'shotNumber must be a whole number >= 1, got ' || (s.elem ->> 'shotNumber')
                when coalesce(jsonb_typeof(s.elem -> 'description'), 'null') not in ('string', 'null') then
                    'description must be a string, got ' || (s.elem -> 'description')::text
                when coalesce(jsonb_typeof(s.elem -> 'initialPrompt'), 'null') not in ('string', 'null') then
                    'initialPrompt must be a string, got ' || (s.elem -> 'initialPrompt')::text
                when exists (
                    select from jsonb_array_elements(p_shots) with ordinality as o (elem, ord)
                    where o.ord < s.ord and o.elem -> 'shotNumber' = s.elem -> 'shotNumber'
                ) then
                    'shotNumber ' || (s.elem ->> 'shotNumber') || ' appears twice'
            end as err
        from jsonb_array_elements(p_shots) with ordinality as s (elem, ord)
    ) as e
    where e.err is not null
    order by e.idx
    limit 1;
    if found then
        raise exception 'p_shots[%]: %', v_bad.idx, v_bad.err using errcode = '22023';
    end if;

    v_scene_id := public.create_project_scene(p_project_id, p_scene_number, p_title, p_description);

    with inserted as (
        insert into public.scene_shots (project_id, scene_id, shot_number, description, initial_prompt)
        select
            p_project_id,
            v_scene_id,
            (s.elem ->> 'shotNumber')::numeric::integer,
            nullif(s.elem ->> 'description', ''),
            nullif(s.elem ->> 'initialPrompt', '')
        from jsonb_array_elements(p_shots) with ordinality as s (elem, ord)
        order by s.ord
        returning id, shot_number
    )
    select coalesce(array_agg(i.id order by s.ord), '{}') into v_shot_ids
    from inserted as i
    inner join jsonb_array_elements(p_shots) with ordinality as s (elem, ord)
        on i.shot_number = (s.elem ->> 'shotNumber')::numeric::integer;

    return jsonb_build_object('sceneId', v_scene_id, 'shotIds', to_jsonb(v_shot_ids));
end
$$;
comment on function public.create_scene_with_shots(uuid, integer, text, text, jsonb) is
'Creates a scene and its shots in one call (video-pipeline-redesign-v2.md, useCreateSceneWithShots). '
'p_project_id, p_scene_number, p_title, p_description: as create_project_scene; p_shots: JSON array of at most '
'1000 objects {shotNumber (whole number >= 1, unique, required), description (string), initialPrompt (string)}. '
'Returns JSON {"sceneId": uuid, "shotIds": [uuid, ...]} with the shot ids in p_shots order. Errors: 22023 bad '
'parameter (p_shots[i] names the element), P0002 unknown project, 23505 scene number taken, 55000 v1_legacy '
'project. Writes nothing on error.';
revoke all on function public.create_scene_with_shots(uuid, integer, text, text, jsonb)
from public, anon, authenticated, service_role;
grant execute on function public.create_scene_with_shots(uuid, integer, text, text, jsonb)
to authenticated, service_role;
$migration$);

-- ===== storyboard/0008_create_storyboard_image_iteration_functions =====
call pg_temp.dreamcut_db_apply('storyboard', '0008_create_storyboard_image_iteration_functions', 'b71c22ca04acb75c735e7ebe8f22c3bbca61e17e6088a00c593f0f29629749ac', '3d796ef6de90d7a269e18e7f940cc899d62c459300f0dca662d7cf577bcb33e7', $migration$
create function public.batch_create_shot_images(
    p_shot_id uuid,
    p_images jsonb,
    p_iteration_number integer default null,
    p_iteration_prompt text default null,
    p_parent_image_id uuid default null,
    p_project_id uuid default null,
    p_scene_id uuid default null
) returns uuid[]
language plpgsql volatile
set search_path = ''
as $$
declare
    v_bad record;
    v_shot record;
    v_latest integer;
    v_iteration integer;
    v_image_ids uuid[];
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    if p_images is null or jsonb_typeof(p_images) <> 'array' then
        raise exception 'p_images must be a JSON array, got %', coalesce(jsonb_typeof(p_images), 'null')
        using errcode = '22023';
    end if;
    if jsonb_array_length(p_images) not between 1 and 6 then
        raise exception 'p_images must hold 1 to 6 variants, got %', jsonb_array_length(p_images)
        using errcode = '22023';
    end if;
    select e.idx, e.err into v_bad
    from (
        select
            s.ord - 1 as idx,
            case
                when jsonb_typeof(s.elem) is distinct from 'object' then
                    'must be a JSON object, got ' || jsonb_typeof(s.elem)
                when exists (
                    select from jsonb_object_keys(s.elem) as k (key)
                    where k.key not in (
                        'variantNumber', 'imageUrl', 'imageStorageId', 'replicateImageId', 'status', 'metadata'
                    )
                ) then
                    'unknown key ' || (
                        select quote_literal(k.key) from jsonb_object_keys(s.elem) as k (key)
                        where k.key not in (
                            'variantNumber', 'imageUrl', 'imageStorageId', 'replicateImageId', 'status', 'metadata'
                        )
                        order by k.key limit 1
                    ) || ' (allowed: variantNumber, imageUrl, imageStorageId, replicateImageId, status, metadata)'
                when jsonb_typeof(s.elem -> 'variantNumber') is distinct from 'number' then
                    'variantNumber must be a whole number from 0 to 5, got '
                    || coalesce((s.elem -> 'variantNumber')::text, 'nothing')
                when (s.elem ->> 'variantNumber')::numeric not in (0, 1, 2, 3, 4, 5) then
                    'variantNumber must be a whole number from 0 to 5, got ' || (s.elem ->> 'variantNumber')
                when exists (
                    select from jsonb_array_elements(p_images) with ordinality as o (elem, ord)
                    where o.ord < s.ord and o.elem -> 'variantNumber' = s.elem -> 'variantNumber'
                ) then
                    'variantNumber ' || (s.elem ->> 'variantNumber') || ' appears twice'
                when coalesce(jsonb_typeof(s.elem -> 'imageUrl'), 'null') not in ('string', 'null')
                    or btrim(s.elem ->> 'imageUrl') = '' then
                    'imageUrl must be a non-empty string, got ' || (s.elem -> 'imageUrl')::text
                when coalesce(jsonb_typeof(s.elem -> 'imageStorageId'), 'null') not in ('string', 'null') then
                    'imageStorageId must be a string, got ' || (s.elem -> 'imageStorageId')::text
                when coalesce(jsonb_typeof(s.elem -> 'replicateImageId'), 'null') not in ('string', 'null') then
                    'replicateImageId must be a string, got ' || (s.elem -> 'replicateImageId')::text
                when coalesce(s.elem ->> 'status', 'pending') not in ('pending', 'processing', 'complete', 'failed')
                    or jsonb_typeof(s.elem -> 'status') not in ('string', 'null') then
                    'status must be one of pending, processing, complete, failed, got ' || (s.elem -> 'status')::text
                when s.elem ->> 'status' = 'complete' and s.elem ->> 'imageUrl' is null then
                    'imageUrl is required when status is complete'
                when coalesce(jsonb_typeof(s.elem -> 'metadata'), 'null') not in ('object', 'null') then
                    'metadata must be a JSON object, got ' || (s.elem -> 'metadata')::text
            end as err
        from jsonb_array_elements(p_images) with ordinality as s (elem, ord)
    ) as e
    where e.err is not null
    order by e.idx
    limit 1;
    if found then
        raise exception 'p_images[%]: %', v_bad.idx, v_bad.err using errcode = '22023';
    end if;
    if p_iteration_number < 0 then
        raise exception 'p_iteration_number must be >= 0 or null (the next iteration), got %', p_iteration_number
        using errcode = '22023';
    end if;
    if btrim(p_iteration_prompt) = '' then
        raise exception 'p_iteration_prompt must be null (the shot''s initial prompt) or non-empty text, got %',
            quote_literal(p_iteration_prompt)
        using errcode = '22023';
    end if;

    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select s.project_id into p_project_id from public.scene_shots as s where s.id = p_shot_id;
    end if;
    -- The shot's row lock makes concurrent batches for one shot queue: each one reads the latest iteration
    -- only after the previous batch has committed, so no iteration is created twice.
    select s.scene_id, s.initial_prompt into v_shot
    from public.scene_shots as s where s.project_id = p_project_id and s.id = p_shot_id for update;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    if p_scene_id <> v_shot.scene_id then
        raise exception 'p_scene_id % is not the scene of shot % (%)', p_scene_id, p_shot_id, v_shot.scene_id
        using errcode = '55000';
    end if;
    select max(i.iteration_number) into v_latest
    from public.shot_images as i where i.project_id = p_project_id and i.shot_id = p_shot_id;
    v_iteration := coalesce(p_iteration_number, v_latest + 1, 0);
    if v_iteration <= v_latest then
        raise exception 'p_iteration_number %: iteration % of shot % already exists (the latest is %); a batch '
            'creates the next iteration, %', p_iteration_number, v_iteration, p_shot_id, v_latest, v_latest + 1
        using errcode = '55000';
    end if;

    with inserted as (
        insert into public.shot_images (
            project_id, scene_id, shot_id, iteration_number, variant_number, image_url, image_storage_id,
            iteration_prompt, parent_image_id, replicate_image_id, status, metadata
        )
        select
            p_project_id,
            v_shot.scene_id,
            p_shot_id,
            v_iteration,
            (s.elem ->> 'variantNumber')::numeric::integer,
            s.elem ->> 'imageUrl',
            s.elem ->> 'imageStorageId',
            coalesce(p_iteration_prompt, v_shot.initial_prompt),
            p_parent_image_id,
            s.elem ->> 'replicateImageId',
            coalesce(s.elem ->> 'status', 'pending'),
            coalesce(nullif(s.elem -> 'metadata', 'null'), '{}')
        from jsonb_array_elements(p_images) with ordinality as s (elem, ord)
        order by s.ord
        returning id, variant_number
    )
    select array_agg(i.id order by s.ord) into v_image_ids
    from inserted as i
    inner join jsonb_array_elements(p_images) with ordinality as s (elem, ord)
        on i.variant_number = (s.elem ->> 'variantNumber')::numeric::integer;
    return v_image_ids;
end
$$;
comment on function public.batch_create_shot_images(uuid, jsonb, integer, text, uuid, uuid, uuid) is
'Creates one new iteration of a shot''s images in one call (video-pipeline-redesign-v2.md, batchCreateShotImages, '
'"Image Generation", "Image Iteration"). p_shot_id: the shot (uuid); p_images: JSON array of 1 to 6 objects '
'{variantNumber (0..5, unique, required), imageUrl (string; required when status is complete), imageStorageId, '
'replicateImageId (strings), status (pending | processing | complete | failed, default pending), metadata '
'(object)}; p_iteration_number: the new iteration, which must be the latest + 1 (0 for the first batch), or null '
'for exactly that; p_iteration_prompt: non-empty text, default the shot''s initial_prompt; p_parent_image_id: '
'null for iteration 0, else required: a complete image of the same shot from an earlier iteration (img2img); '
'p_project_id: the shot''s project, optional (the shot is looked up in it: one shard on a distributed database); '
'p_scene_id: optional, checked against the shot. Locks the shot row, so concurrent batches for one shot queue and '
'never create the same iteration twice. Returns the image ids (uuid[]) in p_images order. The project moves to '
'shot_iteration if it was behind. Errors: 22023 bad parameter (p_images[i] names the element, e.g. variantNumber '
'6), P0002 unknown shot (or not in p_project_id) or parent, 55000 iteration already existing or skipping ahead, '
'parent from another shot, a later iteration or not complete, p_scene_id not the shot''s. Writes nothing on error.';
revoke all on function public.batch_create_shot_images(uuid, jsonb, integer, text, uuid, uuid, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.batch_create_shot_images(uuid, jsonb, integer, text, uuid, uuid, uuid)
to authenticated, service_role;

create function public.create_shot_image(
    p_shot_id uuid,
    p_iteration_number integer,
    p_variant_number integer,
    p_iteration_prompt text default null,
    p_parent_image_id uuid default null,
    p_image_url text default null,
    p_status text default 'pending',
    p_image_storage_id text default null,
    p_replicate_image_id text default null,
    p_metadata jsonb default null,
    p_project_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_shot record;
    v_iteration record;
    v_image_id uuid;
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    if p_iteration_number is null or p_iteration_number < 0 then
        raise exception 'p_iteration_number must be a whole number >= 0, got %', coalesce(p_iteration_number::text, 'null')
        using errcode = '22023';
    end if;
    if p_variant_number is null or p_variant_number not between 0 and 5 then
        raise exception 'p_variant_number must be a whole number from 0 to 5, got %',
            coalesce(p_variant_number::text, 'null')
        using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('pending', 'processing', 'complete', 'failed') then
        raise exception 'p_status must be one of pending, processing, complete, failed, got %',
            coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    if btrim(p_image_url) = '' or (p_status = 'complete' and p_image_url is null) then
        raise exception 'p_image_url must be a non-empty URL (required when p_status is complete), got %',
            coalesce(quote_literal(p_image_url), 'null')
        using errcode = '22023';
    end if;
    if btrim(p_iteration_prompt) = '' then
        raise exception 'p_iteration_prompt must be null or non-empty text, got %', quote_literal(p_iteration_prompt)
        using errcode = '22023';
    end if;
    if jsonb_typeof(p_metadata) <> 'object' then
        raise exception 'p_metadata must be a JSON object, got %', jsonb_typeof(p_metadata) using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select s.project_id into p_project_id from public.scene_shots as s where s.id = p_shot_id;
    end if;
    select s.initial_prompt into v_shot
    from public.scene_shots as s where s.project_id = p_project_id and s.id = p_shot_id for update;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    -- An image added to an existing iteration takes the iteration's parent and prompt unless given.
    select i.parent_image_id, i.iteration_prompt into v_iteration
    from public.shot_images as i
    where i.project_id = p_project_id and i.shot_id = p_shot_id and i.iteration_number = p_iteration_number
    order by i.variant_number
    limit 1;
    if exists (
        select from public.shot_images as i
        where i.project_id = p_project_id and i.shot_id = p_shot_id and i.iteration_number = p_iteration_number
            and i.variant_number = p_variant_number
    ) then
        raise exception 'p_variant_number %: variant % of iteration % of shot % already exists', p_variant_number,
            p_variant_number, p_iteration_number, p_shot_id
        using errcode = '23505';
    end if;
    insert into public.shot_images (
        project_id, shot_id, iteration_number, variant_number, image_url, image_storage_id, iteration_prompt,
        parent_image_id, replicate_image_id, status, metadata
    )
    values (
        p_project_id, p_shot_id, p_iteration_number, p_variant_number, p_image_url, p_image_storage_id,
        coalesce(p_iteration_prompt, v_iteration.iteration_prompt, v_shot.initial_prompt),
        coalesce(p_parent_image_id, v_iteration.parent_image_id), p_replicate_image_id, p_status,
        coalesce(p_metadata, '{}')
    )
    returning id into v_image_id;
    return v_image_id;
end
$$;
comment on function public.create_shot_image(uuid, integer, integer, text, uuid, text, text, text, text, jsonb, uuid)
is
'Creates one image of a shot (video-pipeline-redesign-v2.md, useCreateShotImage), e.g. a variant added to an '
'iteration. p_shot_id: the shot (uuid); p_iteration_number: an existing iteration or the next one (latest + 1); '
'p_variant_number: 0..5, free in that iteration; p_iteration_prompt: text, default the iteration''s (or the shot''s '
'initial) prompt; p_parent_image_id: as batch_create_shot_images, default the iteration''s parent; p_image_url: '
'URL (required when complete); p_status: pending | processing | complete | failed (default pending); '
'p_image_storage_id, p_replicate_image_id: text; p_metadata: JSON object; p_project_id: the shot''s project, '
'optional (the shot is looked up in it). Returns the image id (uuid). Errors: 22023 bad parameter, P0002 unknown '
'shot or parent, 23505 variant taken, 55000 iteration skipping ahead or parent not allowed. Writes nothing on '
'error.';
revoke all on function public.create_shot_image(uuid, integer, integer, text, uuid, text, text, text, text, jsonb, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.create_shot_image(uuid, integer, integer, text, uuid, text, text, text, text, jsonb, uuid)
to authenticated, service_role;

create function public.get_latest_iteration_number(p_shot_id uuid, p_project_id uuid default null) returns integer
language plpgsql stable
set search_path = ''
as $$
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select s.project_id into p_project_id from public.scene_shots as s where s.id = p_shot_id;
    end if;
    perform from public.scene_shots as s where s.project_id = p_project_id and s.id = p_shot_id;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    return coalesce((
        select max(i.iteration_number) from public.shot_images as i
        where i.project_id = p_project_id and i.shot_id = p_shot_id
    ), -1);
end
$$;
comment on function public.get_latest_iteration_number(uuid, uuid) is
'The latest iteration of a shot''s images (video-pipeline-redesign-v2.md, getLatestIterationNumber: "use before '
'creating a new iteration"). p_shot_id: the shot (uuid); p_project_id: its project (uuid), optional (the shot is '
'looked up in it). Returns the highest iteration_number (integer), -1 when the shot has no image yet, so that the '
'next iteration is always the result + 1. Errors: 22023 null parameter, P0002 unknown shot.';
revoke all on function public.get_latest_iteration_number(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_latest_iteration_number(uuid, uuid) to authenticated, service_role;

create function public.get_shot_images_by_iteration(p_shot_id uuid, p_project_id uuid default null) returns jsonb
language plpgsql stable
set search_path = ''
as $$
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select s.project_id into p_project_id from public.scene_shots as s where s.id = p_shot_id;
    end if;
    perform from public.scene_shots as s where s.project_id = p_project_id and s.id = p_shot_id;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    return coalesce((
        select jsonb_agg(
            jsonb_build_object(
                'iterationNumber', g.iteration_number,
                'prompt', g.prompt,
                'parentImageId', g.parent_image_id,
                'parentImage', (
                    select to_jsonb(p) from public.shot_images as p
                    where p.project_id = p_project_id and p.id = g.parent_image_id
                ),
                'images', g.images
            )
            order by g.iteration_number
        )
        from (
            select
                i.iteration_number,
                (array_agg(i.iteration_prompt order by i.variant_number))[1] as prompt,
                (array_agg(i.parent_image_id order by i.variant_number))[1] as parent_image_id,
                jsonb_agg(to_jsonb(i) order by i.variant_number) as images
            from public.shot_images as i
            where i.project_id = p_project_id and i.shot_id = p_shot_id
            group by i.iteration_number
        ) as g
    ), '[]');
end
$$;
comment on function public.get_shot_images_by_iteration(uuid, uuid) is
'A shot''s images grouped by iteration (video-pipeline-redesign-v2.md, useGroupedShotImages). p_shot_id: the shot '
'(uuid); p_project_id: its project (uuid), optional (the shot is looked up in it). Returns a JSON array ordered by iteration: [{"iterationNumber": 0, "prompt": text, "parentImageId": '
'uuid | null, "parentImage": image | null, "images": [image, ...]}], images ordered by variant, each an object '
'with the shot_images columns (snake_case, as a table read returns them); [] when the shot has no image. Errors: '
'22023 null parameter, P0002 unknown shot.';
revoke all on function public.get_shot_images_by_iteration(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_shot_images_by_iteration(uuid, uuid) to authenticated, service_role;
$migration$);

-- ===== storyboard/0009_create_storyboard_image_functions =====
call pg_temp.dreamcut_db_apply('storyboard', '0009_create_storyboard_image_functions', '014161ffb55129ba1a7055bdae31d94632c2d19574c73acfd1737a027f206588', 'ed1f4b6a96da206d9dcc50e5270ef0e55ad4885e847e0c9a7c9894c8116bcb58', $migration$
create function public.update_shot_image(
    p_image_id uuid,
    p_image_url text default null,
    p_status text default null,
    p_image_storage_id text default null,
    p_replicate_image_id text default null,
    p_iteration_prompt text default null,
    p_is_favorite boolean default null,
    p_metadata jsonb default null,
    p_project_id uuid default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_image record;
begin
    if p_image_id is null then
        raise exception 'p_image_id is required, got null' using errcode = '22023';
    end if;
    if p_status not in ('pending', 'processing', 'complete', 'failed') then
        raise exception 'p_status must be one of pending, processing, complete, failed or null (keep), got %',
            quote_literal(p_status)
        using errcode = '22023';
    end if;
    if btrim(p_image_url) = '' then
        raise exception 'p_image_url must be null (keep) or a non-empty URL, got %', quote_literal(p_image_url)
        using errcode = '22023';
    end if;
    if btrim(p_iteration_prompt) = '' then
        raise exception 'p_iteration_prompt must be null (keep) or non-empty text, got %', quote_literal(p_iteration_prompt)
        using errcode = '22023';
    end if;
    if jsonb_typeof(p_metadata) <> 'object' then
        raise exception 'p_metadata must be a JSON object, got %', jsonb_typeof(p_metadata) using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select i.project_id into p_project_id from public.shot_images as i where i.id = p_image_id;
    end if;
    select i.image_url into v_image
    from public.shot_images as i where i.project_id = p_project_id and i.id = p_image_id for update;
    if not found then
        raise exception 'image % not found (p_image_id)', p_image_id using errcode = 'P0002';
    end if;
    if p_status = 'complete' and coalesce(p_image_url, v_image.image_url) is null then
        raise exception 'p_image_url is required when p_status is complete (image % has no URL yet)', p_image_id
        using errcode = '22023';
    end if;
    update public.shot_images
    set image_url = coalesce(p_image_url, image_url),
        status = coalesce(p_status, status),
        image_storage_id = coalesce(p_image_storage_id, image_storage_id),
        replicate_image_id = coalesce(p_replicate_image_id, replicate_image_id),
        iteration_prompt = coalesce(p_iteration_prompt, iteration_prompt),
        is_favorite = coalesce(p_is_favorite, is_favorite),
        metadata = metadata || coalesce(p_metadata, '{}')
    where project_id = p_project_id and id = p_image_id;
end
$$;
comment on function public.update_shot_image(uuid, text, text, text, text, text, boolean, jsonb, uuid) is
'Updates an image (video-pipeline-redesign-v2.md, useUpdateShotImage; what a generation worker writes). '
'p_image_id: the image (uuid); p_image_url: URL; p_status: pending -> processing -> complete | failed, failed -> '
'pending (retry); p_image_storage_id, p_replicate_image_id, p_iteration_prompt: text; p_is_favorite: boolean; '
'p_metadata: JSON object shallow-merged into the image''s metadata. Null keeps a value. p_project_id: the image''s '
'project (uuid), optional (the image is looked up in it: one shard on a distributed database). Returns nothing. '
'Errors: 22023 bad parameter (complete without a URL), P0002 unknown image, 55000 status moving backwards. Writes '
'nothing on error.';
revoke all on function public.update_shot_image(uuid, text, text, text, text, text, boolean, jsonb, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.update_shot_image(uuid, text, text, text, text, text, boolean, jsonb, uuid)
to authenticated, service_role;

create function public.update_shot_image_status(
    p_image_id uuid,
    p_status text,
    p_image_url text default null,
    p_project_id uuid default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
    if p_status is null then
        raise exception 'p_status is required (pending, processing, complete or failed), got null'
        using errcode = '22023';
    end if;
    perform public.update_shot_image(
        p_image_id => p_image_id, p_status => p_status, p_image_url => p_image_url, p_project_id => p_project_id
    );
end
$$;
comment on function public.update_shot_image_status(uuid, text, text, uuid) is
'Sets an image''s status and URL, as a generation worker does when a prediction starts, completes or fails '
'(video-pipeline-redesign-v2.md, "Wire up with Replicate API"). p_image_id: the image (uuid); p_status: pending '
'-> processing -> complete | failed, failed -> pending (retry); p_image_url: URL, required for complete unless '
'already set, null keeps; p_project_id: the image''s project, optional (as update_shot_image). Returns nothing. '
'Errors: 22023 bad parameter, P0002 unknown image, 55000 status moving backwards. Writes nothing on error.';
revoke all on function public.update_shot_image_status(uuid, text, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.update_shot_image_status(uuid, text, text, uuid) to authenticated, service_role;

create function public.toggle_shot_image_favorite(p_image_id uuid, p_project_id uuid default null) returns boolean
language plpgsql volatile
set search_path = ''
as $$
declare
    v_favorite boolean;
begin
    if p_image_id is null then
        raise exception 'p_image_id is required, got null' using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select i.project_id into p_project_id from public.shot_images as i where i.id = p_image_id;
    end if;
    update public.shot_images set is_favorite = not is_favorite where project_id = p_project_id and id = p_image_id
    returning is_favorite into v_favorite;
    if not found then
        raise exception 'image % not found (p_image_id)', p_image_id using errcode = 'P0002';
    end if;
    return v_favorite;
end
$$;
comment on function public.toggle_shot_image_favorite(uuid, uuid) is
'Stars or unstars an image (video-pipeline-redesign-v2.md, "Favorites System: star images for easy filtering"). '
'p_image_id: the image (uuid); p_project_id: its project (uuid), optional (the image is looked up in it). Returns '
'the new is_favorite (boolean). Errors: 22023 null parameter, P0002 unknown image.';
revoke all on function public.toggle_shot_image_favorite(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.toggle_shot_image_favorite(uuid, uuid) to authenticated, service_role;

create function public.delete_shot_image(p_image_id uuid, p_project_id uuid default null) returns void
language sql volatile
set search_path = ''
begin atomic
    select dreamcut_private.delete_storyboard_row('shot_images', p_image_id, p_project_id);
end;
comment on function public.delete_shot_image(uuid, uuid) is
'Deletes an image (video-pipeline-redesign-v2.md, useDeleteShotImage). A storyboard selection of it goes too '
'(and the shot''s selected_image_id becomes null); refinements of it keep their rows with parent_image_id null. '
'p_image_id: the image (uuid); p_project_id: its project (uuid), optional (the image is looked up in it). Returns '
'nothing. Errors: 22023 null parameter, P0002 unknown image.';
revoke all on function public.delete_shot_image(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.delete_shot_image(uuid, uuid) to authenticated, service_role;
$migration$);

-- ===== storyboard/0010_create_storyboard_selection_functions =====
call pg_temp.dreamcut_db_apply('storyboard', '0010_create_storyboard_selection_functions', '622cef58c19058e2a6a83d579eae3677307740a44f54f36685266e25fe69147c', '5c65063b484bcb0a2b53a5fe4db2d7956f826ad81a0da4c056dd9f1e5a4639ec', $migration$
create function public.select_master_shot(
    p_shot_id uuid,
    p_selected_image_id uuid,
    p_project_id uuid default null,
    p_scene_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_shot record;
    v_selection_id uuid;
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    if p_selected_image_id is null then
        raise exception 'p_selected_image_id is required, got null' using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select s.project_id into p_project_id from public.scene_shots as s where s.id = p_shot_id;
    end if;
    select s.scene_id into v_shot from public.scene_shots as s where s.project_id = p_project_id and s.id = p_shot_id;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    if p_scene_id <> v_shot.scene_id then
        raise exception 'p_scene_id % is not the scene of shot % (%)', p_scene_id, p_shot_id, v_shot.scene_id
        using errcode = '55000';
    end if;
    insert into public.storyboard_selections as sel (project_id, scene_id, shot_id, selected_image_id)
    values (p_project_id, v_shot.scene_id, p_shot_id, p_selected_image_id)
    on conflict (project_id, shot_id) do update
    set selected_image_id = excluded.selected_image_id,
        -- Selecting the same image again retries a failed animation; a new image restarts it (trigger).
        animation_status = case when sel.animation_status = 'failed' then 'pending' else sel.animation_status end,
        replicate_video_id = case when sel.animation_status = 'failed' then null else sel.replicate_video_id end
    returning sel.id into v_selection_id;
    return v_selection_id;
end
$$;
comment on function public.select_master_shot(uuid, uuid, uuid, uuid) is
'Chooses a shot''s master shot for the storyboard (video-pipeline-redesign-v2.md, useSelectMasterShot, "Storyboard '
'Selection"): creates or updates the shot''s storyboard selection and sets scene_shots.selected_image_id. A '
'different image restarts the animation (pending); the same image again retries a failed animation. When every '
'shot of the project has a selection, the project moves to storyboard_final. p_shot_id: the shot (uuid); '
'p_selected_image_id: a complete image of that shot (uuid); p_project_id: the shot''s project, optional (the shot '
'is looked up in it: one shard on a distributed database); p_scene_id: optional, checked against the shot. Returns '
'the selection id (uuid). Errors: 22023 null parameter, P0002 unknown shot (or not in p_project_id) or image, '
'55000 image of another shot or not complete, p_scene_id not the shot''s. Writes nothing on error.';
revoke all on function public.select_master_shot(uuid, uuid, uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.select_master_shot(uuid, uuid, uuid, uuid) to authenticated, service_role;

create function public.create_storyboard_selection(
    p_shot_id uuid,
    p_selected_image_id uuid,
    p_project_id uuid default null,
    p_scene_id uuid default null
) returns uuid
language sql volatile
set search_path = ''
as $$
    select public.select_master_shot(p_shot_id, p_selected_image_id, p_project_id, p_scene_id)
$$;
comment on function public.create_storyboard_selection(uuid, uuid, uuid, uuid) is
'The document''s createStoryboardSelection (video-pipeline-redesign-v2.md, "Storyboard Selection"): the same as '
'select_master_shot (same parameters, return value and errors: 22023, P0002, 55000).';
revoke all on function public.create_storyboard_selection(uuid, uuid, uuid, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.create_storyboard_selection(uuid, uuid, uuid, uuid) to authenticated, service_role;

create function public.update_storyboard_animation(
    p_selection_id uuid,
    p_animation_status text,
    p_animated_video_url text default null,
    p_replicate_video_id text default null,
    p_project_id uuid default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_url text;
begin
    if p_selection_id is null then
        raise exception 'p_selection_id is required, got null' using errcode = '22023';
    end if;
    if p_animation_status is null or p_animation_status not in ('pending', 'processing', 'complete', 'failed') then
        raise exception 'p_animation_status must be one of pending, processing, complete, failed, got %',
            coalesce(quote_literal(p_animation_status), 'null')
        using errcode = '22023';
    end if;
    if btrim(p_animated_video_url) = '' then
        raise exception 'p_animated_video_url must be null or a non-empty URL, got %', quote_literal(p_animated_video_url)
        using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select sel.project_id into p_project_id from public.storyboard_selections as sel where sel.id = p_selection_id;
    end if;
    select sel.animated_video_url into v_url
    from public.storyboard_selections as sel
    where sel.project_id = p_project_id and sel.id = p_selection_id for update;
    if not found then
        raise exception 'storyboard selection % not found (p_selection_id)', p_selection_id using errcode = 'P0002';
    end if;
    if p_animation_status = 'complete' and coalesce(p_animated_video_url, v_url) is null then
        raise exception 'p_animated_video_url is required when p_animation_status is complete' using errcode = '22023';
    end if;
    update public.storyboard_selections
    set animation_status = p_animation_status,
        animated_video_url = coalesce(p_animated_video_url, animated_video_url),
        replicate_video_id = coalesce(p_replicate_video_id, replicate_video_id)
    where project_id = p_project_id and id = p_selection_id;
end
$$;
comment on function public.update_storyboard_animation(uuid, text, text, text, uuid) is
'Records an animation''s progress (video-pipeline-redesign-v2.md, updateStoryboardAnimation, "Animation '
'Generation"). p_selection_id: the storyboard selection (uuid); p_animation_status: pending -> processing -> '
'complete | failed, failed -> pending (retry); p_animated_video_url: URL of the video, required for complete '
'unless already set, null keeps; p_replicate_video_id: prediction id, null keeps; p_project_id: the selection''s '
'project (uuid), optional (the selection is looked up in it). When every shot''s animation is complete the project '
'moves to animation_complete. Returns nothing. Errors: 22023 bad parameter, P0002 unknown selection, 55000 status '
'moving backwards. Writes nothing on error.';
revoke all on function public.update_storyboard_animation(uuid, text, text, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.update_storyboard_animation(uuid, text, text, text, uuid) to authenticated, service_role;

create function public.is_scene_storyboard_complete(p_scene_id uuid, p_project_id uuid default null) returns boolean
language plpgsql stable
set search_path = ''
as $$
begin
    if p_scene_id is null then
        raise exception 'p_scene_id is required, got null' using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select c.project_id into p_project_id from public.project_scenes as c where c.id = p_scene_id;
    end if;
    perform from public.project_scenes as c where c.project_id = p_project_id and c.id = p_scene_id;
    if not found then
        raise exception 'scene % not found (p_scene_id)', p_scene_id using errcode = 'P0002';
    end if;
    return coalesce((
        select count(*) > 0 and count(*) = count(sel.id)
        from public.scene_shots as s
        left join public.storyboard_selections as sel on s.project_id = sel.project_id and s.id = sel.shot_id
        where s.project_id = p_project_id and s.scene_id = p_scene_id
    ), false);
end
$$;
comment on function public.is_scene_storyboard_complete(uuid, uuid) is
'Whether a scene''s storyboard is complete (video-pipeline-redesign-v2.md, useSceneStoryboardComplete): the scene '
'has at least one shot and every shot has a storyboard selection (master shot). p_scene_id: the scene (uuid); '
'p_project_id: its project (uuid), optional (the scene is looked up in it). Returns boolean. Errors: 22023 null '
'parameter, P0002 unknown scene.';
revoke all on function public.is_scene_storyboard_complete(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.is_scene_storyboard_complete(uuid, uuid) to authenticated, service_role;

create function public.get_project_progress(p_project_id uuid) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
    v_progress jsonb;
begin
    if p_project_id is null then
        raise exception 'p_project_id is required, got null' using errcode = '22023';
    end if;
    select jsonb_build_object(
        'totalScenes', v.total_scenes,
        'totalShots', v.total_shots,
        'shotsWithSelections', v.shots_with_selections,
        'shotsWithAnimations', v.shots_with_animations,
        'selectionProgress',
        case when v.total_shots = 0 then 0 else trim_scale(round(100.0 * v.shots_with_selections / v.total_shots, 1)) end,
        'animationProgress',
        case when v.total_shots = 0 then 0 else trim_scale(round(100.0 * v.shots_with_animations / v.total_shots, 1)) end,
        'isSelectionComplete', v.total_shots > 0 and v.shots_with_selections = v.total_shots,
        'isAnimationComplete', v.total_shots > 0 and v.shots_with_animations = v.total_shots
    ) into v_progress
    from public.video_project_progress as v
    where v.project_id = p_project_id;
    if not found then
        raise exception 'project % not found (p_project_id)', p_project_id using errcode = 'P0002';
    end if;
    return v_progress;
end
$$;
comment on function public.get_project_progress(uuid) is
'A project''s progress (video-pipeline-redesign-v2.md, useProjectProgress). p_project_id: the project (uuid). '
'Returns JSON with exactly the document''s fields: {"totalScenes": int, "totalShots": int, "shotsWithSelections": '
'int (shots with a storyboard selection), "shotsWithAnimations": int (selections whose animation is complete), '
'"selectionProgress": percent of shots with a selection, 0..100 rounded to 0.1, "animationProgress": percent of '
'shots with a complete animation, "isSelectionComplete": bool, "isAnimationComplete": bool} (percentages 0 and '
'completeness false when the project has no shot). Errors: 22023 null parameter, P0002 unknown project.';
revoke all on function public.get_project_progress(uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_project_progress(uuid) to authenticated, service_role;
$migration$);

-- ===== storyboard/0011_enable_storyboard_realtime_publication =====
call pg_temp.dreamcut_db_apply('storyboard', '0011_enable_storyboard_realtime_publication', '201d8e0e4d19a8ecee32fbb5fd8188928be8fc93505ffba68cc665d76412e15f', '72f45c5d07918d1efe6d372a203c20b0dead4be51d944c5747c80a621622d295', $migration$
alter publication supabase_realtime add table public.video_projects, public.project_scenes, public.scene_shots,
public.shot_images, public.storyboard_selections;
$migration$);

drop procedure pg_temp.dreamcut_db_apply;
do $summary$
begin
    raise notice '% migration(s) applied, % already recorded',
        coalesce(nullif(current_setting('dreamcut_db.applied', true), ''), '0'),
        45 - coalesce(nullif(current_setting('dreamcut_db.applied', true), ''), '0')::int;
end
$summary$;
commit;
