drop function if exists public.check_rate_limit(text, integer, interval);
drop function if exists public.log_security_event(text, jsonb);
