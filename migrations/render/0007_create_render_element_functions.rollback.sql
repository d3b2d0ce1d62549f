drop function if exists public.update_element_status(uuid, text, text, text, uuid);
drop function if exists public.add_job_elements(uuid, jsonb);
drop function if exists public.add_job_element(
    uuid, public.element_type, text, numeric, numeric, integer, integer, integer, integer, public.fit_mode, integer,
    text, jsonb
);
