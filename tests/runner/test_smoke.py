from helpers import acting_as, new_user
from dreamcut_helpers import asset, init_query


def test_template_is_migrated(db):
    user = new_user()
    with acting_as(db, "authenticated", user):
        qid = init_query(db, user, [asset("image")])
        assert db.execute("select count(*) from public.dreamcut_assets where query_id = %s", (qid,)).fetchone()[0] == 1
