-- create_render_monitoring (video-platform-database.md, table system_metrics, "Rate limiting", "Audit
-- logging"): the performance samples (read by admins, written by service_role) and the two private tables of
-- check_rate_limit and log_security_event (rate-limit counters, security events: no API access but
-- service_role's SELECT and retention's DELETE), with their indexes, RLS, grants and policies.
-- depends: 0004_create_render_job_logs

create table public.system_metrics (
    id uuid primary key default gen_random_uuid(),
    metric_name text not null check (metric_name ~ '^[a-z][a-z0-9_.]{0,99}$'),
    metric_value numeric not null check (metric_value > '-Infinity' and metric_value < 'Infinity'),
    unit text check (length(unit) between 1 and 20),
    tags jsonb not null default '{}' check (jsonb_typeof(tags) = 'object'),
    warning_threshold numeric check (warning_threshold > '-Infinity' and warning_threshold < 'Infinity'),
    critical_threshold numeric check (critical_threshold > '-Infinity' and critical_threshold < 'Infinity'),
    recorded_at timestamptz not null default now()
);
comment on table public.system_metrics is
'Performance samples (video-platform-database.md, table system_metrics) with optional alert thresholds.';
comment on column public.system_metrics.metric_name is 'Lowercase dotted name, e.g. queue.depth or render.duration_ms.';
comment on column public.system_metrics.unit is 'Unit of metric_value, e.g. ms, bytes, percent, count.';
comment on column public.system_metrics.warning_threshold is
'Alert threshold. When warning_threshold <= critical_threshold, higher values are worse (warning at >= warning); '
'otherwise lower values are worse (warning at <= warning).';
comment on column public.system_metrics.critical_threshold is 'Critical alert threshold (see warning_threshold).';

create table dreamcut_private.rate_limit_counters (
    identifier text not null,
    window_seconds integer not null check (window_seconds > 0),
    window_start timestamptz not null,
    request_count integer not null default 0 check (request_count >= 0),
    updated_at timestamptz not null default now(),
    primary key (identifier, window_seconds, window_start)
);
comment on table dreamcut_private.rate_limit_counters is
'Fixed-window request counters of check_rate_limit: one row per identifier (e.g. a client address), window '
'length and window start, incremented with INSERT ... ON CONFLICT DO UPDATE so concurrent callers lose no count.';

create table dreamcut_private.security_events (
    id uuid primary key default gen_random_uuid(),
    event_type text not null check (event_type ~ '^[a-z][a-z0-9_.:-]{0,99}$'),
    details jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
    api_role text not null,
    user_id uuid,
    client_ip inet,
    created_at timestamptz not null default now()
);
comment on table dreamcut_private.security_events is
'Audit log of log_security_event (video-platform-database.md, "Audit logging"): the event, who caused it (role, '
'user, client address) and when.';

create index idx_system_metrics_name on public.system_metrics (metric_name, recorded_at desc);
-- (recorded_at, id), (created_at, id): the keysets of the retention batches (cleanup_old_metrics,
-- enforce_data_retention).
create index idx_system_metrics_recorded_at on public.system_metrics (recorded_at, id);
create index idx_rate_limit_counters_window_start on dreamcut_private.rate_limit_counters (window_start);
create index idx_security_events_created_at on dreamcut_private.security_events (created_at, id);
create index idx_security_events_type on dreamcut_private.security_events (event_type, created_at);

alter table public.system_metrics enable row level security;
alter table dreamcut_private.rate_limit_counters enable row level security;
alter table dreamcut_private.security_events enable row level security;
revoke all on table public.system_metrics, dreamcut_private.rate_limit_counters, dreamcut_private.security_events
from public, anon, authenticated, service_role;
grant select on table public.system_metrics to authenticated;
grant select, insert, update, delete on table public.system_metrics to service_role;
-- service_role reads them, and deletes what retention (enforce_data_retention) removes.
grant select, delete on table dreamcut_private.rate_limit_counters, dreamcut_private.security_events
to service_role;

create policy system_metrics_select_admin on public.system_metrics
for select to authenticated
using ((select dreamcut_private.is_admin()));
comment on policy system_metrics_select_admin on public.system_metrics is 'Only admins read metrics through the API.';

-- The private tables say who may do what through RLS too: nobody but their writers (check_rate_limit and
-- log_security_event, as the owner) and service_role (BYPASSRLS).
create policy rate_limit_counters_none on dreamcut_private.rate_limit_counters
as restrictive for all to public
using (false) with check (false);
comment on policy rate_limit_counters_none on dreamcut_private.rate_limit_counters is
'No row for any role subject to RLS: check_rate_limit (security definer) keeps the counters; service_role '
'(BYPASSRLS) reads them and retention deletes them.';
create policy security_events_none on dreamcut_private.security_events
as restrictive for all to public
using (false) with check (false);
comment on policy security_events_none on dreamcut_private.security_events is
'No row for any role subject to RLS: log_security_event (security definer) writes the events; service_role '
'(BYPASSRLS) reads them and retention deletes them.';
