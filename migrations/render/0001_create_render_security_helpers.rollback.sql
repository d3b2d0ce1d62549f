drop function if exists dreamcut_private.client_ip();
drop function if exists dreamcut_private.request_header(text);
drop function if exists dreamcut_private.is_admin();
drop function if exists dreamcut_private.user_role();
delete from dreamcut_private.installed_modules
where module = 'render';
