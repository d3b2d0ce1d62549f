// The product documents' calls, written against the generated Database type as a Next.js app and its
// workers make them (supabase-js v2). `tsc -p tsconfig.json` (npm run check) must accept every line:
// dreamcut-production-schema.md (submit, the worker's progressive updates and completion, the three
// realtime channels), video-platform-database.md (a render job and its status channel) and
// video-pipeline-redesign-v2.md (a storyboard shot and its batch of image variants).
import { createClient } from "@supabase/supabase-js"
import type { RealtimeChannel, SupabaseClient } from "@supabase/supabase-js"

import type { Database, Enums, Json, Tables, TablesInsert } from "../database"

type DreamCutQuery = Tables<"dreamcut_queries">
type DreamCutAsset = Tables<"dreamcut_assets">
type DreamCutMessage = Tables<"dreamcut_messages">
type Job = Tables<"jobs">

type Client = SupabaseClient<Database>

// The browser connects with the anon key (and the signed-in user's session), workers with the service_role key.
export function connect(url: string, key: string): Client {
  return createClient<Database>(url, key)
}

// -- DreamCut: "On Query Submit" --------------------------------------------------------------------------
export async function submitQuery(supabase: Client, userId: string, userPrompt: string): Promise<string> {
  const { data: queryId, error } = await supabase.rpc("initialize_dreamcut_query", {
    p_user_id: userId,
    p_user_prompt: userPrompt,
    p_intent: "video",
    p_options: { duration: 30, aspect_ratio: "16:9" },
    p_assets: [
      {
        url: "https://cdn.supabase.io/assets/cyberpunk_ref.jpg",
        filename: "cyberpunk_ref.jpg",
        type: "image",
        description: "Moodboard reference for style and lighting",
      },
    ],
  })
  if (error) throw error
  return queryId
}

// -- DreamCut: "Asset Analysis (Parallel Workers)" and "Final Synthesis" ---------------------------------
export async function analyzeAsset(worker: Client, assetId: string): Promise<void> {
  const started = await worker.rpc("update_asset_progress", {
    p_asset_id: assetId,
    p_progress: 25,
    p_status: "analyzing",
    p_analysis: { style: "analyzing...", mood: "detecting..." },
    p_model_used: "llava-13b",
    p_message: "Analyzing image: cyberpunk_ref.jpg",
    p_message_type: "asset_start",
    p_emoji: "🖼️",
  })
  if (started.error) throw started.error
  const done = await worker.rpc("update_asset_progress", {
    p_asset_id: assetId,
    p_progress: 100,
    p_status: "completed",
    p_analysis: { style: "cyberpunk, cinematic, neon", mood: "dark, futuristic", quality: "high" },
    p_message: "→ ✅ cyberpunk, cinematic style, dark, futuristic mood",
    p_message_type: "asset_complete",
    p_emoji: "✅",
  })
  if (done.error) throw done.error
}

export async function completeQuery(worker: Client, queryId: string, finalAnalysis: Json): Promise<void> {
  const { error } = await worker.rpc("complete_dreamcut_query", {
    p_query_id: queryId,
    p_payload: finalAnalysis,
    p_processing_time_ms: 45000,
    p_models_used: ["llava-13b", "apollo-7b", "whisper-large-v3"],
    p_cost_estimate: 0.23,
  })
  if (error) throw error
}

