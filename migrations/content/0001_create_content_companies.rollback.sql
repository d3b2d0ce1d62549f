-- companies and employees only when this module created them (recorded in package_owned_objects): a table
-- the application had before is never dropped.
do $external$
declare
    v_table text;
begin
    if to_regclass('dreamcut_private.package_owned_objects') is null then
        return;
    end if;
    foreach v_table in array array['public.employees', 'public.companies'] loop
        if exists (select from dreamcut_private.package_owned_objects where kind = 'table' and name = v_table) then
            execute format('drop table if exists %s', v_table);
            delete from dreamcut_private.package_owned_objects where kind = 'table' and name = v_table;
        end if;
    end loop;
end
$external$;
drop function if exists public.cm_caller_company_id(uuid);
drop procedure if exists dreamcut_private.enable_company_isolation(regclass);
drop function if exists dreamcut_private.jwt_company_id();
delete from dreamcut_private.installed_modules
where module = 'content';
