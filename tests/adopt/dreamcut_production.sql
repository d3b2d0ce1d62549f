-- The DreamCut production database as dreamcut-migration-summary.md says it was made: its six migrations,
-- applied by hand (the Supabase MCP tool) to a project that already had the legacy briefs and jobs tables.
-- The tables are dreamcut-production-schema.md's DDL exactly (nullable columns, TEXT checks, DECIMALs, no
-- seq, no counters); the functions have the document's names and parameters, with bodies doing what the
-- document describes, written the way such projects write them (no search_path, unqualified names).
-- Run with search_path = public by tests/adopt_helpers.py, after the Supabase pieces exist.

-- the legacy query analyzer (kept: "Existing briefs table: PRESERVED", "Existing jobs table: PRESERVED")
create table briefs (
    id uuid primary key default gen_random_uuid(),
    user_id text not null,
    query text not null,
    brief jsonb,
    created_at timestamptz default now()
);
create table jobs (
    id bigserial primary key,
    brief_id uuid references briefs (id),
    status text default 'queued',
    created_at timestamptz default now(),
    updated_at timestamptz default now()
);

-- 1. create_dreamcut_realtime_schema
CREATE TABLE dreamcut_queries (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id TEXT NOT NULL,
  user_prompt TEXT NOT NULL,
  intent TEXT CHECK (intent IN ('image', 'video', 'audio', 'mixed')),
  options JSONB DEFAULT '{}',

  -- Progress tracking (realtime updates)
  status TEXT DEFAULT 'processing' CHECK (status IN ('processing', 'completed', 'failed')),
  stage TEXT DEFAULT 'init' CHECK (stage IN ('init', 'analyzing', 'merging', 'done')),
  progress INTEGER DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),

  -- Results
  payload JSONB, -- final analyzer JSON
  error_message TEXT,

  -- Performance metrics
  processing_time_ms INTEGER,
  models_used TEXT[],
  cost_estimate DECIMAL(10,4),

  -- Timestamps
  created_at TIMESTAMPTZ DEFAULT NOW(),
  updated_at TIMESTAMPTZ DEFAULT NOW(),
  completed_at TIMESTAMPTZ
);

CREATE TABLE dreamcut_assets (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  query_id UUID REFERENCES dreamcut_queries(id) ON DELETE CASCADE,

  -- Asset details
  url TEXT NOT NULL,
  filename TEXT,
  type TEXT CHECK (type IN ('image', 'video', 'audio')),
  user_description TEXT,
  file_size_bytes BIGINT,
  metadata JSONB DEFAULT '{}',

  -- Analysis progress (realtime updates)
  status TEXT DEFAULT 'pending' CHECK (status IN ('pending', 'analyzing', 'completed', 'failed')),
  progress INTEGER DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
  analysis JSONB DEFAULT '{}', -- builds up progressively

  -- Processing details
  worker_id TEXT,
  model_used TEXT,
  processing_time_ms INTEGER,
  error_message TEXT,

  -- Quality metrics
  quality_score DECIMAL(3,2),
  confidence_score DECIMAL(3,2),

  -- Timestamps
  created_at TIMESTAMPTZ DEFAULT NOW(),
  updated_at TIMESTAMPTZ DEFAULT NOW(),
  analyzed_at TIMESTAMPTZ
);

CREATE TABLE dreamcut_messages (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  query_id UUID REFERENCES dreamcut_queries(id) ON DELETE CASCADE,

  -- Message details
  type TEXT CHECK (type IN ('status', 'asset_start', 'asset_progress', 'asset_complete', 'merge', 'final', 'conflict', 'suggestion', 'error')),
  content TEXT NOT NULL,
  emoji TEXT,

  -- Associated data
  asset_id UUID REFERENCES dreamcut_assets(id) ON DELETE SET NULL,
  data JSONB DEFAULT '{}',

  -- Timestamps
  created_at TIMESTAMPTZ DEFAULT NOW()
);

