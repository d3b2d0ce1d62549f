select dreamcut_private.drop_from_realtime_publication(array[
    'storyboard_selections', 'shot_images', 'scene_shots', 'project_scenes', 'video_projects'
]);
