-- dreamcut-db distribute: what is still to do on this Citus coordinator for the installed modules, one row per
-- step in the order the steps run: (kind, object, module, detail, statement, undo). A step with a null
-- statement is information only (a table that stays on the coordinator); kind 'blocked' names what stops the
-- distribution (the statement is null and the detail says why). A statement that runs on the workers returns
-- run_command_on_workers' rows (distribute.py fails the step on a row that did not succeed). Run by distribute.py with
-- search_path = '' (every name here is qualified); steps already done are not listed again.

with families (module, tbl, how, col, root) as (
    -- One family per distribution key, co-located with its root; 'reference': a copy on every node (small
    -- tables every family row may join or reference: the companies and their employees, which the
    -- application may own and which are keyed by their id alone); 'coordinator': a plain table on the
    -- coordinator, read and written only by functions that run there. Roots before their members.
    values
        ('dreamcut', 'public.dreamcut_queries', 'distributed', 'id', null),
        ('dreamcut', 'public.dreamcut_assets', 'distributed', 'query_id', 'public.dreamcut_queries'),
        ('dreamcut', 'public.dreamcut_messages', 'distributed', 'query_id', 'public.dreamcut_queries'),
        ('render', 'public.jobs', 'distributed', 'id', null),
        ('render', 'public.elements', 'distributed', 'job_id', 'public.jobs'),
        ('render', 'public.storage_operations', 'distributed', 'job_id', 'public.jobs'),
        ('render', 'public.processing_timeline', 'distributed', 'job_id', 'public.jobs'),
        ('render', 'public.url_access_logs', 'distributed', 'job_id', 'public.jobs'),
        ('render', 'public.system_metrics', 'coordinator', null, null),
        ('render', 'dreamcut_private.rate_limit_counters', 'coordinator', null, null),
        ('render', 'dreamcut_private.security_events', 'coordinator', null, null),
        ('content', 'public.cm_course_plans', 'distributed', 'company_id', null),
        ('content', 'public.cm_research_results', 'distributed', 'company_id', 'public.cm_course_plans'),
        ('content', 'public.cm_module_content', 'distributed', 'company_id', 'public.cm_course_plans'),
        ('content', 'public.cm_quality_assessments', 'distributed', 'company_id', 'public.cm_course_plans'),
        ('content', 'public.cm_enhancement_sessions', 'distributed', 'company_id', 'public.cm_course_plans'),
        ('multimedia', 'public.mm_multimedia_sessions', 'distributed', 'company_id', 'public.cm_course_plans'),
        ('multimedia', 'public.mm_multimedia_assets', 'distributed', 'company_id', 'public.cm_course_plans'),
        ('multimedia', 'public.mm_audio_narrations', 'distributed', 'company_id', 'public.cm_course_plans'),
        ('multimedia', 'public.mm_slide_presentations', 'distributed', 'company_id', 'public.cm_course_plans'),
        ('multimedia', 'public.mm_rendering_queue', 'distributed', 'company_id', 'public.cm_course_plans'),
        -- after the tables that reference them, each before its own target (their foreign keys are set aside
        -- meanwhile): a local table referencing a reference table becomes a Citus local table, which cannot be
        -- distributed afterwards and loses its comments when made a reference table
        ('content', 'public.employees', 'reference', null, null),
        ('content', 'public.companies', 'reference', null, null),
        ('storyboard', 'public.video_projects', 'distributed', 'id', null),
        ('storyboard', 'public.project_scenes', 'distributed', 'project_id', 'public.video_projects'),
        ('storyboard', 'public.scene_shots', 'distributed', 'project_id', 'public.video_projects'),
        ('storyboard', 'public.shot_images', 'distributed', 'project_id', 'public.video_projects'),
        ('storyboard', 'public.storyboard_selections', 'distributed', 'project_id', 'public.video_projects'),
        ('platform', 'dreamcut_private.package_owned_objects', 'coordinator', null, null),
        ('platform', 'dreamcut_private.installed_modules', 'coordinator', null, null)
),

delegated (module, fn, arg, root) as (
    -- Worker-path functions whose every statement touches the rows of one key (their distribution argument):
    -- a direct call `select f(...)` runs on the worker holding that key's shards, in one round trip, also
    -- inside a transaction block (force_delegation). Only functions no end user may execute are delegated:
    -- on the worker the caller's role and claims are not those of the coordinator's session. And only by a
    -- required key: a delegated call whose distribution argument is null crashes the coordinator (signal 11,
    -- Citus 13.2.2), so update_asset_progress and complete_processing_step (optional p_query_id, p_job_id: the
    -- product's calls pass the row's id alone) run on the coordinator.
    values
        ('dreamcut', 'public.complete_dreamcut_query', 'p_query_id', 'public.dreamcut_queries'),
        ('dreamcut', 'public.fail_dreamcut_query', 'p_query_id', 'public.dreamcut_queries'),
        ('render', 'public.update_job_progress', 'p_job_id', 'public.jobs'),
        ('render', 'public.start_processing_step', 'p_job_id', 'public.jobs')
),

