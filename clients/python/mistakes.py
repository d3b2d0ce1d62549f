"""Deliberate mistakes against ``dreamcut_db.types``: ``mypy --strict`` must report each line that ends in an
error comment with the mypy error codes that comment lists, and nothing else (tests/clients checks it)."""

from __future__ import annotations

from supabase import Client

from dreamcut_db.types import (
    CompleteDreamcutQueryArgs,
    DreamcutQueries,
    InitializeDreamcutQueryArgs,
    JobStatus,
    UpdateAssetProgressArgs,
)


def mistakes(client: Client, query: DreamcutQueries) -> None:
    misspelt: InitializeDreamcutQueryArgs = {  # error: typeddict-unknown-key, typeddict-item
        "p_user_id": "user123",
        "p_user_promt": "Make a trailer",
    }
    wrong_type: UpdateAssetProgressArgs = {"p_asset_id": "a", "p_progress": "25"}  # error: typeddict-item
    missing: CompleteDreamcutQueryArgs = {"p_query_id": "q"}  # error: typeddict-item
    status: JobStatus = "finished"  # error: assignment
    print(query["progres"])  # error: typeddict-item
    client.rpc("initialize_dreamcut_query", misspelt)  # error: arg-type
    print(wrong_type, missing, status)
