drop table if exists dreamcut_private.security_events;
drop table if exists dreamcut_private.rate_limit_counters;
drop table if exists public.system_metrics;
