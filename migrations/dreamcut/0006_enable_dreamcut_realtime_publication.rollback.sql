select dreamcut_private.drop_from_realtime_publication(array['dreamcut_messages', 'dreamcut_assets', 'dreamcut_queries']);
