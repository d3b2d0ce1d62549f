drop trigger if exists trigger_cm_course_plans_employee_company on public.cm_course_plans;
drop function if exists dreamcut_private.cm_course_plan_employee_company();
drop trigger if exists trigger_cm_module_content_workflow on public.cm_module_content;
drop function if exists dreamcut_private.cm_module_content_workflow();
drop trigger if exists trigger_cm_module_content_updated_at on public.cm_module_content;
