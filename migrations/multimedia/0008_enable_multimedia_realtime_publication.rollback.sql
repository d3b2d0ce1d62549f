select dreamcut_private.drop_from_realtime_publication(array['mm_rendering_queue', 'mm_multimedia_sessions']);