settings (name, value, why) as (
    values
        ('dreamcut.notify', 'off',
         'no pg_notify from triggers: they run on the workers, inside two-phase commits, which refuse NOTIFY'),
        ('citus.enable_unsafe_triggers', 'on',
         'the package''s triggers run on the shards; each touches only rows of its own distribution key')
),

api_roles (rolname) as (values ('anon'), ('authenticated'), ('service_role')),

installed as (
    select module from dreamcut_private.installed_modules
),

planned as (
    select f.module, f.tbl, f.how, f.col, f.root, to_regclass(f.tbl) as rel, f.ord
    from (select families.*, row_number() over () as ord from families) f join installed using (module)
    where to_regclass(f.tbl) is not null
),

pending_tables as (
    select p.*
    from planned p
    where p.how <> 'coordinator'
      and not exists (select from pg_catalog.pg_dist_partition d where d.logicalrelid = p.rel)
),

-- Policies on the tables about to be distributed: Citus runs them on the shards and refuses subqueries there.
-- `(select auth.uid())` (evaluated once per statement on one node, Supabase's advice) becomes `auth.uid()`.
-- A policy whose other subqueries read the parent of the row by its distribution key (a child's "rows of my own
-- job/query/project": `exists (select from public.jobs j where j.id = elements.job_id)`) keeps its expression
-- inside a PL/pgSQL function of the key (`wrapped`): Citus does not see a subquery, and the function's query
-- runs as a nested query on the worker, which holds the parent's co-located shard
-- (citus.allow_nested_distributed_execution), as the caller, so the parent's own policy still applies. Any
-- other subquery (one that reads more of the row than its key) blocks the distribution.
policies as (
    select t.module, t.tbl, t.col, p.oid as polid, p.polname, c.relname,
           pg_catalog.format_type(a.atttypid, a.atttypmod) as coltype,
           pg_catalog.pg_get_expr(p.polqual, p.polrelid) as qual,
           pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as check_expr,
           -- the columns of its own table the policy reads (PostgreSQL records each as a dependency)
           array(select a2.attname::text from pg_catalog.pg_depend d
                 join pg_catalog.pg_attribute a2 on a2.attrelid = d.refobjid and a2.attnum = d.refobjsubid
                 where d.classid = 'pg_catalog.pg_policy'::regclass and d.objid = p.oid
                   and d.refobjid = p.polrelid and d.refobjsubid > 0) as reads
    from pending_tables t
    join pg_catalog.pg_policy p on p.polrelid = t.rel
    join pg_catalog.pg_class c on c.oid = t.rel
    left join pg_catalog.pg_attribute a on a.attrelid = t.rel and a.attname = t.col
),

stripped as (
    select p.*,
           pg_catalog.regexp_replace(p.qual, w.pattern, '\1', 'g') as new_qual,
           pg_catalog.regexp_replace(p.check_expr, w.pattern, '\1', 'g') as new_check
    from policies p,
         -- `( SELECT f() AS f)`, `( SELECT (f())::text AS f)`: an argumentless schema-qualified call, alone
         (select '\( SELECT (\(?[a-z_]+\.[a-z_]+\(\)\)?(?:::[a-z]+)?) AS [a-z_]+\)'::text as pattern) w
    where p.qual ~ 'SELECT' or p.check_expr ~ 'SELECT'
),

wrapped as (
    -- one function per expression that still has a subquery: citus_<policy>, and citus_<policy>_check for a
    -- different WITH CHECK; the expression's references to the row's key become the parameter of that name
    select w.*,
           pg_catalog.format('dreamcut_private.%I(%s)', w.fn, w.coltype) as signature,
           pg_catalog.format(
               E'create function dreamcut_private.%1$I(%2$I %3$s) returns boolean language plpgsql stable '
               'set search_path = \'\' set citus.allow_nested_distributed_execution = on as %4$L;\n'
               'comment on function dreamcut_private.%1$I(%3$s) is %5$L;\n'
               'revoke all on function dreamcut_private.%1$I(%3$s) from public;\n'
               'grant execute on function dreamcut_private.%1$I(%3$s) to anon, authenticated, service_role',
               w.fn, w.col, w.coltype,
               E'#variable_conflict use_variable\nbegin\n    return ' || w.body || E';\nend',
               pg_catalog.format(
                   'The %s expression of policy %s on %s on a Citus coordinator (created by dreamcut-db distribute, '
                   'dropped by distribute --undo; docs/distributed.md): %s is the row''s %s; returns whether the '
                   'caller may see or write the row; raises nothing of its own. Implements no product document.',
                   case w.which when 'using' then 'USING' else 'WITH CHECK' end, w.polname, w.tbl, w.col, w.col)
           ) as definition
    from (
        select s.polid, s.polname, s.tbl, s.col, s.coltype, e.which,
               pg_catalog.format('citus_%s%s', case when s.polname like s.relname || '\_%' then s.polname
                                                     else s.relname || '_' || s.polname end,
                                 case when e.which = 'check' and s.qual is not null and s.check_expr is distinct from s.qual
                                      then '_check'
                                      else '' end) as fn,
               pg_catalog.regexp_replace(e.expr, pg_catalog.format('\m%s\.%s\M', s.relname, s.col), s.col, 'g')
                   as body
        from stripped s,
             lateral (values ('using', s.qual, s.new_qual), ('check', s.check_expr, s.new_check)) as e(which, expr, new)
        where e.new ~ 'SELECT' and s.reads <@ array[s.col::text]
    ) w
),

rewritten as (
    select s.*,
           case when u.fn is null then s.new_qual
                else pg_catalog.format('dreamcut_private.%I(%I)', u.fn, s.col) end as final_qual,
           case when c.fn is null then s.new_check
                else pg_catalog.format('dreamcut_private.%I(%I)', c.fn, s.col) end as final_check,
           pg_catalog.concat_ws(E';\n', u.definition,
                                case when c.fn is distinct from u.fn then c.definition end) as create_fns,
           pg_catalog.concat_ws(E';\n', 'drop function ' || u.signature,
                                case when c.fn is distinct from u.fn then 'drop function ' || c.signature end)
               as drop_fns
    from stripped s
    left join wrapped u on u.polid = s.polid and u.which = 'using'
    left join wrapped c on c.polid = s.polid and c.which = 'check'
),

-- Constraints Citus refuses on a distributed table (its own errors name one at a time; these name them all).
key_of as (
    select t.module, t.tbl, t.rel, t.how, a.attnum as keynum, t.col
    from pending_tables t left join pg_catalog.pg_attribute a on a.attrelid = t.rel and a.attname = t.col
),

blocked as (
    select k.module, k.tbl as object,
           pg_catalog.format('%s has no column %s to distribute by', k.tbl, k.col) as detail
    from key_of k where k.how = 'distributed' and k.keynum is null
    union all
    select k.module, k.tbl, pg_catalog.format(
               '%s %s does not include the distribution column %s: %s', k.tbl,
               case when c.contype = 'p' then 'primary key' when c.contype = 'x' then 'exclusion constraint'
                    else 'unique constraint' end || ' ' || c.conname, k.col, pg_catalog.pg_get_constraintdef(c.oid))
    from key_of k join pg_catalog.pg_constraint c on c.conrelid = k.rel
    where k.how = 'distributed' and c.contype in ('p', 'u', 'x') and not k.keynum = any(c.conkey)
    union all
    select k.module, k.tbl, pg_catalog.format(
               '%s unique index %s does not include the distribution column %s: %s', k.tbl,
               i.indexrelid::regclass, k.col, pg_catalog.pg_get_indexdef(i.indexrelid))
    from key_of k join pg_catalog.pg_index i on i.indrelid = k.rel
    where k.how = 'distributed' and i.indisunique
      and not exists (select from pg_catalog.pg_constraint c where c.conindid = i.indexrelid and c.conrelid = k.rel)
      and not k.keynum = any(i.indkey::int2[])
    union all
    select k.module, k.tbl, pg_catalog.format(
               '%s foreign key %s does not pair the distribution column %s with %s''s: %s', k.tbl, c.conname,
               k.col, c.confrelid::regclass, pg_catalog.pg_get_constraintdef(c.oid))
    from key_of k
    join pg_catalog.pg_constraint c on c.conrelid = k.rel and c.contype = 'f'
    join key_of target on target.rel = c.confrelid
    join pg_catalog.pg_attribute ta on ta.attrelid = target.rel and ta.attname = target.col
    where k.how = 'distributed' and target.how = 'distributed'
      and not exists (select from unnest(c.conkey, c.confkey) as pair(child, parent)
                      where pair.child = k.keynum and pair.parent = ta.attnum)
    union all
    select k.module, k.tbl, pg_catalog.format(
               '%s foreign key %s sets the distribution column %s to %s on delete: %s', k.tbl, c.conname, k.col,
               case c.confdeltype when 'n' then 'null' else 'its default' end, pg_catalog.pg_get_constraintdef(c.oid))
    from key_of k join pg_catalog.pg_constraint c on c.conrelid = k.rel and c.contype = 'f'
    where k.how = 'distributed' and c.confdeltype in ('n', 'd') and k.keynum = any(c.conkey)
      and (c.confdelsetcols is null or k.keynum = any(c.confdelsetcols))
    union all
    select r.module, r.tbl, pg_catalog.format(
               'policy %s on %s filters by a subquery, which Citus cannot run on a distributed table: %s',
               r.polname, r.tbl, coalesce(r.final_qual, r.final_check))
    from rewritten r
    where r.final_qual ~ 'SELECT' or r.final_check ~ 'SELECT'
),

-- Foreign keys from a table to one distributed with or after it (a cycle: scene_shots and shot_images point at
-- each other): Citus needs the target distributed first, so they are set aside and restored afterwards.
forward_keys as (
    select t.module, t.tbl, c.conname, pg_catalog.pg_get_constraintdef(c.oid) as definition
    from pending_tables t
    join pg_catalog.pg_constraint c on c.conrelid = t.rel and c.contype = 'f'
    join pending_tables target on target.rel = c.confrelid and target.ord >= t.ord
),

current_settings as (
    select pg_catalog.split_part(c, '=', 1) as name, pg_catalog.substr(c, pg_catalog.strpos(c, '=') + 1) as value
    from pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) as c
    where s.setrole = 0 and s.setdatabase = (select oid from pg_catalog.pg_database where datname = current_database())
),

worker_nologin as (
    -- API roles that cannot log in on some worker (Citus connects to the workers as the current user)
    select r.rolname
    from api_roles r
    where exists (
        select from pg_catalog.run_command_on_workers(pg_catalog.format(
            'select rolcanlogin from pg_catalog.pg_roles where rolname = %L', r.rolname)) w
        where w.result is distinct from 't')
),

steps (ord, kind, object, module, detail, spec, statement, undo) as (
    select 0, 'blocked', b.object, b.module, b.detail, '{}'::jsonb, null::text, null::text from blocked b
    union all
    select 1, 'setting', s.name, 'platform', pg_catalog.format('%s = %s: %s', s.name, s.value, s.why),
           pg_catalog.jsonb_build_object('value', s.value),
           pg_catalog.format('alter database %I set %s = %L', current_database(), s.name, s.value),
           case when c.value is null then pg_catalog.format('alter database %I reset %s', current_database(), s.name)
                else pg_catalog.format('alter database %I set %s = %L', current_database(), s.name, c.value) end
    from settings s left join current_settings c using (name)
    where c.value is distinct from s.value
    union all
    select 8, 'worker login', r.rolname, 'platform',
           pg_catalog.format('%s may log in on the workers (Citus connects to them as the current user)', r.rolname),
           '{}'::jsonb,
           -- without DDL propagation: a worker would pass the role change on to every node, the coordinator too
           pg_catalog.format('select * from pg_catalog.run_command_on_workers(%L)', pg_catalog.format(
               'set local citus.enable_ddl_propagation = off; alter role %I login', r.rolname)),
           pg_catalog.format('select * from pg_catalog.run_command_on_workers(%L)', pg_catalog.format(
               'set local citus.enable_ddl_propagation = off; alter role %I nologin', r.rolname))
    from worker_nologin r
    union all
    select 2, 'pre-request', 'public.citus_pre_request()', 'platform',
           'PostgREST''s db-pre-request: re-issues the request''s claims and headers as SET LOCAL, which Citus '
           'propagates to the workers', '{}'::jsonb,
           '@pre_request.sql', 'drop function if exists public.citus_pre_request()'
    where pg_catalog.to_regprocedure('public.citus_pre_request()') is null
    union all
    select 3, 'postgrest setting', 'authenticator', 'platform',
           'pgrst.db_pre_request = public.citus_pre_request for PostgREST connecting as authenticator',
           pg_catalog.jsonb_build_object('value', 'public.citus_pre_request'),
           pg_catalog.format('alter role authenticator in database %I set pgrst.db_pre_request = %L',
                             current_database(), 'public.citus_pre_request'),
           pg_catalog.format('alter role authenticator in database %I reset pgrst.db_pre_request', current_database())
    where exists (select from pg_catalog.pg_roles where rolname = 'authenticator')
      and not exists (
          select from pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c
          where s.setrole = (select oid from pg_catalog.pg_roles where rolname = 'authenticator')
            and s.setdatabase = (select oid from pg_catalog.pg_database where datname = current_database())
            and c = 'pgrst.db_pre_request=public.citus_pre_request')
    union all
    select 4, 'policy', pg_catalog.format('%s on %s', r.polname, r.tbl), r.module,
           pg_catalog.concat_ws(', ', 'using ' || r.final_qual, 'with check ' || r.final_check),
           pg_catalog.jsonb_build_object('table', r.tbl, 'policy', r.polname),
           pg_catalog.concat_ws(E';\n', nullif(r.create_fns, ''),
               pg_catalog.format('alter policy %I on %s', r.polname, r.tbl)
               || coalesce(' using (' || r.final_qual || ')', '')
               || coalesce(' with check (' || r.final_check || ')', '')),
           pg_catalog.concat_ws(E';\n',
               pg_catalog.format('alter policy %I on %s', r.polname, r.tbl)
               || coalesce(' using (' || r.qual || ')', '') || coalesce(' with check (' || r.check_expr || ')', ''),
               nullif(r.drop_fns, ''))
    from rewritten r
    where not (coalesce(r.final_qual, '') ~ 'SELECT' or coalesce(r.final_check, '') ~ 'SELECT')
    union all
    select 5 + t.ord / 1000.0, t.how || ' table', t.tbl, t.module,
           case when t.how = 'reference' then 'a copy on every node'
                when t.root is null then pg_catalog.format('by %s, root of its family', t.col)
                else pg_catalog.format('by %s, co-located with %s', t.col, t.root) end,
           pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object('column', t.col, 'colocate_with', t.root)),
           case when t.how = 'reference' then pg_catalog.format('select pg_catalog.create_reference_table(%L)', t.tbl)
                else pg_catalog.format('select pg_catalog.create_distributed_table(%L, %L, colocate_with => %L)',
                                       t.tbl, t.col, coalesce(t.root, 'none')) end,
           -- undistributing one table of a family undistributes the family (its foreign keys), so later ones
           -- find theirs done
           pg_catalog.format('select pg_catalog.undistribute_table(%L, cascade_via_foreign_keys => true) '
                             'from pg_catalog.pg_dist_partition where logicalrelid = %L::regclass', t.tbl, t.tbl)
    from pending_tables t
    union all
    select 4.5, 'foreign key set aside', pg_catalog.format('%s on %s', k.conname, k.tbl), k.module,
           'until its target is distributed', '{}'::jsonb,
           pg_catalog.format('alter table %s drop constraint %I', k.tbl, k.conname),
           pg_catalog.format('alter table %s add constraint %I %s', k.tbl, k.conname, k.definition)
    from forward_keys k
    union all
    select 5.9, 'foreign key restored', pg_catalog.format('%s on %s', k.conname, k.tbl), k.module,
           k.definition, '{}'::jsonb,
           pg_catalog.format('alter table %s add constraint %I %s', k.tbl, k.conname, k.definition),
           pg_catalog.format('alter table %s drop constraint %I', k.tbl, k.conname)
    from forward_keys k
    union all
    select 6, 'stays on the coordinator', p.tbl, p.module, 'a plain table on the coordinator', '{}'::jsonb,
           null, null
    from planned p where p.how = 'coordinator'
    union all
    select 7, 'delegated function', p.oid::regprocedure::text, d.module,
           pg_catalog.format('runs on the worker holding the rows of %s (co-located with %s)', d.arg, d.root),
           pg_catalog.jsonb_build_object('argument', d.arg, 'colocate_with', d.root),
           pg_catalog.format('select pg_catalog.create_distributed_function(%L, %L, colocate_with => %L, '
                             'force_delegation => true)', p.oid::regprocedure, d.arg, d.root),
           -- without a distribution argument the function is still propagated, but no longer delegated
           pg_catalog.format('select pg_catalog.create_distributed_function(%L)', p.oid::regprocedure)
    from delegated d join installed using (module)
    join pg_catalog.pg_proc p on p.oid::regprocedure::text like d.fn || '(%'
    where d.arg = any(p.proargnames)
      and not pg_catalog.has_function_privilege('anon', p.oid, 'execute')
      and not pg_catalog.has_function_privilege('authenticated', p.oid, 'execute')
      and not exists (select from pg_catalog.pg_dist_object o
                      where o.classid = 'pg_catalog.pg_proc'::regclass and o.objid = p.oid
                        and o.distribution_argument_index is not null)
)

select kind, object, module, detail, spec, statement, undo from steps order by ord, object
