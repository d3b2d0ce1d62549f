do $$
declare
    v_table text;
    v_command text;
begin
    foreach v_table in array array[
        'storyboard_selections', 'shot_images', 'scene_shots', 'project_scenes', 'video_projects'
    ] loop
        if to_regclass('public.' || v_table) is not null then
            foreach v_command in array array['select', 'insert', 'update', 'delete'] loop
                execute format('drop policy if exists %I on public.%I', v_table || '_' || v_command || '_own', v_table);
            end loop;
            execute format('revoke all on table public.%I from anon, authenticated, service_role', v_table);
            execute format('alter table public.%I disable row level security', v_table);
        end if;
    end loop;
end
$$;
