drop function if exists public.check_rate_limit(text, integer, interval);
drop function if exists public.log_security_event(text, jsonb);
drop function if exists public.enforce_data_retention(integer, integer, integer, integer);
drop procedure if exists public.cleanup_old_metrics_in_batches(integer, integer, integer);
drop procedure if exists public.cleanup_old_jobs_in_batches(integer, integer, integer);
drop function if exists public.cleanup_old_metrics(integer, integer);
drop function if exists public.cleanup_old_jobs(integer, integer);
drop function if exists dreamcut_private.delete_old_metrics_batch(integer, integer, timestamptz, uuid, integer);
drop function if exists dreamcut_private.delete_old_jobs_batch(integer, integer, timestamptz, uuid, integer);
drop function if exists dreamcut_private.retention_cutoff(text, integer, integer);
drop function if exists public.get_storage_statistics(timestamptz, timestamptz);
drop function if exists public.get_job_statistics(timestamptz, timestamptz);
drop function if exists public.record_system_metric(text, numeric, text, jsonb, numeric, numeric);
drop function if exists public.log_url_access(uuid, text, inet, text, text, text, jsonb, bigint, integer, integer);
drop function if exists public.log_storage_operation(
    uuid, public.storage_operation, text, text, boolean, bigint, integer, text, jsonb
);
drop function if exists public.update_element_status(uuid, text, text, text);
drop function if exists public.complete_processing_step(uuid, boolean, text, jsonb, jsonb);
drop function if exists public.start_processing_step(uuid, public.processing_step, jsonb);
drop function if exists public.calculate_job_duration(uuid);
drop function if exists public.calculate_job_progress(uuid);
drop function if exists public.timeout_stale_jobs(interval, interval);
drop function if exists public.cancel_job(uuid, text);
drop function if exists public.complete_job(uuid, text, bigint, text, text, timestamptz);
drop function if exists public.update_job_progress(uuid, integer, public.processing_step);
drop function if exists public.update_job_status(uuid, public.job_status, text, text);
drop function if exists public.add_job_elements(uuid, jsonb);
drop function if exists public.add_job_element(
    uuid, public.element_type, text, numeric, numeric, integer, integer, integer, integer, public.fit_mode, integer,
    text, jsonb
);
drop function if exists public.create_job(
    text, integer, integer, numeric, inet, text, jsonb, public.response_type, numeric, uuid
);
drop function if exists dreamcut_private.require_admin_or_service(text);
drop function if exists dreamcut_private.element_input_error(
    integer, integer, numeric, public.element_type, text, text, integer, integer, integer, integer, numeric, numeric,
    integer, jsonb
);
drop function if exists dreamcut_private.can_subscribe_to_job(uuid);
drop function if exists dreamcut_private.client_ip();
drop function if exists dreamcut_private.request_header(text);
drop function if exists dreamcut_private.is_admin();
drop function if exists dreamcut_private.user_role();
