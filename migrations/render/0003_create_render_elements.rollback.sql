drop table if exists public.elements;
drop function if exists dreamcut_private.refuse_element_move();
drop function if exists dreamcut_private.validate_element();
drop function if exists dreamcut_private.element_input_error(
    integer, integer, numeric, public.element_type, text, text, integer, integer, integer, integer, numeric, numeric,
    integer, jsonb
);
drop type if exists public.fit_mode;
drop type if exists public.element_type;
