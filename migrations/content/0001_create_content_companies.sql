-- create_content_companies (video-pipeline-content-multimedia.md, "Row Level Security: company-based isolation
-- via company_id"): whose company a request is (the JWT claim app_metadata.company_id), the one helper that
-- puts a cm_*/mm_* table under company isolation, the company a new row is written for, and minimal
-- public.companies / public.employees where the application does not have them (recorded in
-- dreamcut_private.package_owned_objects).
-- depends: 0001_supabase_platform

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
