do $$
declare
    v_table text;
begin
    foreach v_table in array array[
        'storyboard_selections', 'shot_images', 'scene_shots', 'project_scenes', 'video_projects'
    ] loop
        if exists (
            select from pg_catalog.pg_publication_tables
            where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = v_table
        ) then
            execute format('alter publication supabase_realtime drop table public.%I', v_table);
        end if;
    end loop;
end
$$;
