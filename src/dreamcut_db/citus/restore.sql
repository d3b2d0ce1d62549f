-- dreamcut-db distribute --undo: what undistribute_table does not keep, as statements to run after it.
-- Citus rebuilds an undistributed table (and recreates the views on it), keeping columns, constraints, indexes,
-- triggers and policies but not the comments of the table and its columns, nor the views' comments and grants.
-- One statement per row, for the distributed tables the record lists and the views that depend on them.
with tables as (
    select to_regclass(r.object) as rel
    from dreamcut_private.citus_distribution r
    where r.kind in ('distributed table', 'reference table') and to_regclass(r.object) is not null
),

views as (
    select distinct v.oid as rel
    from tables t
    join pg_catalog.pg_depend d on d.refobjid = t.rel and d.classid = 'pg_catalog.pg_rewrite'::regclass
    join pg_catalog.pg_rewrite w on w.oid = d.objid
    join pg_catalog.pg_class v on v.oid = w.ev_class and v.relkind = 'v'
),

relations as (
    select rel from tables union select rel from views
)

select pg_catalog.format('comment on %s %s is %L',
                         case c.relkind when 'v' then 'view' else 'table' end, c.oid::regclass,
                         pg_catalog.obj_description(c.oid, 'pg_class'))
from relations r join pg_catalog.pg_class c on c.oid = r.rel
where pg_catalog.obj_description(c.oid, 'pg_class') is not null
union all
select pg_catalog.format('comment on column %s.%I is %L', a.attrelid::regclass, a.attname,
                         pg_catalog.col_description(a.attrelid, a.attnum))
from relations r join pg_catalog.pg_attribute a on a.attrelid = r.rel
where a.attnum > 0 and not a.attisdropped and pg_catalog.col_description(a.attrelid, a.attnum) is not null
union all
select pg_catalog.format('grant %s on table %s to %s', g.privilege_type, v.rel::regclass,
                         case when g.grantee = 0 then 'public' else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(g.grantee)) end)
from views v join pg_catalog.pg_class c on c.oid = v.rel, pg_catalog.aclexplode(c.relacl) g
where g.grantee <> c.relowner