// -- DreamCut: "Realtime Channel Strategy", the three channels of one query -----------------------------
export function watchQuery(
  supabase: Client,
  queryId: string,
  on: {
    progress: (query: DreamCutQuery) => void
    asset: (asset: DreamCutAsset) => void
    message: (message: DreamCutMessage) => void
  },
): RealtimeChannel[] {
  const queryChannel = supabase
    .channel(`dreamcut_queries:${queryId}`)
    .on<DreamCutQuery>(
      "postgres_changes",
      { event: "*", schema: "public", table: "dreamcut_queries", filter: `id=eq.${queryId}` },
      (payload) => {
        if (payload.eventType !== "DELETE") {
          const { progress, stage, status } = payload.new
          console.log(`${stage} ${status} ${progress}%`)
          on.progress(payload.new)
        }
      },
    )
    .subscribe()
  const assetsChannel = supabase
    .channel(`dreamcut_assets:${queryId}`)
    .on<DreamCutAsset>(
      "postgres_changes",
      { event: "*", schema: "public", table: "dreamcut_assets", filter: `query_id=eq.${queryId}` },
      (payload) => {
        if (payload.eventType !== "DELETE") on.asset(payload.new)
      },
    )
    .subscribe()
  const messagesChannel = supabase
    .channel(`dreamcut_messages:${queryId}`)
    .on<DreamCutMessage>(
      "postgres_changes",
      { event: "INSERT", schema: "public", table: "dreamcut_messages", filter: `query_id=eq.${queryId}` },
      (payload) => on.message(payload.new),
    )
    .subscribe()
  return [queryChannel, assetsChannel, messagesChannel]
}

export async function messagesSoFar(supabase: Client, queryId: string): Promise<DreamCutMessage[]> {
  const { data, error } = await supabase
    .from("dreamcut_messages")
    .select("*")
    .eq("query_id", queryId)
    .order("seq")
  if (error) throw error
  return data
}

// -- Render jobs (video-platform-database.md): create_job as in its verification query, then the elements --
export async function createRenderJob(supabase: Client): Promise<string> {
  const { data: jobId, error } = await supabase.rpc("create_job", {
    p_output_format: "mp4",
    p_width: 1920,
    p_height: 1080,
    p_fps: 25,
    p_client_ip: "127.0.0.1",
    p_user_agent: "test-agent",
    p_metadata: {},
  })
  if (error) throw error
  const elements = await supabase.rpc("add_job_elements", {
    p_job_id: jobId,
    p_elements: [{ type: "video", source_url: "https://cdn.example.com/intro.mp4", duration: 5 }],
  })
  if (elements.error) throw elements.error
  return jobId
}

export function subscribeToJobStatus(supabase: Client, jobId: string, onUpdate: (job: Job) => void): RealtimeChannel {
  return supabase
    .channel(`job_status:${jobId}`)
    .on<Job>(
      "postgres_changes",
      { event: "UPDATE", schema: "public", table: "jobs", filter: `id=eq.${jobId}` },
      (payload) => onUpdate(payload.new),
    )
    .subscribe()
}

export async function jobStatus(supabase: Client, jobId: string): Promise<Enums<"job_status">> {
  const { data, error } = await supabase.from("jobs").select("status, progress_percentage").eq("id", jobId).single()
  if (error) throw error
  return data.status
}

// -- Storyboard (video-pipeline-redesign-v2.md): a shot, then "Image Generation (Initial Batch)" ---------
export async function generateInitialImages(supabase: Client, projectId: string, sceneId: string): Promise<string[]> {
  const { data: shotId, error } = await supabase.rpc("create_scene_shot", {
    p_project_id: projectId,
    p_scene_id: sceneId,
    p_shot_number: 1,
    p_description: "Wide shot of Tokyo Tower at sunrise",
    p_initial_prompt: "Cinematic wide shot, Tokyo Tower, golden hour lighting...",
  })
  if (error) throw error
  const { data: imageIds, error: batchError } = await supabase.rpc("batch_create_shot_images", {
    p_project_id: projectId,
    p_scene_id: sceneId,
    p_shot_id: shotId,
    p_iteration_number: 0,
    p_iteration_prompt: "Cinematic wide shot, Tokyo Tower...",
    p_images: [
      { variantNumber: 0, imageUrl: "https://replicate.delivery/0.png", status: "complete" },
      { variantNumber: 1, imageUrl: "https://replicate.delivery/1.png", status: "complete" },
    ],
  })
  if (batchError) throw batchError
  return imageIds
}

// A row as the app writes it directly (RLS decides whether it may).
export const newProject: TablesInsert<"video_projects"> = {
  prompt: "A cyberpunk trailer",
  title: "Neon Tokyo",
  user_id: "00000000-0000-0000-0000-000000000000",
}
