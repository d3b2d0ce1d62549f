-- create_dreamcut_trigger_functions (dreamcut-migration-summary.md, migration 4): updated_at, the per-query
-- asset counters, completion detection (check_query_completion) with conflict detection, and pg_notify.
-- depends: 0003_enable_dreamcut_rls_policies

create trigger trigger_dreamcut_queries_updated_at
before update on public.dreamcut_queries
for each row execute function dreamcut_private.update_updated_at_column();

create trigger trigger_dreamcut_assets_updated_at
before update on public.dreamcut_assets
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.count_query_assets() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if tg_op = 'INSERT' then
        -- Lock the queries first (the UPDATE below needs the lock anyway), so that the state checked is the
        -- committed one: an asset cannot join a query whose last asset has just finished.
        perform 1 from public.dreamcut_queries as q
        where q.id in (select n.query_id from new_assets as n)
        order by q.id
        for no key update;
        if exists (
            select from public.dreamcut_queries as q
            where q.id in (select n.query_id from new_assets as n)
                and (q.status <> 'processing' or q.stage not in ('init', 'analyzing'))
        ) then
            raise exception 'assets can only be added to a query that is still in stage init or analyzing'
            using errcode = '55000';
        end if;
        update public.dreamcut_queries as q
        set asset_count = q.asset_count + n.assets,
            assets_finished = q.assets_finished + n.finished,
            asset_progress_total = q.asset_progress_total + n.progress
        from (
            select
                query_id,
                count(*) as assets,
                count(*) filter (where status in ('completed', 'failed')) as finished,
                sum(case when status = 'failed' then 100 else progress end) as progress
            from new_assets group by query_id
        ) as n
        where q.id = n.query_id;
    else
        update public.dreamcut_queries as q
        set asset_count = q.asset_count - o.assets,
            assets_finished = q.assets_finished - o.finished,
            asset_progress_total = q.asset_progress_total - o.progress
        from (
            select
                query_id,
                count(*) as assets,
                count(*) filter (where status in ('completed', 'failed')) as finished,
                sum(case when status = 'failed' then 100 else progress end) as progress
            from old_assets group by query_id
        ) as o
        where q.id = o.query_id;
        -- Deleting the last unfinished assets finishes the analysis: the query moves to merging, once.
        with merged as (
            update public.dreamcut_queries as q
            set stage = 'merging', progress = 90
            where q.id in (select o.query_id from old_assets as o)
                and q.status = 'processing' and q.stage in ('init', 'analyzing')
                and q.asset_count > 0 and q.assets_finished = q.asset_count
            returning q.id
        )
        insert into public.dreamcut_messages (query_id, type, emoji, content)
        select merged.id, 'merge', '🏁', 'Combining query + assets into creative brief...' from merged;
    end if;
    return null;
end
$$;
comment on function dreamcut_private.count_query_assets() is
'Statement-level AFTER INSERT / AFTER DELETE trigger function on dreamcut_assets: keeps asset_count, '
'assets_finished and asset_progress_total of each affected query equal to its assets, in one UPDATE per '
'statement; when a delete leaves only finished assets, moves the query to merging with its merge message. '
'Raises 55000 when assets are added to a query past stage analyzing.';
revoke all on function dreamcut_private.count_query_assets() from public;

create trigger trigger_dreamcut_assets_count_insert
after insert on public.dreamcut_assets
referencing new table as new_assets
for each statement execute function dreamcut_private.count_query_assets();

create trigger trigger_dreamcut_assets_count_delete
after delete on public.dreamcut_assets
referencing old table as old_assets
for each statement execute function dreamcut_private.count_query_assets();

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
    if new.query_id <> old.query_id then
        raise exception 'asset % cannot move to another query', old.id using errcode = '55000';
    end if;
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
'trim it". Raises 55000 when an asset is moved to another query.';
revoke all on function dreamcut_private.check_query_completion() from public;

create trigger trigger_check_query_completion
after update on public.dreamcut_assets
for each row execute function dreamcut_private.check_query_completion();

create function dreamcut_private.notify_dreamcut_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if tg_level = 'STATEMENT' then
        -- Assets inserted (initialize_dreamcut_query writes up to 1000 in one statement): one notification per
        -- query with the number of new assets, not one per asset.
        perform pg_notify(
            'dreamcut_assets:' || n.query_id,
            json_build_object('query_id', n.query_id, 'inserted', count(*))::text
        )
        from new_assets as n
        group by n.query_id;
    elsif tg_table_name = 'dreamcut_queries' then
        perform pg_notify(
            'dreamcut_queries:' || new.id,
            json_build_object('id', new.id, 'stage', new.stage, 'status', new.status, 'progress', new.progress)::text
        );
    elsif tg_table_name = 'dreamcut_assets' then
        perform pg_notify(
            'dreamcut_assets:' || new.query_id,
            json_build_object('id', new.id, 'query_id', new.query_id, 'status', new.status, 'progress', new.progress)::text
        );
    else
        perform pg_notify(
            'dreamcut_messages:' || new.query_id,
            json_build_object('id', new.id, 'query_id', new.query_id, 'seq', new.seq, 'type', new.type)::text
        );
    end if;
    return null;
end
$$;
comment on function dreamcut_private.notify_dreamcut_change() is
'AFTER INSERT / UPDATE trigger function: pg_notify on the channels of dreamcut-production-schema.md for '
'plain-PostgreSQL listeners (dreamcut-db watch), with small JSON payloads of ids, status and progress (never the '
'row''s JSON documents): dreamcut_queries:<id> {id, stage, status, progress} when a query is created or its '
'stage, status or progress changes; dreamcut_assets:<query_id> {id, query_id, status, progress} per updated asset '
'and {query_id, inserted} once per statement that inserts assets; dreamcut_messages:<query_id> {id, query_id, '
'seq, type} per message. The triggers fire unless the setting dreamcut.notify is ''off'' (e.g. alter database '
'... set dreamcut.notify = off on Supabase, where Realtime reads the publication supabase_realtime instead).';
revoke all on function dreamcut_private.notify_dreamcut_change() from public;

create trigger trigger_dreamcut_queries_notify_insert
after insert on public.dreamcut_queries
for each row
when (current_setting('dreamcut.notify', true) is distinct from 'off')
execute function dreamcut_private.notify_dreamcut_change();

create trigger trigger_dreamcut_queries_notify_update
after update on public.dreamcut_queries
for each row
when (
    -- three comparisons, not one of rows: a row comparison deparses to nested ORs that pg_dump restores flattened
    (old.stage is distinct from new.stage or old.status is distinct from new.status or old.progress is distinct from new.progress)
    and current_setting('dreamcut.notify', true) is distinct from 'off'
)
execute function dreamcut_private.notify_dreamcut_change();

create trigger trigger_dreamcut_assets_notify_insert
after insert on public.dreamcut_assets
referencing new table as new_assets
for each statement
when (current_setting('dreamcut.notify', true) is distinct from 'off')
execute function dreamcut_private.notify_dreamcut_change();

create trigger trigger_dreamcut_assets_notify_update
after update on public.dreamcut_assets
for each row
when (current_setting('dreamcut.notify', true) is distinct from 'off')
execute function dreamcut_private.notify_dreamcut_change();

create trigger trigger_dreamcut_messages_notify
after insert on public.dreamcut_messages
for each row
when (current_setting('dreamcut.notify', true) is distinct from 'off')
execute function dreamcut_private.notify_dreamcut_change();
