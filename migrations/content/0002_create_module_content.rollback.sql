drop table if exists public.cm_module_content;
drop function if exists dreamcut_private.cm_module_content_workflow();
drop function if exists dreamcut_private.cm_module_content_new();
drop function if exists dreamcut_private.cm_section_word_counts(text, text, text, text, text);
drop function if exists dreamcut_private.cm_word_count(text);
drop function if exists public.cm_content_sections();
