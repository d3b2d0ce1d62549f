-- create_dreamcut_trigger_functions (dreamcut-migration-summary.md, migration 4): updated_at, the position of
-- each new asset and message in its query, the per-query asset counters, completion detection
-- (check_query_completion) with conflict detection, and pg_notify. One small function per table and event: each
-- reads only its own table's columns and transition table, and reaches other rows by the query id.
-- depends: 0003_enable_dreamcut_rls_policies

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
