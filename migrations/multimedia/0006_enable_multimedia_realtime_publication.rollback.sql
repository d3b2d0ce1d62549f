do $$
declare
    v_table text;
begin
    foreach v_table in array array['mm_rendering_queue', 'mm_multimedia_sessions'] loop
        if exists (
            select from pg_catalog.pg_publication_tables
            where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = v_table
        ) then
            execute format('alter publication supabase_realtime drop table public.%I', v_table);
        end if;
    end loop;
end
$$;
