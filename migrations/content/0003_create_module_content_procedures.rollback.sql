drop function if exists public.search_module_content(text, integer, text, uuid);
drop function if exists public.get_content_sections(uuid, uuid);
drop function if exists public.get_module_content(uuid, uuid);
drop function if exists public.update_content_status(uuid, text, uuid);
drop function if exists public.update_module_section(uuid, text, text, uuid);
drop function if exists public.update_module_sections(uuid, jsonb, uuid);
drop function if exists public.create_module_content(text, text, text, jsonb, uuid, jsonb, text);
