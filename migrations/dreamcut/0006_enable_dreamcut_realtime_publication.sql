-- enable_dreamcut_realtime_publication (dreamcut-migration-summary.md, migration 6): the three tables in
-- publication supabase_realtime, so the document's three postgres_changes channels work on Supabase.
-- depends: 0005_create_dreamcut_helper_functions

alter publication supabase_realtime add table public.dreamcut_queries, public.dreamcut_assets, public.dreamcut_messages;
