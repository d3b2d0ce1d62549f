-- create_content_triggers (video-pipeline-content-multimedia.md, "Status Tracking", "Audit Trail: revision
-- tracking for content"): updated_at, revision_count and the status workflow of cm_module_content, kept by
-- trigger so that direct table writes follow the same rules as the stored procedures.
-- depends: 0002_enable_content_rls_policies

create trigger trigger_cm_module_content_updated_at
before update on public.cm_module_content
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.cm_module_content_workflow() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if tg_op = 'INSERT' then
        if new.revision_count <> 0 then
            raise exception 'revision_count is kept by trigger: a new content starts at 0, got %', new.revision_count
            using errcode = '22023';
        end if;
        if new.status <> 'draft' then
            raise exception 'a new content starts in status draft (then draft -> quality_check -> approved), got %',
                new.status
            using errcode = '55000';
        end if;
        return new;
    end if;

    if new.revision_count <> old.revision_count then
        raise exception 'revision_count of content % is kept by trigger and cannot be set (from % to %)',
            old.content_id, old.revision_count, new.revision_count
        using errcode = '22023';
    end if;

    if (new.introduction, new.core_content, new.practical_applications, new.case_studies, new.assessments)
        is distinct from
        (old.introduction, old.core_content, old.practical_applications, old.case_studies, old.assessments) then
        if old.status not in ('draft', 'revision') then
            raise exception 'content % is in status %: its sections can change only in draft or revision '
                '(move it to revision first)', old.content_id, old.status
            using errcode = '55000';
        end if;
        new.revision_count := old.revision_count + 1;
    end if;

    if new.status is distinct from old.status then
        if (old.status, new.status) not in (
            ('draft', 'quality_check'),
            ('quality_check', 'approved'),
            ('quality_check', 'revision'),
            ('revision', 'quality_check'),
            ('approved', 'revision')
        ) then
            raise exception 'content % cannot move from status % to % (draft -> quality_check -> approved | '
                'revision; revision -> quality_check; approved -> revision)', old.content_id, old.status, new.status
            using errcode = '55000';
        end if;
        if new.status = 'quality_check' and concat(
            new.introduction, new.core_content, new.practical_applications, new.case_studies, new.assessments
        ) !~ '\S' then
            raise exception 'content % has no text in any section: nothing to check', old.content_id
            using errcode = '55000';
        end if;
    end if;
    return new;
end
$$;
comment on function dreamcut_private.cm_module_content_workflow() is
'BEFORE INSERT OR UPDATE trigger function on cm_module_content (video-pipeline-content-multimedia.md, "Status '
'tracking and revision management"). revision_count starts at 0 and is bumped by one for every update that '
'changes a section; it cannot be written directly (22023). A new content starts in draft (55000 otherwise). '
'Sections change only in status draft or revision '
'(55000). Status moves draft -> quality_check -> approved | revision, revision -> quality_check, approved -> '
'revision (else 55000); quality_check needs text in at least one section (55000). Returns the row.';
revoke all on function dreamcut_private.cm_module_content_workflow() from public;

create trigger trigger_cm_module_content_workflow
before insert or update on public.cm_module_content
for each row execute function dreamcut_private.cm_module_content_workflow();

create function dreamcut_private.cm_course_plan_employee_company() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_company uuid;
begin
    -- The foreign key to public.employees accepts an employee of any company. Where this module created
    -- employees (so their company_id is known), the plan's employee must be of the plan's company, like every
    -- other child row. Security definer: the caller's RLS hides other companies' employees, which must be seen
    -- to be refused. An application's own employees table is left to the application.
    if exists (
        select from dreamcut_private.package_owned_objects where kind = 'table' and name = 'public.employees'
    ) then
        select e.company_id into v_company from public.employees as e where e.id = new.employee_id;
        if v_company <> new.company_id then
            raise exception 'employee_id (p_employee_id) % is not an employee of company % (company_id, p_company_id)',
                new.employee_id, new.company_id
            using errcode = '23503';
        end if;
    end if;
    return new;
end
$$;
comment on function dreamcut_private.cm_course_plan_employee_company() is
'BEFORE INSERT OR UPDATE OF employee_id, company_id trigger function on cm_course_plans: where module content '
'created public.employees, raises 23503 when the plan''s employee belongs to another company than the plan (the '
'plain foreign key would accept it). Security definer, to see employees the caller''s RLS hides; it reads only '
'the employee''s company_id. An unknown employee is left to the foreign key (23503). Returns the row.';
revoke all on function dreamcut_private.cm_course_plan_employee_company() from public, anon, authenticated, service_role;

create trigger trigger_cm_course_plans_employee_company
before insert or update of employee_id, company_id on public.cm_course_plans
for each row execute function dreamcut_private.cm_course_plan_employee_company();
