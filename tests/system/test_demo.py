"""`dreamcut-db demo` and `watch`: the storyboard's messages arrive over LISTEN/NOTIFY, in order."""

import threading

from dreamcut_db import cli, demo
from dreamcut_helpers import STORYBOARD

def test_demo_prints_the_storyboard_in_order(db_url):
    lines: list[str] = []
    query_id = demo.demo(db_url, out=lines.append, pace=0.01)
    assert lines[0].startswith(f"query {query_id} for user ")
    assert lines[1:-1] == STORYBOARD
    assert lines[-1] == f"query {query_id}: completed"


def test_watch_follows_a_query_until_it_completes(db_url, db, capsys):
    user = "watch-user"
    query_id = str(db.execute(
        "select public.initialize_dreamcut_query(%s, 'p', 'image', '{}', "
        "'[{\"url\": \"https://x/a.jpg\", \"type\": \"image\"}]')", (user,)).fetchone()[0])
    asset_id = db.execute("select id from public.dreamcut_assets where query_id = %s", (query_id,)).fetchone()[0]
    db.commit()
    result = {}
    watcher = threading.Thread(target=lambda: result.update(
        code=cli.main(["--database-url", db_url, "watch", query_id, "--timeout", "30"])))
    watcher.start()
    db.execute("select public.update_asset_progress(%s, 100, 'completed', p_message => 'done', p_emoji => '✅')",
               (asset_id,))
    db.commit()
    db.execute("select public.complete_dreamcut_query(%s, '{}')", (query_id,))
    db.commit()
    watcher.join(30)
    out = capsys.readouterr().out
    assert result["code"] == 0
    assert out.index("Got your request") < out.index("✅ done") < out.index("Ready for production!")
    assert "[merging 90%]" in out or "[done 100%]" in out
    assert out.strip().endswith(f"query {query_id}: completed")