-- 2. create_dreamcut_indexes
CREATE INDEX idx_dreamcut_queries_user_id ON dreamcut_queries(user_id);
CREATE INDEX idx_dreamcut_queries_status ON dreamcut_queries(status);
CREATE INDEX idx_dreamcut_assets_query_id ON dreamcut_assets(query_id);
CREATE INDEX idx_dreamcut_assets_status ON dreamcut_assets(status);

-- 3. enable_dreamcut_rls_policies ("Users can only access their own queries", "Service role has full access
-- for workers", "Asset access restricted to query owners", "Message access restricted to query owners")
ALTER TABLE dreamcut_queries ENABLE ROW LEVEL SECURITY;
ALTER TABLE dreamcut_assets ENABLE ROW LEVEL SECURITY;
ALTER TABLE dreamcut_messages ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Users can view their own queries" ON dreamcut_queries
  FOR SELECT USING (auth.uid()::text = user_id);
CREATE POLICY "Service role has full access to queries" ON dreamcut_queries
  FOR ALL USING (auth.role() = 'service_role');
CREATE POLICY "Users can view assets of their queries" ON dreamcut_assets
  FOR SELECT USING (EXISTS (
    SELECT 1 FROM dreamcut_queries WHERE dreamcut_queries.id = dreamcut_assets.query_id
      AND dreamcut_queries.user_id = auth.uid()::text));
CREATE POLICY "Service role has full access to assets" ON dreamcut_assets
  FOR ALL USING (auth.role() = 'service_role');
CREATE POLICY "Users can view messages of their queries" ON dreamcut_messages
  FOR SELECT USING (EXISTS (
    SELECT 1 FROM dreamcut_queries WHERE dreamcut_queries.id = dreamcut_messages.query_id
      AND dreamcut_queries.user_id = auth.uid()::text));
CREATE POLICY "Service role has full access to messages" ON dreamcut_messages
  FOR ALL USING (auth.role() = 'service_role');

GRANT SELECT ON dreamcut_queries, dreamcut_assets, dreamcut_messages TO anon, authenticated;
GRANT ALL ON dreamcut_queries, dreamcut_assets, dreamcut_messages TO service_role;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO anon, authenticated, service_role;

-- 4. create_dreamcut_trigger_functions ("Updates timestamps on changes", "Detects asset completion", "Triggers
-- query progression"). update_updated_at_column is the project's shared one: the legacy jobs table uses it too.
CREATE OR REPLACE FUNCTION update_updated_at_column()
RETURNS TRIGGER AS $$
BEGIN
  NEW.updated_at = NOW();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER update_dreamcut_queries_updated_at BEFORE UPDATE ON dreamcut_queries
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_dreamcut_assets_updated_at BEFORE UPDATE ON dreamcut_assets
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_jobs_updated_at BEFORE UPDATE ON jobs
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- "Function updates query stage to 'merging' when all assets complete"
CREATE OR REPLACE FUNCTION check_query_completion()
RETURNS TRIGGER AS $$
DECLARE
  total_assets INTEGER;
  finished_assets INTEGER;
  avg_progress NUMERIC;
BEGIN
  SELECT COUNT(*), COUNT(*) FILTER (WHERE status IN ('completed', 'failed')), COALESCE(AVG(progress), 0)
  INTO total_assets, finished_assets, avg_progress
  FROM dreamcut_assets WHERE query_id = NEW.query_id;

  IF total_assets > 0 AND finished_assets = total_assets THEN
    UPDATE dreamcut_queries SET stage = 'merging', progress = 90
    WHERE id = NEW.query_id AND stage IN ('init', 'analyzing');
    IF FOUND THEN
      INSERT INTO dreamcut_messages (query_id, type, content, emoji)
      VALUES (NEW.query_id, 'merge', 'Combining query + assets into creative brief...', '🏁');
    END IF;
  ELSE
    UPDATE dreamcut_queries SET stage = 'analyzing', progress = FLOOR(avg_progress * 0.9)::INTEGER
    WHERE id = NEW.query_id AND stage IN ('init', 'analyzing');
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trigger_check_query_completion
  AFTER UPDATE ON dreamcut_assets
  FOR EACH ROW EXECUTE FUNCTION check_query_completion();

-- 5. create_dreamcut_helper_functions
CREATE OR REPLACE FUNCTION initialize_dreamcut_query(
  p_user_id TEXT,
  p_user_prompt TEXT,
  p_intent TEXT DEFAULT NULL,
  p_options JSONB DEFAULT '{}',
  p_assets JSONB DEFAULT '[]'
) RETURNS UUID AS $$
DECLARE
  v_query_id UUID;
  v_asset JSONB;
BEGIN
  INSERT INTO dreamcut_queries (user_id, user_prompt, intent, options)
  VALUES (p_user_id, p_user_prompt, p_intent, p_options)
  RETURNING id INTO v_query_id;

  FOR v_asset IN SELECT * FROM jsonb_array_elements(p_assets) LOOP
    INSERT INTO dreamcut_assets (query_id, url, filename, type, user_description)
    VALUES (v_query_id, v_asset->>'url', v_asset->>'filename', v_asset->>'type', v_asset->>'description');
  END LOOP;

  INSERT INTO dreamcut_messages (query_id, type, content, emoji)
  VALUES (v_query_id, 'status', 'Got your request. Let''s break it down...', '🎬');

  RETURN v_query_id;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER;

CREATE OR REPLACE FUNCTION update_asset_progress(
  p_asset_id UUID,
  p_progress INTEGER,
  p_status TEXT DEFAULT NULL,
  p_analysis JSONB DEFAULT NULL,
  p_model_used TEXT DEFAULT NULL,
  p_message TEXT DEFAULT NULL,
  p_message_type TEXT DEFAULT 'asset_progress',
  p_emoji TEXT DEFAULT NULL
) RETURNS VOID AS $$
DECLARE
  v_query_id UUID;
BEGIN
  UPDATE dreamcut_assets SET
    progress = p_progress,
    status = COALESCE(p_status, status),
    analysis = CASE WHEN p_analysis IS NOT NULL THEN analysis || p_analysis ELSE analysis END,
    model_used = COALESCE(p_model_used, model_used),
    analyzed_at = CASE WHEN p_status IN ('completed', 'failed') THEN NOW() ELSE analyzed_at END
  WHERE id = p_asset_id
  RETURNING query_id INTO v_query_id;

  IF p_message IS NOT NULL THEN
    INSERT INTO dreamcut_messages (query_id, type, content, emoji, asset_id)
    VALUES (v_query_id, p_message_type, p_message, p_emoji, p_asset_id);
  END IF;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER;

CREATE OR REPLACE FUNCTION complete_dreamcut_query(
  p_query_id UUID,
  p_payload JSONB,
  p_processing_time_ms INTEGER DEFAULT NULL,
  p_models_used TEXT[] DEFAULT NULL,
  p_cost_estimate DECIMAL DEFAULT NULL
) RETURNS VOID AS $$
BEGIN
  UPDATE dreamcut_queries SET
    status = 'completed',
    stage = 'done',
    progress = 100,
    payload = p_payload,
    processing_time_ms = p_processing_time_ms,
    models_used = p_models_used,
    cost_estimate = p_cost_estimate,
    completed_at = NOW()
  WHERE id = p_query_id;

  INSERT INTO dreamcut_messages (query_id, type, content, emoji) VALUES
    (p_query_id, 'final', 'Creative brief ready 🎬', '🎬'),
    (p_query_id, 'final', 'Ready for production!', '🚀');
END;
$$ LANGUAGE plpgsql SECURITY DEFINER;

-- 6. enable_dreamcut_realtime_publication
ALTER PUBLICATION supabase_realtime ADD TABLE dreamcut_queries, dreamcut_assets, dreamcut_messages;
