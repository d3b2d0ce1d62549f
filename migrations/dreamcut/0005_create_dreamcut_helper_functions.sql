-- create_dreamcut_helper_functions (dreamcut-migration-summary.md, migration 5): the stored procedures of
-- dreamcut-production-schema.md "Worker Update Flow": initialize_dreamcut_query, update_asset_progress,
-- complete_dreamcut_query, plus fail_dreamcut_query.
-- depends: 0004_create_dreamcut_trigger_functions

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
