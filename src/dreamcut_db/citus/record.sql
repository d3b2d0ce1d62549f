-- What dreamcut-db distribute did on this coordinator, one row per step (verify and --undo read it).
create table if not exists dreamcut_private.citus_distribution (
    step bigint generated always as identity primary key,
    kind text not null,
    object text not null,
    module text not null,
    detail text not null,
    spec jsonb not null default '{}',
    statement text not null,
    undo text not null,
    done_at timestamptz not null default now()
);
comment on table dreamcut_private.citus_distribution is
'What dreamcut-db distribute did on this Citus coordinator, in order: each step''s kind (setting, worker login, '
'policy, distributed table, delegated function, ...), object, module, spec (column, colocate_with, argument, value), the statement it ran and the one that '
'undoes it (dreamcut-db distribute --undo runs those newest first). dreamcut-db verify judges the database '
'against it.';
revoke all on table dreamcut_private.citus_distribution from public, anon, authenticated, service_role;
