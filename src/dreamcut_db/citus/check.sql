-- dreamcut-db verify on a distributed database: what dreamcut_private.citus_distribution records and the
-- cluster no longer holds, one problem line each (steps of modules no longer installed are not judged).
with record as (
    select r.kind, r.object, r.spec,
           -- (to_regclass and to_regprocedure raise on text that is no such name: only on the kinds that are)
           case when r.kind like '% table' then to_regclass(r.object) end as rel,
           case when r.kind = 'delegated function' then pg_catalog.to_regprocedure(r.object) end as fn
    from dreamcut_private.citus_distribution r
    where r.module in (select module from dreamcut_private.installed_modules)
      and r.kind in ('distributed table', 'reference table', 'delegated function', 'setting', 'worker login')
),

current_settings as (
    select pg_catalog.split_part(c, '=', 1) as name, pg_catalog.substr(c, pg_catalog.strpos(c, '=') + 1) as value
    from pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) as c
    where s.setrole = 0 and s.setdatabase = (select oid from pg_catalog.pg_database where datname = current_database())
)

select pg_catalog.format('%s %s: is missing', r.kind, r.object)
from record r where r.kind like '% table' and r.rel is null
union all
select pg_catalog.format('%s %s: is not distributed', r.kind, r.object)
from record r
where r.kind like '% table' and r.rel is not null
  and not exists (select from pg_catalog.pg_dist_partition d where d.logicalrelid = r.rel)
union all
select pg_catalog.format('%s %s: is distributed by %s, expected %s', r.kind, r.object,
                         coalesce(pg_catalog.column_to_column_name(d.logicalrelid, d.partkey), 'none (a reference table)'),
                         coalesce(r.spec ->> 'column', 'none (a reference table)'))
from record r join pg_catalog.pg_dist_partition d on d.logicalrelid = r.rel
where r.kind like '% table'
  and pg_catalog.column_to_column_name(d.logicalrelid, d.partkey) is distinct from r.spec ->> 'column'
union all
select pg_catalog.format('%s %s: is not co-located with %s', r.kind, r.object, r.spec ->> 'colocate_with')
from record r
join pg_catalog.pg_dist_partition d on d.logicalrelid = r.rel
left join pg_catalog.pg_dist_partition root on root.logicalrelid = to_regclass(r.spec ->> 'colocate_with')
where r.kind = 'distributed table' and r.spec ? 'colocate_with' and d.colocationid is distinct from root.colocationid
union all
select pg_catalog.format('delegated function %s: is missing', r.object)
from record r where r.kind = 'delegated function' and r.fn is null
union all
select pg_catalog.format('delegated function %s: is not delegated by %s with %s', r.object, r.spec ->> 'argument',
                         r.spec ->> 'colocate_with')
from record r
where r.kind = 'delegated function' and r.fn is not null
  and not exists (
      select from pg_catalog.pg_dist_object o
      join pg_catalog.pg_proc p on p.oid = o.objid
      join pg_catalog.pg_dist_partition root on root.logicalrelid = to_regclass(r.spec ->> 'colocate_with')
      where o.classid = 'pg_catalog.pg_proc'::regclass and o.objid = r.fn
        and p.proargnames[o.distribution_argument_index + 1] = r.spec ->> 'argument'
        and o.colocationid = root.colocationid and o.force_delegation)
union all
select pg_catalog.format('setting %s: is %s on database %s, expected %s', r.object, coalesce(c.value, 'not set'),
                         current_database(), r.spec ->> 'value')
from record r left join current_settings c on c.name = r.object
where r.kind = 'setting' and c.value is distinct from r.spec ->> 'value'
union all
select pg_catalog.format('worker login %s: cannot log in on worker %s:%s', r.object, w.nodename, w.nodeport)
from record r,
     pg_catalog.run_command_on_workers(pg_catalog.format(
         'select rolcanlogin from pg_catalog.pg_roles where rolname = %L', r.object)) w
where r.kind = 'worker login' and w.result is distinct from 't'
