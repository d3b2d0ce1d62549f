// Deliberate mistakes against the generated Database type: `tsc -p tsconfig.mistakes.json` must reject each
// line that ends in an error comment, with the TS code and the part of the message that comment names, and
// nothing else (tests/clients checks both). Every other line is a correct call.
import { createClient } from "@supabase/supabase-js"

import type { Database, Tables, TablesInsert } from "../database"

const supabase = createClient<Database>("https://project.supabase.co", "anon-key")

export async function mistakes(queryId: string, assetId: string): Promise<void> {
  await supabase.rpc("initialize_dreamcut_query", {
    p_user_id: "user123",
    p_user_promt: "Make a trailer", // error TS2561: 'p_user_promt' does not exist
  })
  await supabase.rpc("update_asset_progress", {
    p_asset_id: assetId,
    p_progress: "25", // error TS2322: Type 'string' is not assignable to type 'number'
  })
  await supabase.rpc("initialise_dreamcut_query", { p_user_prompt: "x" }) // error TS2345: "initialise_dreamcut_query"
  await supabase.rpc("complete_dreamcut_query", { p_query_id: queryId }) // error TS2741: 'p_payload' is missing
  await supabase.rpc("create_job", {
    p_output_format: "mp4",
    p_width: 1920,
    p_height: 1080,
    p_response_type: "later", // error TS2322: Type '"later"' is not assignable
  })
  const { data: newQueryId } = await supabase.rpc("initialize_dreamcut_query", { p_user_id: "u", p_user_prompt: "x" })
  const wrong: number | null = newQueryId // error TS2322: Type 'string | null' is not assignable to type 'number | null'
  console.log(wrong)
}

export function channel(queryId: string) {
  return supabase
    .channel(`dreamcut_queries:${queryId}`)
    .on<Tables<"dreamcut_queries">>(
      "postgres_changes",
      { event: "UPDATE", schema: "public", table: "dreamcut_queries", filter: `id=eq.${queryId}` },
      (payload) => console.log(payload.new.progres), // error TS2551: Property 'progres' does not exist
    )
    .subscribe()
}

export const timelineRow: TablesInsert<"processing_timeline"> = {
  job_id: "00000000-0000-0000-0000-000000000000",
  step: "encoding",
  duration_ms: 120, // error TS2322: Type 'number' is not assignable to type 'undefined'
}
