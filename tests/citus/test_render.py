"""The render worker flow (video-platform-database.md) on the distributed database, as the render service runs it:
each call its own request as ``service_role`` (PostgREST's role switch, no end-user claims), jobs keyed by
``job_id`` spread over both workers. Create, add elements, claim (processing), the timeline steps (delegated to
the job's worker), element status, progress, completion, storage and URL logs; the timeout of stale jobs across
every shard; then ``verify`` on the distributed database."""

from __future__ import annotations

from citus_helpers import as_role, on_both_workers
from helpers import raises_sqlstate

from dreamcut_db import verify
from dreamcut_db.modules import MigrationSet


def call(conn, sql: str, params=()):
    """One request of the render service: ``sql`` in its own transaction as service_role; its first value."""
    with as_role(conn, "service_role"):
        row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


def new_jobs(conn, n: int) -> list[str]:
    """At least ``n`` jobs created by the render API's call, on both workers."""
    return on_both_workers(conn, "public.jobs", lambda: call(
        conn, "select public.create_job('mp4', 1280, 720, 30, '203.0.113.10'::inet, 'render-api', "
              "'{\"template\": \"promo\"}', p_duration_seconds => 10)"), n)


def test_render_worker_flow_end_to_end(service, citus_url):
    jobs = new_jobs(service, 8)
    for job in jobs:
        image = call(service, "select public.add_job_element(%s, 'image', 'https://cdn.example.com/a.png', "
                              "p_duration => 4)", (job,))
        audio, title = call(service, "select public.add_job_elements(%s, '[{\"type\": \"audio\", \"source_url\": "
                                     "\"https://cdn.example.com/a.mp3\"}, {\"type\": \"text\", \"text_content\": "
                                     "\"Launch\", \"start_time\": 1}]')", (job,))
        call(service, "select public.update_job_status(%s, 'processing')", (job,))  # claimed by a worker
        check = call(service, "select public.start_processing_step(%s, 'validation', '{\"worker\": \"w1\"}')",
                     (job,))
        assert call(service, "select public.complete_processing_step(%s, true, p_job_id => %s)", (check, job)) == 5
        step = call(service, "select public.start_processing_step(%s, 'download')", (job,))
        call(service, "select public.update_element_status(%s, 'completed', '/cache/a.png', p_job_id => %s)",
             (image, job))
        call(service, "select public.update_element_status(%s, 'completed', '/cache/a.mp3')", (audio,))
        call(service, "select public.update_element_status(%s, 'failed', null, 'font missing', p_job_id => %s)",
             (title, job))
        assert call(service, "select public.complete_processing_step(%s)", (step,)) == 20
        call(service, "select public.update_job_progress(%s, 60, 'encoding')", (job,))
        with raises_sqlstate("55000"):
            call(service, "select public.update_job_progress(%s, 50)", (job,))
        encode = call(service, "select public.start_processing_step(%s, 'encoding')", (job,))
        assert call(service, "select public.complete_processing_step(%s)", (encode,)) == 60
        call(service, "select public.log_storage_operation(%s, 'upload', 'renders', 'out/' || %s || '.mp4', true, "
                      "2048, 120)", (job, job))
        call(service, "select public.complete_job(%s, 'https://cdn.example.com/out.mp4', 2048, 'renders', "
                      "'out/x.mp4')", (job,))
        call(service, "select public.log_url_access(%s, 'https://cdn.example.com/out.mp4', '192.0.2.7')", (job,))
    rows = service.execute(
        "select j.status::text, j.progress_percentage, j.current_step::text, "
        "       (select array_agg(e.processing_status::text order by e.layer_order, e.type) from public.elements e "
        "        where e.job_id = j.id), "
        "       (select array_agg(t.step::text || ':' || t.success order by t.started_at) "
        "        from public.processing_timeline t where t.job_id = j.id), "
        "       (select count(*) from public.storage_operations s where s.job_id = j.id), "
        "       (select count(*) from public.url_access_logs u where u.job_id = j.id) "
        "from public.jobs j where j.id = any(%s::uuid[])", (jobs,)).fetchall()
    assert len(rows) == len(jobs)
    for status, progress, step, elements, timeline, stored, accessed in rows:
        assert (status, progress, step) == ("completed", 100, "encoding")
        assert sorted(elements) == ["completed", "completed", "failed"]
        assert timeline == ["validation:true", "download:true", "encoding:true"]
        assert (stored, accessed) == (1, 1)
    assert call(service, "select public.calculate_job_progress(%s)", (jobs[0],)) == 100


def test_timeout_stale_jobs_on_every_shard(service):
    """timeout_stale_jobs (the maintenance worker) finds stale jobs on both workers' shards and leaves the rest."""
    stale, busy = new_jobs(service, 6), new_jobs(service, 2)
    for job in stale + busy:
        call(service, "select public.update_job_status(%s, 'processing')", (job,))
    # as the superuser: started two hours ago; busy ones reported a step a minute ago
    service.execute("update public.jobs set started_at = now() - interval '2 hours', "
                    "created_at = now() - interval '3 hours' where id = any(%s::uuid[])", (stale + busy,))
    for job in busy:
        service.execute("insert into public.processing_timeline (job_id, step, started_at) "
                        "values (%s, 'encoding', now() - interval '1 minute')", (job,))
    assert call(service, "select public.timeout_stale_jobs()") == len(stale)
    status = dict(service.execute("select id, status::text from public.jobs where id = any(%s::uuid[])",
                                  (stale + busy,)).fetchall())
    assert {status[j] for j in stale} == {"timeout"} and {status[j] for j in busy} == {"processing"}


def test_verify_passes_on_the_distributed_database(citus_url):
    assert verify.verify(citus_url, MigrationSet.load()) == []
