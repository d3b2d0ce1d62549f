"""Helpers of the storyboard tests (video-pipeline-redesign-v2.md): calling the stored procedures with named
parameters, building a project tree, and fingerprinting the five tables to prove that a failed call wrote
nothing. Holds no tests itself.
"""

from __future__ import annotations

import uuid

import psycopg
from psycopg.types.json import Jsonb

from helpers import raises_sqlstate

TABLES = ("video_projects", "project_scenes", "scene_shots", "shot_images", "storyboard_selections")


def call(conn, function: str, **params):
    """``select public.<function>(p_<name> => value, ...)`` and return its value. Lists and dicts go as jsonb
    (wrap a JSON string in ``Jsonb`` yourself); other values as psycopg adapts them."""
    values = {name: Jsonb(value) if isinstance(value, (list, dict)) else value for name, value in params.items()}
    args = ", ".join(f"p_{name} => %({name})s" for name in params)
    result = conn.execute(f"select public.{function}({args})", values).fetchone()[0]
    if isinstance(result, uuid.UUID):
        return str(result)
    if isinstance(result, list):
        return [str(x) if isinstance(x, uuid.UUID) else x for x in result]
    return result


def fingerprint(conn) -> dict[str, str]:
    """md5 of every row of the five tables (as the connection's current identity sees them), per table."""
    return {
        t: conn.execute(f"select count(*) || ':' || coalesce(md5(string_agg(x::text, '|' order by x.id)), '') "
                        f"from public.{t} as x").fetchone()[0]
        for t in TABLES
    }


def expect_error(conn, sqlstate: str, function: str, **params) -> psycopg.Error:
    """Call ``function`` in a savepoint, assert it fails with ``sqlstate`` and that the five tables are unchanged."""
    before = fingerprint(conn)
    with raises_sqlstate(sqlstate) as info:
        with conn.transaction():
            call(conn, function, **params)
    assert fingerprint(conn) == before, f"{function} failed with {sqlstate} but wrote something"
    return info.value


def variants(n: int = 6, status: str = "complete", start: int = 0, tag: str = "img") -> list[dict]:
    """``n`` elements of p_images: variants start..start+n-1 with URLs (when complete) and a metadata object."""
    out = []
    for v in range(start, start + n):
        item = {"variantNumber": v, "status": status, "metadata": {"model": "flux", "cfg_scale": 7}}
        if status == "complete":
            item["imageUrl"] = f"https://cdn.example.com/{tag}-{v}.png"
        out.append(item)
    return out


def project(conn, user: str | None = None, **kw) -> str:
    """create_redesign_project (p_user_id given unless the caller is a signed-in user). Returns its id as str."""
    params = {"prompt": "A cinematic journey through Tokyo", **kw}
    if user is not None:
        params["user_id"] = user
    return str(call(conn, "create_redesign_project", **params))


def tree(conn, user: str | None, shots: int = 2, images: bool = True) -> dict:
    """A project with one scene, ``shots`` shots and (if ``images``) a complete iteration 0 for each shot.

    Returns {"project", "scene", "shots": [...], "images": {shot: [ids of variants 0..5]}} (ids as str).
    """
    pid = project(conn, user, title="Tokyo Dreams", prompt_planner_data=Jsonb("Brain dump text here..."))
    created = call(conn, "create_scene_with_shots", project_id=pid, scene_number=1, title="Opening",
                    description="City awakens",
                    shots=[{"shotNumber": n, "description": f"Shot {n}", "initialPrompt": f"Tokyo {n}"}
                           for n in range(1, shots + 1)])
    out = {"project": pid, "scene": created["sceneId"], "shots": created["shotIds"], "images": {}}
    if images:
        for shot in out["shots"]:
            ids = call(conn, "batch_create_shot_images", shot_id=shot, images=variants(tag=shot[:8]))
            out["images"][shot] = [str(i) for i in ids]
    return out


def row(conn, table: str, id_: str) -> dict | None:
    """One row of a storyboard table as a dict (None when invisible or absent)."""
    cur = conn.execute(f"select to_jsonb(x) from public.{table} as x where x.id = %s", (id_,))
    found = cur.fetchone()
    return found[0] if found else None


def status(conn, project_id: str) -> str:
    return conn.execute("select redesign_status from public.video_projects where id = %s", (project_id,)).fetchone()[0]
