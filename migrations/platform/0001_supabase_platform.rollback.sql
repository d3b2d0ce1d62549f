-- Undo the platform migration: drop only what it created (recorded in package_owned_objects).
do $platform$
declare
    v_obj record;
begin
    if to_regclass('dreamcut_private.package_owned_objects') is null then
        return;
    end if;
    for v_obj in
        select kind, name from dreamcut_private.package_owned_objects
        order by case kind when 'publication' then 1 when 'function' then 2 when 'schema' then 3 else 4 end, name
    loop
        if v_obj.kind = 'publication' then
            execute format('drop publication if exists %I', v_obj.name);
        elsif v_obj.kind = 'function' then
            execute format('drop function if exists %s', v_obj.name);
        elsif v_obj.kind = 'schema' then
            execute format('drop schema if exists %I', v_obj.name);
        elsif v_obj.kind = 'role' then
            -- Roles belong to the whole cluster: another database may still use them.
            begin
                if v_obj.name <> 'authenticator' then
                    execute format('revoke usage on schema public from %I', v_obj.name);
                end if;
                execute format('drop role if exists %I', v_obj.name);
            exception when dependent_objects_still_exist then
                raise notice 'role % is still used elsewhere in this cluster; kept', v_obj.name;
            end;
        end if;
    end loop;
end
$platform$;

drop schema if exists dreamcut_private cascade;
