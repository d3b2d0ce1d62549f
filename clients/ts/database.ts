export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      cm_course_plans: {
        Row: {
          company_id: string
          course_duration_weeks: number | null
          course_structure: NonNullable<Json>
          course_title: string
          created_at: string
          employee_id: string
          employee_name: string | null
          employee_profile: NonNullable<Json>
          learning_path: NonNullable<Json>
          plan_id: string
          prioritized_gaps: NonNullable<Json>
          research_strategy: NonNullable<Json>
          session_id: string | null
          status: string
          total_modules: number
        }
        Insert: {
          company_id: string
          course_duration_weeks?: number | null
          course_structure?: NonNullable<Json>
          course_title: string
          created_at?: string
          employee_id: string
          employee_name?: string | null
          employee_profile?: NonNullable<Json>
          learning_path?: NonNullable<Json>
          plan_id?: string
          prioritized_gaps?: NonNullable<Json>
          research_strategy?: NonNullable<Json>
          session_id?: string | null
          status?: string
          total_modules?: number
        }
        Update: {
          company_id?: string
          course_duration_weeks?: number | null
          course_structure?: NonNullable<Json>
          course_title?: string
          created_at?: string
          employee_id?: string
          employee_name?: string | null
          employee_profile?: NonNullable<Json>
          learning_path?: NonNullable<Json>
          plan_id?: string
          prioritized_gaps?: NonNullable<Json>
          research_strategy?: NonNullable<Json>
          session_id?: string | null
          status?: string
          total_modules?: number
        }
        Relationships: [
          {
            foreignKeyName: "cm_course_plans_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "cm_course_plans_employee_id_fkey"
            columns: ["employee_id"]
            isOneToOne: false
            referencedRelation: "employees"
            referencedColumns: ["id"]
          },
        ]
      }
      cm_enhancement_sessions: {
        Row: {
          company_id: string
          completed_at: string | null
          content_id: string
          content_regenerated: boolean
          created_at: string
          enhancement_type: string
          quality_assessment_id: string | null
          research_conducted: boolean
          sections_preserved: string[]
          sections_to_enhance: string[]
          session_id: string
          status: string
        }
        Insert: {
          company_id: string
          completed_at?: string | null
          content_id: string
          content_regenerated?: boolean
          created_at?: string
          enhancement_type: string
          quality_assessment_id?: string | null
          research_conducted?: boolean
          sections_preserved?: string[]
          sections_to_enhance: string[]
          session_id?: string
          status?: string
        }
        Update: {
          company_id?: string
          completed_at?: string | null
          content_id?: string
          content_regenerated?: boolean
          created_at?: string
          enhancement_type?: string
          quality_assessment_id?: string | null
          research_conducted?: boolean
          sections_preserved?: string[]
          sections_to_enhance?: string[]
          session_id?: string
          status?: string
        }
        Relationships: [
          {
            foreignKeyName: "cm_enhancement_sessions_company_id_content_id_fkey"
            columns: ["company_id", "content_id"]
            isOneToOne: false
            referencedRelation: "cm_module_content"
            referencedColumns: ["company_id", "content_id"]
          },
          {
            foreignKeyName: "cm_enhancement_sessions_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "cm_enhancement_sessions_company_id_quality_assessment_id_c_fkey"
            columns: ["company_id", "quality_assessment_id", "content_id"]
            isOneToOne: false
            referencedRelation: "cm_quality_assessments"
            referencedColumns: ["company_id", "assessment_id", "content_id"]
          },
        ]
      }
      cm_module_content: {
        Row: {
          assessments: string | null
          case_studies: string | null
          company_id: string
          content_id: string
          core_content: string | null
          created_at: string
          employee_name: string | null
          introduction: string | null
          module_name: string
          module_spec: NonNullable<Json>
          practical_applications: string | null
          priority_level: string
          research_context: NonNullable<Json>
          revision_count: number
          search_vector: unknown
          section_word_counts: Json | null
          session_id: string | null
          status: string
          total_word_count: number | null
          updated_at: string
        }
        Insert: {
          assessments?: string | null
          case_studies?: string | null
          company_id: string
          content_id?: string
          core_content?: string | null
          created_at?: string
          employee_name?: string | null
          introduction?: string | null
          module_name: string
          module_spec?: NonNullable<Json>
          practical_applications?: string | null
          priority_level?: string
          research_context?: NonNullable<Json>
          revision_count?: number
          search_vector?: never
          section_word_counts?: never
          session_id?: string | null
          status?: string
          total_word_count?: never
          updated_at?: string
        }
        Update: {
          assessments?: string | null
          case_studies?: string | null
          company_id?: string
          content_id?: string
          core_content?: string | null
          created_at?: string
          employee_name?: string | null
          introduction?: string | null
          module_name?: string
          module_spec?: NonNullable<Json>
          practical_applications?: string | null
          priority_level?: string
          research_context?: NonNullable<Json>
          revision_count?: number
          search_vector?: never
          section_word_counts?: never
          session_id?: string | null
          status?: string
          total_word_count?: never
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "cm_module_content_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["id"]
          },
        ]
      }
      cm_quality_assessments: {
        Row: {
          accuracy_score: number | null
          assessed_at: string
          assessment_id: string
          clarity_score: number | null
          company_id: string
          completeness_score: number | null
          content_id: string
          critical_issues: string[]
          engagement_score: number | null
          overall_score: number
          passed: boolean
          personalization_score: number | null
          quality_feedback: string | null
          requires_revision: boolean
          section_scores: NonNullable<Json>
          sections_needing_work: string[]
        }
        Insert: {
          accuracy_score?: number | null
          assessed_at?: string
          assessment_id?: string
          clarity_score?: number | null
          company_id: string
          completeness_score?: number | null
          content_id: string
          critical_issues?: string[]
          engagement_score?: number | null
          overall_score: number
          passed: boolean
          personalization_score?: number | null
          quality_feedback?: string | null
          requires_revision?: boolean
          section_scores?: NonNullable<Json>
          sections_needing_work?: string[]
        }
        Update: {
          accuracy_score?: number | null
          assessed_at?: string
          assessment_id?: string
          clarity_score?: number | null
          company_id?: string
          completeness_score?: number | null
          content_id?: string
          critical_issues?: string[]
          engagement_score?: number | null
          overall_score?: number
          passed?: boolean
          personalization_score?: number | null
          quality_feedback?: string | null
          requires_revision?: boolean
          section_scores?: NonNullable<Json>
          sections_needing_work?: string[]
        }
        Relationships: [
          {
            foreignKeyName: "cm_quality_assessments_company_id_content_id_fkey"
            columns: ["company_id", "content_id"]
            isOneToOne: false
            referencedRelation: "cm_module_content"
            referencedColumns: ["company_id", "content_id"]
          },
          {
            foreignKeyName: "cm_quality_assessments_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["id"]
          },
        ]
      }
      cm_research_results: {
        Row: {
          company_id: string
          content_library: NonNullable<Json>
          created_at: string
          module_mappings: NonNullable<Json>
          plan_id: string
          research_findings: NonNullable<Json>
          research_id: string
          search_queries: string[]
          session_id: string | null
          sources_analyzed: string[]
          status: string
          total_sources: number
          total_topics: number
        }
        Insert: {
          company_id: string
          content_library?: NonNullable<Json>
          created_at?: string
          module_mappings?: NonNullable<Json>
          plan_id: string
          research_findings?: NonNullable<Json>
          research_id?: string
          search_queries?: string[]
          session_id?: string | null
          sources_analyzed?: string[]
          status?: string
          total_sources?: number
          total_topics?: number
        }
        Update: {
          company_id?: string
          content_library?: NonNullable<Json>
          created_at?: string
          module_mappings?: NonNullable<Json>
          plan_id?: string
          research_findings?: NonNullable<Json>
          research_id?: string
          search_queries?: string[]
          session_id?: string | null
          sources_analyzed?: string[]
          status?: string
          total_sources?: number
          total_topics?: number
        }
        Relationships: [
          {
            foreignKeyName: "cm_research_results_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "cm_research_results_company_id_plan_id_fkey"
            columns: ["company_id", "plan_id"]
            isOneToOne: false
            referencedRelation: "cm_course_plans"
            referencedColumns: ["company_id", "plan_id"]
          },
        ]
      }
      companies: {
        Row: {
          created_at: string
          id: string
          name: string
        }
        Insert: {
          created_at?: string
          id?: string
          name: string
        }
        Update: {
          created_at?: string
          id?: string
          name?: string
        }
        Relationships: []
      }
      dreamcut_assets: {
        Row: {
          analysis: NonNullable<Json>
          analyzed_at: string | null
          confidence_score: number | null
          created_at: string
          error_message: string | null
          file_size_bytes: number | null
          filename: string | null
          id: string
          metadata: NonNullable<Json>
          model_used: string | null
          processing_time_ms: number | null
          progress: number
          quality_score: number | null
          query_id: string
          seq: number
          status: string
          type: string
          updated_at: string
          url: string
          user_description: string | null
          worker_id: string | null
        }
        Insert: {
          analysis?: NonNullable<Json>
          analyzed_at?: string | null
          confidence_score?: number | null
          created_at?: string
          error_message?: string | null
          file_size_bytes?: number | null
          filename?: string | null
          id?: string
          metadata?: NonNullable<Json>
          model_used?: string | null
          processing_time_ms?: number | null
          progress?: number
          quality_score?: number | null
          query_id: string
          seq: number
          status?: string
          type: string
          updated_at?: string
          url: string
          user_description?: string | null
          worker_id?: string | null
        }
        Update: {
          analysis?: NonNullable<Json>
          analyzed_at?: string | null
          confidence_score?: number | null
          created_at?: string
          error_message?: string | null
          file_size_bytes?: number | null
          filename?: string | null
          id?: string
          metadata?: NonNullable<Json>
          model_used?: string | null
          processing_time_ms?: number | null
          progress?: number
          quality_score?: number | null
          query_id?: string
          seq?: number
          status?: string
          type?: string
          updated_at?: string
          url?: string
          user_description?: string | null
          worker_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "dreamcut_assets_query_id_fkey"
            columns: ["query_id"]
            isOneToOne: false
            referencedRelation: "dreamcut_queries"
            referencedColumns: ["id"]
          },
        ]
      }
      dreamcut_messages: {
        Row: {
          asset_id: string | null
          content: string
          created_at: string
          data: NonNullable<Json>
          emoji: string | null
          id: string
          query_id: string
          seq: number
          type: string
        }
        Insert: {
          asset_id?: string | null
          content: string
          created_at?: string
          data?: NonNullable<Json>
          emoji?: string | null
          id?: string
          query_id: string
          seq: number
          type: string
        }
        Update: {
          asset_id?: string | null
          content?: string
          created_at?: string
          data?: NonNullable<Json>
          emoji?: string | null
          id?: string
          query_id?: string
          seq?: number
          type?: string
        }
        Relationships: [
          {
            foreignKeyName: "dreamcut_messages_query_id_asset_id_fkey"
            columns: ["query_id", "asset_id"]
            isOneToOne: false
            referencedRelation: "dreamcut_assets"
            referencedColumns: ["query_id", "id"]
          },
          {
            foreignKeyName: "dreamcut_messages_query_id_fkey"
            columns: ["query_id"]
            isOneToOne: false
            referencedRelation: "dreamcut_queries"
            referencedColumns: ["id"]
          },
        ]
      }
      dreamcut_queries: {
        Row: {
          asset_count: number
          asset_progress_total: number
          assets_finished: number
          completed_at: string | null
          cost_estimate: number | null
          created_at: string
          error_message: string | null
          id: string
          intent: string | null
          models_used: string[] | null
          options: NonNullable<Json>
          payload: Json | null
          processing_time_ms: number | null
          progress: number
          stage: string
          status: string
          updated_at: string
          user_id: string
          user_prompt: string
        }
        Insert: {
          asset_count?: number
          asset_progress_total?: number
          assets_finished?: number
          completed_at?: string | null
          cost_estimate?: number | null
          created_at?: string
          error_message?: string | null
          id?: string
          intent?: string | null
          models_used?: string[] | null
          options?: NonNullable<Json>
          payload?: Json | null
          processing_time_ms?: number | null
          progress?: number
          stage?: string
          status?: string
          updated_at?: string
          user_id: string
          user_prompt: string
        }
        Update: {
          asset_count?: number
          asset_progress_total?: number
          assets_finished?: number
          completed_at?: string | null
          cost_estimate?: number | null
          created_at?: string
          error_message?: string | null
          id?: string
          intent?: string | null
          models_used?: string[] | null
          options?: NonNullable<Json>
          payload?: Json | null
          processing_time_ms?: number | null
          progress?: number
          stage?: string
          status?: string
          updated_at?: string
          user_id?: string
          user_prompt?: string
        }
        Relationships: []
      }
      elements: {
        Row: {
          created_at: string
          duration: number | null
          error_message: string | null
          fit_mode: Database["public"]["Enums"]["fit_mode"]
          height: number | null
          id: string
          job_id: string
          layer_order: number
          local_path: string | null
          metadata: NonNullable<Json>
          position_x: number | null
          position_y: number | null
          processed_at: string | null
          processing_status: string
          source_url: string | null
          start_time: number
          text_content: string | null
          type: Database["public"]["Enums"]["element_type"]
          updated_at: string
          width: number | null
        }
        Insert: {
          created_at?: string
          duration?: number | null
          error_message?: string | null
          fit_mode?: Database["public"]["Enums"]["fit_mode"]
          height?: number | null
          id?: string
          job_id: string
          layer_order?: number
          local_path?: string | null
          metadata?: NonNullable<Json>
          position_x?: number | null
          position_y?: number | null
          processed_at?: string | null
          processing_status?: string
          source_url?: string | null
          start_time?: number
          text_content?: string | null
          type: Database["public"]["Enums"]["element_type"]
          updated_at?: string
          width?: number | null
        }
        Update: {
          created_at?: string
          duration?: number | null
          error_message?: string | null
          fit_mode?: Database["public"]["Enums"]["fit_mode"]
          height?: number | null
          id?: string
          job_id?: string
          layer_order?: number
          local_path?: string | null
          metadata?: NonNullable<Json>
          position_x?: number | null
          position_y?: number | null
          processed_at?: string | null
          processing_status?: string
          source_url?: string | null
          start_time?: number
          text_content?: string | null
          type?: Database["public"]["Enums"]["element_type"]
          updated_at?: string
          width?: number | null
        }
        Relationships: [
          {
            foreignKeyName: "elements_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "active_jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "elements_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "failed_jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "elements_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "job_status_realtime"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "elements_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "job_summary"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "elements_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
        ]
      }
      employees: {
        Row: {
          company_id: string
          created_at: string
          email: string | null
          full_name: string
          id: string
        }
        Insert: {
          company_id: string
          created_at?: string
          email?: string | null
          full_name: string
          id?: string
        }
        Update: {
          company_id?: string
          created_at?: string
          email?: string | null
          full_name?: string
          id?: string
        }
        Relationships: [
          {
            foreignKeyName: "employees_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["id"]
          },
        ]
      }
      jobs: {
        Row: {
          client_ip: unknown
          completed_at: string | null
          created_at: string
          current_step: Database["public"]["Enums"]["processing_step"] | null
          duration_seconds: number | null
          error_code: string | null
          error_message: string | null
          expires_at: string | null
          file_size_bytes: number | null
          fps: number
          height: number
          id: string
          metadata: NonNullable<Json>
          output_format: string
          progress_percentage: number
          response_type: Database["public"]["Enums"]["response_type"]
          result_url: string | null
          s3_bucket: string | null
          s3_key: string | null
          started_at: string | null
          status: Database["public"]["Enums"]["job_status"]
          updated_at: string
          user_agent: string | null
          user_id: string | null
          width: number
        }
        Insert: {
          client_ip?: unknown
          completed_at?: string | null
          created_at?: string
          current_step?: Database["public"]["Enums"]["processing_step"] | null
          duration_seconds?: number | null
          error_code?: string | null
          error_message?: string | null
          expires_at?: string | null
          file_size_bytes?: number | null
          fps?: number
          height: number
          id?: string
          metadata?: NonNullable<Json>
          output_format?: string
          progress_percentage?: number
          response_type?: Database["public"]["Enums"]["response_type"]
          result_url?: string | null
          s3_bucket?: string | null
          s3_key?: string | null
          started_at?: string | null
          status?: Database["public"]["Enums"]["job_status"]
          updated_at?: string
          user_agent?: string | null
          user_id?: string | null
          width: number
        }
        Update: {
          client_ip?: unknown
          completed_at?: string | null
          created_at?: string
          current_step?: Database["public"]["Enums"]["processing_step"] | null
          duration_seconds?: number | null
          error_code?: string | null
          error_message?: string | null
          expires_at?: string | null
          file_size_bytes?: number | null
          fps?: number
          height?: number
          id?: string
          metadata?: NonNullable<Json>
          output_format?: string
          progress_percentage?: number
          response_type?: Database["public"]["Enums"]["response_type"]
          result_url?: string | null
          s3_bucket?: string | null
          s3_key?: string | null
          started_at?: string | null
          status?: Database["public"]["Enums"]["job_status"]
          updated_at?: string
          user_agent?: string | null
          user_id?: string | null
          width?: number
        }
        Relationships: []
      }
      mm_audio_narrations: {
        Row: {
          audio_segments: NonNullable<Json>
          company_id: string
          content_id: string
          created_at: string
          master_audio_id: string | null
          narration_id: string
          narration_name: string
          narration_type: string
          script_content: string | null
          section_name: string | null
          segments_audio_ids: string[]
          session_id: string
          status: string
          synthesis_completed: boolean | null
          total_duration_seconds: number
          voice_config: NonNullable<Json>
        }
        Insert: {
          audio_segments?: NonNullable<Json>
          company_id: string
          content_id: string
          created_at?: string
          master_audio_id?: string | null
          narration_id?: string
          narration_name: string
          narration_type?: string
          script_content?: string | null
          section_name?: string | null
          segments_audio_ids?: string[]
          session_id: string
          status?: string
          synthesis_completed?: never
          total_duration_seconds?: number
          voice_config?: NonNullable<Json>
        }
        Update: {
          audio_segments?: NonNullable<Json>
          company_id?: string
          content_id?: string
          created_at?: string
          master_audio_id?: string | null
          narration_id?: string
          narration_name?: string
          narration_type?: string
          script_content?: string | null
          section_name?: string | null
          segments_audio_ids?: string[]
          session_id?: string
          status?: string
          synthesis_completed?: never
          total_duration_seconds?: number
          voice_config?: NonNullable<Json>
        }
        Relationships: [
          {
            foreignKeyName: "mm_audio_narrations_company_id_master_audio_id_session_id_fkey"
            columns: ["company_id", "master_audio_id", "session_id"]
            isOneToOne: false
            referencedRelation: "mm_multimedia_assets"
            referencedColumns: ["company_id", "asset_id", "session_id"]
          },
          {
            foreignKeyName: "mm_audio_narrations_company_id_session_id_content_id_fkey"
            columns: ["company_id", "session_id", "content_id"]
            isOneToOne: false
            referencedRelation: "mm_multimedia_sessions"
            referencedColumns: ["company_id", "session_id", "content_id"]
          },
        ]
      }
      mm_multimedia_assets: {
        Row: {
          asset_id: string
          asset_name: string
          asset_type: string
          company_id: string
          content_id: string
          created_at: string
          duration_seconds: number | null
          file_path: string | null
          file_size_bytes: number | null
          generation_config: NonNullable<Json>
          mime_type: string | null
          public_url: string | null
          section_name: string
          session_id: string
          status: string
          storage_bucket: string
          storage_path: string
        }
        Insert: {
          asset_id?: string
          asset_name: string
          asset_type: string
          company_id: string
          content_id: string
          created_at?: string
          duration_seconds?: number | null
          file_path?: string | null
          file_size_bytes?: number | null
          generation_config?: NonNullable<Json>
          mime_type?: string | null
          public_url?: string | null
          section_name?: string
          session_id: string
          status?: string
          storage_bucket?: string
          storage_path: string
        }
        Update: {
          asset_id?: string
          asset_name?: string
          asset_type?: string
          company_id?: string
          content_id?: string
          created_at?: string
          duration_seconds?: number | null
          file_path?: string | null
          file_size_bytes?: number | null
          generation_config?: NonNullable<Json>
          mime_type?: string | null
          public_url?: string | null
          section_name?: string
          session_id?: string
          status?: string
          storage_bucket?: string
          storage_path?: string
        }
        Relationships: [
          {
            foreignKeyName: "mm_multimedia_assets_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "mm_multimedia_assets_company_id_session_id_content_id_fkey"
            columns: ["company_id", "session_id", "content_id"]
            isOneToOne: false
            referencedRelation: "mm_multimedia_sessions"
            referencedColumns: ["company_id", "session_id", "content_id"]
          },
        ]
      }
      mm_multimedia_sessions: {
        Row: {
          audio_files_generated: number
          company_id: string
          completed_at: string | null
          content_id: string
          content_sections: string[]
          current_stage: string | null
          employee_name: string | null
          generation_config: NonNullable<Json>
          module_name: string
          processing_duration_seconds: number | null
          progress_percentage: number
          session_id: string
          session_type: string
          slides_generated: number
          started_at: string
          status: string
          total_assets_generated: number
          video_files_generated: number
        }
        Insert: {
          audio_files_generated?: number
          company_id: string
          completed_at?: string | null
          content_id: string
          content_sections?: string[]
          current_stage?: string | null
          employee_name?: string | null
          generation_config?: NonNullable<Json>
          module_name: string
          processing_duration_seconds?: number | null
          progress_percentage?: number
          session_id?: string
          session_type?: string
          slides_generated?: number
          started_at?: string
          status?: string
          total_assets_generated?: number
          video_files_generated?: number
        }
        Update: {
          audio_files_generated?: number
          company_id?: string
          completed_at?: string | null
          content_id?: string
          content_sections?: string[]
          current_stage?: string | null
          employee_name?: string | null
          generation_config?: NonNullable<Json>
          module_name?: string
          processing_duration_seconds?: number | null
          progress_percentage?: number
          session_id?: string
          session_type?: string
          slides_generated?: number
          started_at?: string
          status?: string
          total_assets_generated?: number
          video_files_generated?: number
        }
        Relationships: [
          {
            foreignKeyName: "mm_multimedia_sessions_company_id_content_id_fkey"
            columns: ["company_id", "content_id"]
            isOneToOne: false
            referencedRelation: "cm_module_content"
            referencedColumns: ["company_id", "content_id"]
          },
          {
            foreignKeyName: "mm_multimedia_sessions_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["id"]
          },
        ]
      }
      mm_rendering_queue: {
        Row: {
          attempts: number
          company_id: string
          completed_at: string | null
          created_at: string
          heartbeat_at: string | null
          job_id: string
          job_type: string
          last_error: string | null
          locked_by: string | null
          locked_until: string | null
          max_attempts: number
          payload: NonNullable<Json>
          priority: number
          result: Json | null
          run_after: string
          session_id: string
          started_at: string | null
          status: string
          updated_at: string
        }
        Insert: {
          attempts?: number
          company_id: string
          completed_at?: string | null
          created_at?: string
          heartbeat_at?: string | null
          job_id?: string
          job_type: string
          last_error?: string | null
          locked_by?: string | null
          locked_until?: string | null
          max_attempts?: number
          payload?: NonNullable<Json>
          priority?: number
          result?: Json | null
          run_after?: string
          session_id: string
          started_at?: string | null
          status?: string
          updated_at?: string
        }
        Update: {
          attempts?: number
          company_id?: string
          completed_at?: string | null
          created_at?: string
          heartbeat_at?: string | null
          job_id?: string
          job_type?: string
          last_error?: string | null
          locked_by?: string | null
          locked_until?: string | null
          max_attempts?: number
          payload?: NonNullable<Json>
          priority?: number
          result?: Json | null
          run_after?: string
          session_id?: string
          started_at?: string | null
          status?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "mm_rendering_queue_company_id_session_id_fkey"
            columns: ["company_id", "session_id"]
            isOneToOne: false
            referencedRelation: "mm_multimedia_sessions"
            referencedColumns: ["company_id", "session_id"]
          },
        ]
      }
      mm_slide_presentations: {
        Row: {
          company_id: string
          content_id: string
          created_at: string
          html_asset_id: string | null
          html_generated: boolean | null
          pdf_asset_id: string | null
          pdf_generated: boolean | null
          pptx_asset_id: string | null
          pptx_generated: boolean | null
          presentation_id: string
          presentation_name: string
          presentation_type: string
          session_id: string
          slide_order: NonNullable<Json>
          status: string
          template_used: string | null
          theme_config: NonNullable<Json>
          total_slides: number | null
        }
        Insert: {
          company_id: string
          content_id: string
          created_at?: string
          html_asset_id?: string | null
          html_generated?: never
          pdf_asset_id?: string | null
          pdf_generated?: never
          pptx_asset_id?: string | null
          pptx_generated?: never
          presentation_id?: string
          presentation_name: string
          presentation_type?: string
          session_id: string
          slide_order?: NonNullable<Json>
          status?: string
          template_used?: string | null
          theme_config?: NonNullable<Json>
          total_slides?: never
        }
        Update: {
          company_id?: string
          content_id?: string
          created_at?: string
          html_asset_id?: string | null
          html_generated?: never
          pdf_asset_id?: string | null
          pdf_generated?: never
          pptx_asset_id?: string | null
          pptx_generated?: never
          presentation_id?: string
          presentation_name?: string
          presentation_type?: string
          session_id?: string
          slide_order?: NonNullable<Json>
          status?: string
          template_used?: string | null
          theme_config?: NonNullable<Json>
          total_slides?: never
        }
        Relationships: [
          {
            foreignKeyName: "mm_slide_presentations_company_id_html_asset_id_session_id_fkey"
            columns: ["company_id", "html_asset_id", "session_id"]
            isOneToOne: false
            referencedRelation: "mm_multimedia_assets"
            referencedColumns: ["company_id", "asset_id", "session_id"]
          },
          {
            foreignKeyName: "mm_slide_presentations_company_id_pdf_asset_id_session_id_fkey"
            columns: ["company_id", "pdf_asset_id", "session_id"]
            isOneToOne: false
            referencedRelation: "mm_multimedia_assets"
            referencedColumns: ["company_id", "asset_id", "session_id"]
          },
          {
            foreignKeyName: "mm_slide_presentations_company_id_pptx_asset_id_session_id_fkey"
            columns: ["company_id", "pptx_asset_id", "session_id"]
            isOneToOne: false
            referencedRelation: "mm_multimedia_assets"
            referencedColumns: ["company_id", "asset_id", "session_id"]
          },
          {
            foreignKeyName: "mm_slide_presentations_company_id_session_id_content_id_fkey"
            columns: ["company_id", "session_id", "content_id"]
            isOneToOne: false
            referencedRelation: "mm_multimedia_sessions"
            referencedColumns: ["company_id", "session_id", "content_id"]
          },
        ]
      }
      processing_timeline: {
        Row: {
          details: NonNullable<Json>
          duration_ms: number | null
          error_message: string | null
          finished_at: string | null
          id: string
          job_id: string
          resource_usage: NonNullable<Json>
          started_at: string
          step: Database["public"]["Enums"]["processing_step"]
          success: boolean | null
        }
        Insert: {
          details?: NonNullable<Json>
          duration_ms?: never
          error_message?: string | null
          finished_at?: string | null
          id?: string
          job_id: string
          resource_usage?: NonNullable<Json>
          started_at?: string
          step: Database["public"]["Enums"]["processing_step"]
          success?: boolean | null
        }
        Update: {
          details?: NonNullable<Json>
          duration_ms?: never
          error_message?: string | null
          finished_at?: string | null
          id?: string
          job_id?: string
          resource_usage?: NonNullable<Json>
          started_at?: string
          step?: Database["public"]["Enums"]["processing_step"]
          success?: boolean | null
        }
        Relationships: [
          {
            foreignKeyName: "processing_timeline_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "active_jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "processing_timeline_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "failed_jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "processing_timeline_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "job_status_realtime"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "processing_timeline_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "job_summary"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "processing_timeline_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
        ]
      }
      project_scenes: {
        Row: {
          created_at: string
          description: string | null
          id: string
          project_id: string
          scene_number: number
          title: string
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          description?: string | null
          id?: string
          project_id: string
          scene_number: number
          title: string
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          description?: string | null
          id?: string
          project_id?: string
          scene_number?: number
          title?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "project_scenes_project_id_user_id_fkey"
            columns: ["project_id", "user_id"]
            isOneToOne: false
            referencedRelation: "video_projects"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      scene_shots: {
        Row: {
          created_at: string
          description: string | null
          id: string
          initial_prompt: string | null
          project_id: string
          scene_id: string
          selected_image_id: string | null
          shot_number: number
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          description?: string | null
          id?: string
          initial_prompt?: string | null
          project_id: string
          scene_id: string
          selected_image_id?: string | null
          shot_number: number
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          description?: string | null
          id?: string
          initial_prompt?: string | null
          project_id?: string
          scene_id?: string
          selected_image_id?: string | null
          shot_number?: number
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "scene_shots_project_id_scene_id_fkey"
            columns: ["project_id", "scene_id"]
            isOneToOne: false
            referencedRelation: "project_scenes"
            referencedColumns: ["project_id", "id"]
          },
          {
            foreignKeyName: "scene_shots_project_id_user_id_fkey"
            columns: ["project_id", "user_id"]
            isOneToOne: false
            referencedRelation: "video_projects"
            referencedColumns: ["id", "user_id"]
          },
          {
            foreignKeyName: "scene_shots_selected_image_id_fkey"
            columns: ["project_id", "selected_image_id"]
            isOneToOne: false
            referencedRelation: "shot_images"
            referencedColumns: ["project_id", "id"]
          },
        ]
      }
      shot_images: {
        Row: {
          created_at: string
          id: string
          image_storage_id: string | null
          image_url: string | null
          is_favorite: boolean
          iteration_number: number
          iteration_prompt: string | null
          metadata: NonNullable<Json>
          parent_image_id: string | null
          project_id: string
          replicate_image_id: string | null
          scene_id: string
          shot_id: string
          status: string
          updated_at: string
          user_id: string
          variant_number: number
        }
        Insert: {
          created_at?: string
          id?: string
          image_storage_id?: string | null
          image_url?: string | null
          is_favorite?: boolean
          iteration_number: number
          iteration_prompt?: string | null
          metadata?: NonNullable<Json>
          parent_image_id?: string | null
          project_id: string
          replicate_image_id?: string | null
          scene_id: string
          shot_id: string
          status?: string
          updated_at?: string
          user_id: string
          variant_number: number
        }
        Update: {
          created_at?: string
          id?: string
          image_storage_id?: string | null
          image_url?: string | null
          is_favorite?: boolean
          iteration_number?: number
          iteration_prompt?: string | null
          metadata?: NonNullable<Json>
          parent_image_id?: string | null
          project_id?: string
          replicate_image_id?: string | null
          scene_id?: string
          shot_id?: string
          status?: string
          updated_at?: string
          user_id?: string
          variant_number?: number
        }
        Relationships: [
          {
            foreignKeyName: "shot_images_project_id_parent_image_id_fkey"
            columns: ["project_id", "parent_image_id"]
            isOneToOne: false
            referencedRelation: "shot_images"
            referencedColumns: ["project_id", "id"]
          },
          {
            foreignKeyName: "shot_images_project_id_scene_id_fkey"
            columns: ["project_id", "scene_id"]
            isOneToOne: false
            referencedRelation: "project_scenes"
            referencedColumns: ["project_id", "id"]
          },
          {
            foreignKeyName: "shot_images_project_id_shot_id_fkey"
            columns: ["project_id", "shot_id"]
            isOneToOne: false
            referencedRelation: "scene_shots"
            referencedColumns: ["project_id", "id"]
          },
          {
            foreignKeyName: "shot_images_project_id_user_id_fkey"
            columns: ["project_id", "user_id"]
            isOneToOne: false
            referencedRelation: "video_projects"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      storage_operations: {
        Row: {
          bucket: string
          bytes: number | null
          created_at: string
          duration_ms: number | null
          error_message: string | null
          id: string
          job_id: string
          metadata: NonNullable<Json>
          object_key: string
          operation: Database["public"]["Enums"]["storage_operation"]
          success: boolean
        }
        Insert: {
          bucket: string
          bytes?: number | null
          created_at?: string
          duration_ms?: number | null
          error_message?: string | null
          id?: string
          job_id: string
          metadata?: NonNullable<Json>
          object_key: string
          operation: Database["public"]["Enums"]["storage_operation"]
          success: boolean
        }
        Update: {
          bucket?: string
          bytes?: number | null
          created_at?: string
          duration_ms?: number | null
          error_message?: string | null
          id?: string
          job_id?: string
          metadata?: NonNullable<Json>
          object_key?: string
          operation?: Database["public"]["Enums"]["storage_operation"]
          success?: boolean
        }
        Relationships: [
          {
            foreignKeyName: "storage_operations_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "active_jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "storage_operations_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "failed_jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "storage_operations_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "job_status_realtime"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "storage_operations_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "job_summary"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "storage_operations_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
        ]
      }
      storyboard_selections: {
        Row: {
          animated_video_url: string | null
          animation_status: string
          created_at: string
          id: string
          project_id: string
          replicate_video_id: string | null
          scene_id: string
          selected_image_id: string
          shot_id: string
          updated_at: string
          user_id: string
        }
        Insert: {
          animated_video_url?: string | null
          animation_status?: string
          created_at?: string
          id?: string
          project_id: string
          replicate_video_id?: string | null
          scene_id: string
          selected_image_id: string
          shot_id: string
          updated_at?: string
          user_id: string
        }
        Update: {
          animated_video_url?: string | null
          animation_status?: string
          created_at?: string
          id?: string
          project_id?: string
          replicate_video_id?: string | null
          scene_id?: string
          selected_image_id?: string
          shot_id?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "storyboard_selections_project_id_scene_id_fkey"
            columns: ["project_id", "scene_id"]
            isOneToOne: false
            referencedRelation: "project_scenes"
            referencedColumns: ["project_id", "id"]
          },
          {
            foreignKeyName: "storyboard_selections_project_id_selected_image_id_fkey"
            columns: ["project_id", "selected_image_id"]
            isOneToOne: false
            referencedRelation: "shot_images"
            referencedColumns: ["project_id", "id"]
          },
          {
            foreignKeyName: "storyboard_selections_project_id_shot_id_fkey"
            columns: ["project_id", "shot_id"]
            isOneToOne: false
            referencedRelation: "scene_shots"
            referencedColumns: ["project_id", "id"]
          },
          {
            foreignKeyName: "storyboard_selections_project_id_user_id_fkey"
            columns: ["project_id", "user_id"]
            isOneToOne: false
            referencedRelation: "video_projects"
            referencedColumns: ["id", "user_id"]
          },
        ]
      }
      system_metrics: {
        Row: {
          critical_threshold: number | null
          id: string
          metric_name: string
          metric_value: number
          recorded_at: string
          tags: NonNullable<Json>
          unit: string | null
          warning_threshold: number | null
        }
        Insert: {
          critical_threshold?: number | null
          id?: string
          metric_name: string
          metric_value: number
          recorded_at?: string
          tags?: NonNullable<Json>
          unit?: string | null
          warning_threshold?: number | null
        }
        Update: {
          critical_threshold?: number | null
          id?: string
          metric_name?: string
          metric_value?: number
          recorded_at?: string
          tags?: NonNullable<Json>
          unit?: string | null
          warning_threshold?: number | null
        }
        Relationships: []
      }
      url_access_logs: {
        Row: {
          accessed_at: string
          bytes_transferred: number | null
          country_code: string | null
          geolocation: NonNullable<Json>
          id: string
          ip_address: unknown
          job_id: string
          referrer: string | null
          response_time_ms: number | null
          status_code: number | null
          url: string
          user_agent: string | null
        }
        Insert: {
          accessed_at?: string
          bytes_transferred?: number | null
          country_code?: string | null
          geolocation?: NonNullable<Json>
          id?: string
          ip_address?: unknown
          job_id: string
          referrer?: string | null
          response_time_ms?: number | null
          status_code?: number | null
          url: string
          user_agent?: string | null
        }
        Update: {
          accessed_at?: string
          bytes_transferred?: number | null
          country_code?: string | null
          geolocation?: NonNullable<Json>
          id?: string
          ip_address?: unknown
          job_id?: string
          referrer?: string | null
          response_time_ms?: number | null
          status_code?: number | null
          url?: string
          user_agent?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "url_access_logs_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "active_jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "url_access_logs_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "failed_jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "url_access_logs_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "job_status_realtime"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "url_access_logs_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "job_summary"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "url_access_logs_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
        ]
      }
      video_projects: {
        Row: {
          created_at: string
          id: string
          prompt: string
          prompt_planner_data: Json | null
          redesign_status: string | null
          title: string | null
          updated_at: string
          user_id: string
          workflow_version: string
        }
        Insert: {
          created_at?: string
          id?: string
          prompt: string
          prompt_planner_data?: Json | null
          redesign_status?: string | null
          title?: string | null
          updated_at?: string
          user_id?: string
          workflow_version?: string
        }
        Update: {
          created_at?: string
          id?: string
          prompt?: string
          prompt_planner_data?: Json | null
          redesign_status?: string | null
          title?: string | null
          updated_at?: string
          user_id?: string
          workflow_version?: string
        }
        Relationships: []
      }
    }
    Views: {
      active_jobs: {
        Row: {
          created_at: string | null
          current_step: Database["public"]["Enums"]["processing_step"] | null
          id: string | null
          last_activity_at: string | null
          output_format: string | null
          processing_health: string | null
          progress_percentage: number | null
          response_type: Database["public"]["Enums"]["response_type"] | null
          started_at: string | null
          status: Database["public"]["Enums"]["job_status"] | null
          time_since_activity: string | null
          user_id: string | null
        }
        Relationships: []
      }
      daily_job_stats: {
        Row: {
          active_jobs: number | null
          avg_processing_time_ms: number | null
          cancelled_jobs: number | null
          completed_jobs: number | null
          day: string | null
          failed_jobs: number | null
          p95_processing_time_ms: number | null
          success_rate: number | null
          timeout_jobs: number | null
          total_jobs: number | null
          total_output_bytes: number | null
        }
        Relationships: []
      }
      element_type_stats: {
        Row: {
          avg_duration_seconds: number | null
          completed: number | null
          elements: number | null
          failed: number | null
          jobs: number | null
          type: Database["public"]["Enums"]["element_type"] | null
        }
        Relationships: []
      }
      failed_jobs: {
        Row: {
          client_ip: unknown
          created_at: string | null
          current_step: Database["public"]["Enums"]["processing_step"] | null
          error_code: string | null
          error_message: string | null
          failed_at: string | null
          failed_step: Database["public"]["Enums"]["processing_step"] | null
          id: string | null
          output_format: string | null
          progress_percentage: number | null
          started_at: string | null
          status: Database["public"]["Enums"]["job_status"] | null
          step_error_message: string | null
          user_id: string | null
        }
        Relationships: []
      }
      hourly_processing_load: {
        Row: {
          avg_processing_time_ms: number | null
          hour_start: string | null
          jobs_completed: number | null
          jobs_failed: number | null
          jobs_started: number | null
        }
        Relationships: []
      }
      job_status_realtime: {
        Row: {
          current_step: Database["public"]["Enums"]["processing_step"] | null
          error_message: string | null
          id: string | null
          progress_percentage: number | null
          result_url: string | null
          status: Database["public"]["Enums"]["job_status"] | null
          updated_at: string | null
        }
        Insert: {
          current_step?: Database["public"]["Enums"]["processing_step"] | null
          error_message?: string | null
          id?: string | null
          progress_percentage?: number | null
          result_url?: string | null
          status?: Database["public"]["Enums"]["job_status"] | null
          updated_at?: string | null
        }
        Update: {
          current_step?: Database["public"]["Enums"]["processing_step"] | null
          error_message?: string | null
          id?: string | null
          progress_percentage?: number | null
          result_url?: string | null
          status?: Database["public"]["Enums"]["job_status"] | null
          updated_at?: string | null
        }
        Relationships: []
      }
      job_summary: {
        Row: {
          access_count: number | null
          bytes_uploaded: number | null
          client_ip: unknown
          completed_at: string | null
          created_at: string | null
          current_step: Database["public"]["Enums"]["processing_step"] | null
          duration_seconds: number | null
          element_count: number | null
          element_types: string[] | null
          error_code: string | null
          error_message: string | null
          expires_at: string | null
          file_size: number | null
          fps: number | null
          height: number | null
          id: string | null
          output_format: string | null
          processing_time_ms: number | null
          progress_percentage: number | null
          response_type: Database["public"]["Enums"]["response_type"] | null
          result_url: string | null
          started_at: string | null
          status: Database["public"]["Enums"]["job_status"] | null
          steps_completed: number | null
          steps_failed: number | null
          storage_operations: number | null
          user_id: string | null
          width: number | null
        }
        Relationships: []
      }
      recent_errors: {
        Row: {
          detail: string | null
          error_code: string | null
          error_message: string | null
          job_id: string | null
          occurred_at: string | null
          source: string | null
        }
        Relationships: []
      }
      step_performance: {
        Row: {
          avg_duration_ms: number | null
          executions: number | null
          failed: number | null
          max_duration_ms: number | null
          p95_duration_ms: number | null
          running: number | null
          step: Database["public"]["Enums"]["processing_step"] | null
          success_rate: number | null
          successful: number | null
        }
        Relationships: []
      }
      storage_usage: {
        Row: {
          avg_duration_ms: number | null
          bucket: string | null
          failed: number | null
          last_operation_at: string | null
          operation: Database["public"]["Enums"]["storage_operation"] | null
          operations: number | null
          successful: number | null
          total_bytes: number | null
        }
        Relationships: []
      }
      system_health: {
        Row: {
          avg_last_hour: number | null
          critical_threshold: number | null
          last_recorded_at: string | null
          latest_value: number | null
          metric_name: string | null
          samples_last_hour: number | null
          status: string | null
          unit: string | null
          warning_threshold: number | null
        }
        Relationships: []
      }
      url_access_stats: {
        Row: {
          access_count: number | null
          avg_response_time_ms: number | null
          countries: string[] | null
          error_count: number | null
          first_access_at: string | null
          job_id: string | null
          last_access_at: string | null
          total_bytes: number | null
          unique_ips: number | null
        }
        Relationships: [
          {
            foreignKeyName: "url_access_logs_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "active_jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "url_access_logs_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "failed_jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "url_access_logs_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "job_status_realtime"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "url_access_logs_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "job_summary"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "url_access_logs_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
        ]
      }
      video_project_progress: {
        Row: {
          project_id: string | null
          reached_status: string | null
          shots_with_animations: number | null
          shots_with_selections: number | null
          total_scenes: number | null
          total_shots: number | null
        }
        Relationships: []
      }
    }
    Functions: {
      add_job_element: {
        Args: {
          p_duration?: number
          p_fit_mode?: Database["public"]["Enums"]["fit_mode"]
          p_height?: number
          p_job_id: string
          p_layer_order?: number
          p_metadata?: Json
          p_position_x?: number
          p_position_y?: number
          p_source_url?: string
          p_start_time?: number
          p_text_content?: string
          p_type: Database["public"]["Enums"]["element_type"]
          p_width?: number
        }
        Returns: string
      }
      add_job_elements: {
        Args: { p_elements: Json; p_job_id: string }
        Returns: string[]
      }
      batch_create_shot_images: {
        Args: {
          p_images: Json
          p_iteration_number?: number
          p_iteration_prompt?: string
          p_parent_image_id?: string
          p_project_id?: string
          p_scene_id?: string
          p_shot_id: string
        }
        Returns: string[]
      }
      calculate_job_duration: { Args: { p_job_id: string }; Returns: number }
      calculate_job_progress: { Args: { p_job_id: string }; Returns: number }
      cancel_job: {
        Args: { p_job_id: string; p_reason?: string }
        Returns: undefined
      }
      check_rate_limit: {
        Args: { p_client_ip: string; p_interval: string; p_limit: number }
        Returns: boolean
      }
      claim_rendering_job: {
        Args: {
          p_company_id?: string
          p_job_types?: string[]
          p_lease_seconds?: number
          p_worker_id: string
        }
        Returns: {
          attempts: number
          company_id: string
          completed_at: string | null
          created_at: string
          heartbeat_at: string | null
          job_id: string
          job_type: string
          last_error: string | null
          locked_by: string | null
          locked_until: string | null
          max_attempts: number
          payload: NonNullable<Json>
          priority: number
          result: Json | null
          run_after: string
          session_id: string
          started_at: string | null
          status: string
          updated_at: string
        }[]
        SetofOptions: {
          from: "*"
          to: "mm_rendering_queue"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      cleanup_old_jobs: {
        Args: { p_batch_size?: number; p_days?: number; p_max_batches?: number }
        Returns: number
      }
      cleanup_old_metrics: {
        Args: { p_batch_size?: number; p_days?: number; p_max_batches?: number }
        Returns: number
      }
      cm_caller_company_id: { Args: { p_company_id?: string }; Returns: string }
      cm_content_sections: {
        Args: Record<PropertyKey, never>
        Returns: string[]
      }
      complete_dreamcut_query: {
        Args: {
          p_cost_estimate?: number
          p_models_used?: string[]
          p_payload: Json
          p_processing_time_ms?: number
          p_query_id: string
        }
        Returns: undefined
      }
      complete_enhancement_session: {
        Args: {
          p_company_id?: string
          p_content_regenerated?: boolean
          p_research_conducted?: boolean
          p_session_id: string
          p_status?: string
        }
        Returns: {
          company_id: string
          completed_at: string | null
          content_id: string
          content_regenerated: boolean
          created_at: string
          enhancement_type: string
          quality_assessment_id: string | null
          research_conducted: boolean
          sections_preserved: string[]
          sections_to_enhance: string[]
          session_id: string
          status: string
        }
        SetofOptions: {
          from: "*"
          to: "cm_enhancement_sessions"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      complete_job: {
        Args: {
          p_expires_at?: string
          p_file_size_bytes?: number
          p_job_id: string
          p_result_url: string
          p_s3_bucket?: string
          p_s3_key?: string
        }
        Returns: undefined
      }
      complete_processing_step: {
        Args: {
          p_details?: Json
          p_error_message?: string
          p_job_id?: string
          p_resource_usage?: Json
          p_success?: boolean
          p_timeline_id: string
        }
        Returns: number
      }
      complete_rendering_job: {
        Args: {
          p_company_id?: string
          p_job_id: string
          p_result?: Json
          p_worker_id: string
        }
        Returns: {
          attempts: number
          company_id: string
          completed_at: string | null
          created_at: string
          heartbeat_at: string | null
          job_id: string
          job_type: string
          last_error: string | null
          locked_by: string | null
          locked_until: string | null
          max_attempts: number
          payload: NonNullable<Json>
          priority: number
          result: Json | null
          run_after: string
          session_id: string
          started_at: string | null
          status: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "mm_rendering_queue"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      create_job: {
        Args: {
          p_client_ip?: unknown
          p_duration_seconds?: number
          p_fps?: number
          p_height: number
          p_metadata?: Json
          p_output_format: string
          p_response_type?: Database["public"]["Enums"]["response_type"]
          p_user_agent?: string
          p_user_id?: string
          p_width: number
        }
        Returns: string
      }
      create_module_content: {
        Args: {
          p_company_id?: string
          p_employee_name?: string
          p_module_name: string
          p_module_spec?: Json
          p_priority_level?: string
          p_research_context?: Json
          p_session_id?: string
        }
        Returns: string
      }
      create_multimedia_session: {
        Args: {
          p_company_id?: string
          p_content_id: string
          p_content_sections?: string[]
          p_employee_name?: string
          p_generation_config?: Json
          p_module_name?: string
          p_session_type?: string
        }
        Returns: string
      }
      create_project_scene: {
        Args: {
          p_description?: string
          p_project_id: string
          p_scene_number: number
          p_title: string
        }
        Returns: string
      }
      create_redesign_project: {
        Args: {
          p_prompt: string
          p_prompt_planner_data?: Json
          p_title?: string
          p_user_id?: string
        }
        Returns: string
      }
      create_scene_shot: {
        Args: {
          p_description?: string
          p_initial_prompt?: string
          p_project_id?: string
          p_scene_id: string
          p_shot_number: number
        }
        Returns: string
      }
      create_scene_with_shots: {
        Args: {
          p_description?: string
          p_project_id: string
          p_scene_number: number
          p_shots?: Json
          p_title: string
        }
        Returns: Json
      }
      create_shot_image: {
        Args: {
          p_image_storage_id?: string
          p_image_url?: string
          p_iteration_number: number
          p_iteration_prompt?: string
          p_metadata?: Json
          p_parent_image_id?: string
          p_project_id?: string
          p_replicate_image_id?: string
          p_shot_id: string
          p_status?: string
          p_variant_number: number
        }
        Returns: string
      }
      create_storyboard_selection: {
        Args: {
          p_project_id?: string
          p_scene_id?: string
          p_selected_image_id: string
          p_shot_id: string
        }
        Returns: string
      }
      delete_project_scene: {
        Args: { p_project_id?: string; p_scene_id: string }
        Returns: undefined
      }
      delete_redesign_project: {
        Args: { p_project_id: string }
        Returns: undefined
      }
      delete_scene_shot: {
        Args: { p_project_id?: string; p_shot_id: string }
        Returns: undefined
      }
      delete_shot_image: {
        Args: { p_image_id: string; p_project_id?: string }
        Returns: undefined
      }
      enforce_data_retention: {
        Args: {
          p_access_log_days?: number
          p_job_days?: number
          p_metric_days?: number
          p_security_event_days?: number
        }
        Returns: Json
      }
      enqueue_rendering_job: {
        Args: {
          p_company_id?: string
          p_job_type: string
          p_max_attempts?: number
          p_payload?: Json
          p_priority?: number
          p_run_after?: string
          p_session_id: string
        }
        Returns: string
      }
      fail_dreamcut_query: {
        Args: { p_error_message: string; p_query_id: string }
        Returns: undefined
      }
      fail_rendering_job: {
        Args: {
          p_company_id?: string
          p_error: string
          p_job_id: string
          p_retry?: boolean
          p_retry_delay_seconds?: number
          p_worker_id: string
        }
        Returns: {
          attempts: number
          company_id: string
          completed_at: string | null
          created_at: string
          heartbeat_at: string | null
          job_id: string
          job_type: string
          last_error: string | null
          locked_by: string | null
          locked_until: string | null
          max_attempts: number
          payload: NonNullable<Json>
          priority: number
          result: Json | null
          run_after: string
          session_id: string
          started_at: string | null
          status: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "mm_rendering_queue"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      get_content_sections: {
        Args: { p_company_id?: string; p_content_id: string }
        Returns: {
          section_content: string
          section_name: string
          section_order: number
          word_count: number
        }[]
      }
      get_job_statistics: {
        Args: { p_end_date?: string; p_start_date?: string }
        Returns: {
          avg_processing_time_ms: number
          by_format: Json
          by_response_type: Json
          cancelled_jobs: number
          completed_jobs: number
          failed_jobs: number
          p95_processing_time_ms: number
          pending_jobs: number
          processing_jobs: number
          success_rate: number
          timeout_jobs: number
          total_jobs: number
          total_output_bytes: number
        }[]
      }
      get_latest_iteration_number: {
        Args: { p_project_id?: string; p_shot_id: string }
        Returns: number
      }
      get_latest_quality_assessment: {
        Args: { p_company_id?: string; p_content_id: string }
        Returns: {
          accuracy_score: number | null
          assessed_at: string
          assessment_id: string
          clarity_score: number | null
          company_id: string
          completeness_score: number | null
          content_id: string
          critical_issues: string[]
          engagement_score: number | null
          overall_score: number
          passed: boolean
          personalization_score: number | null
          quality_feedback: string | null
          requires_revision: boolean
          section_scores: NonNullable<Json>
          sections_needing_work: string[]
        }
        SetofOptions: {
          from: "*"
          to: "cm_quality_assessments"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      get_module_content: {
        Args: { p_company_id?: string; p_content_id: string }
        Returns: {
          assessments: string | null
          case_studies: string | null
          company_id: string
          content_id: string
          core_content: string | null
          created_at: string
          employee_name: string | null
          introduction: string | null
          module_name: string
          module_spec: NonNullable<Json>
          practical_applications: string | null
          priority_level: string
          research_context: NonNullable<Json>
          revision_count: number
          search_vector: unknown
          section_word_counts: Json | null
          session_id: string | null
          status: string
          total_word_count: number | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "cm_module_content"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      get_multimedia_session: {
        Args: { p_company_id?: string; p_session_id: string }
        Returns: {
          audio_files_generated: number
          company_id: string
          completed_at: string | null
          content_id: string
          content_sections: string[]
          current_stage: string | null
          employee_name: string | null
          generation_config: NonNullable<Json>
          module_name: string
          processing_duration_seconds: number | null
          progress_percentage: number
          session_id: string
          session_type: string
          slides_generated: number
          started_at: string
          status: string
          total_assets_generated: number
          video_files_generated: number
        }
        SetofOptions: {
          from: "*"
          to: "mm_multimedia_sessions"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      get_project_progress: { Args: { p_project_id: string }; Returns: Json }
      get_shot_images_by_iteration: {
        Args: { p_project_id?: string; p_shot_id: string }
        Returns: Json
      }
      get_storage_statistics: {
        Args: { p_end_date?: string; p_start_date?: string }
        Returns: {
          avg_duration_ms: number
          failed_operations: number
          operation: Database["public"]["Enums"]["storage_operation"]
          p95_duration_ms: number
          successful_operations: number
          total_bytes: number
          total_operations: number
        }[]
      }
      heartbeat_rendering_job: {
        Args: {
          p_company_id?: string
          p_job_id: string
          p_lease_seconds?: number
          p_worker_id: string
        }
        Returns: string
      }
      initialize_dreamcut_query: {
        Args: {
          p_assets?: Json
          p_intent?: string
          p_options?: Json
          p_user_id: string
          p_user_prompt: string
        }
        Returns: string
      }
      is_scene_storyboard_complete: {
        Args: { p_project_id?: string; p_scene_id: string }
        Returns: boolean
      }
      list_session_assets: {
        Args: {
          p_asset_type?: string
          p_company_id?: string
          p_session_id: string
        }
        Returns: {
          asset_id: string
          asset_name: string
          asset_type: string
          company_id: string
          content_id: string
          created_at: string
          duration_seconds: number | null
          file_path: string | null
          file_size_bytes: number | null
          generation_config: NonNullable<Json>
          mime_type: string | null
          public_url: string | null
          section_name: string
          session_id: string
          status: string
          storage_bucket: string
          storage_path: string
        }[]
        SetofOptions: {
          from: "*"
          to: "mm_multimedia_assets"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      log_security_event: {
        Args: { p_details?: Json; p_event_type: string }
        Returns: string
      }
      log_storage_operation: {
        Args: {
          p_bucket: string
          p_bytes?: number
          p_duration_ms?: number
          p_error_message?: string
          p_job_id: string
          p_metadata?: Json
          p_object_key: string
          p_operation: Database["public"]["Enums"]["storage_operation"]
          p_success?: boolean
        }
        Returns: string
      }
      log_url_access: {
        Args: {
          p_bytes_transferred?: number
          p_country_code?: string
          p_geolocation?: Json
          p_ip_address?: unknown
          p_job_id: string
          p_referrer?: string
          p_response_time_ms?: number
          p_status_code?: number
          p_url: string
          p_user_agent?: string
        }
        Returns: string
      }
      mm_storage_path: {
        Args: {
          p_asset_type: string
          p_at?: string
          p_filename: string
          p_section_name: string
        }
        Returns: string
      }
      record_system_metric: {
        Args: {
          p_critical_threshold?: number
          p_metric_name: string
          p_metric_value: number
          p_tags?: Json
          p_unit?: string
          p_warning_threshold?: number
        }
        Returns: string
      }
      register_audio_narration: {
        Args: {
          p_audio_segments?: Json
          p_company_id?: string
          p_master_audio_id?: string
          p_narration_name: string
          p_narration_type?: string
          p_script_content?: string
          p_section_name?: string
          p_session_id: string
          p_status?: string
          p_total_duration_seconds?: number
          p_voice_config?: Json
        }
        Returns: string
      }
      register_multimedia_asset: {
        Args: {
          p_asset_name?: string
          p_asset_type?: string
          p_company_id?: string
          p_content_id?: string
          p_duration_seconds?: number
          p_file_path?: string
          p_file_size_bytes?: number
          p_generation_config?: Json
          p_mime_type?: string
          p_public_url?: string
          p_section_name?: string
          p_session_id: string
          p_status?: string
          p_storage_bucket?: string
          p_storage_path?: string
        }
        Returns: string
      }
      register_multimedia_assets: {
        Args: { p_assets: Json; p_company_id?: string; p_session_id: string }
        Returns: {
          asset_id: string
          ordinal: number
          storage_path: string
        }[]
      }
      register_slide_presentation: {
        Args: {
          p_company_id?: string
          p_html_asset_id?: string
          p_pdf_asset_id?: string
          p_pptx_asset_id?: string
          p_presentation_name: string
          p_presentation_type?: string
          p_session_id: string
          p_slide_order?: Json
          p_status?: string
          p_template_used?: string
          p_theme_config?: Json
        }
        Returns: string
      }
      search_module_content: {
        Args: {
          p_company_id?: string
          p_limit?: number
          p_query: string
          p_status?: string
        }
        Returns: {
          content_id: string
          employee_name: string
          headline: string
          module_name: string
          rank: number
          status: string
        }[]
      }
      select_master_shot: {
        Args: {
          p_project_id?: string
          p_scene_id?: string
          p_selected_image_id: string
          p_shot_id: string
        }
        Returns: string
      }
      start_enhancement_session: {
        Args: {
          p_company_id?: string
          p_content_id: string
          p_enhancement_type: string
          p_quality_assessment_id?: string
          p_sections_to_enhance?: string[]
        }
        Returns: string
      }
      start_processing_step: {
        Args: {
          p_details?: Json
          p_job_id: string
          p_step: Database["public"]["Enums"]["processing_step"]
        }
        Returns: string
      }
      store_course_plan: {
        Args: {
          p_company_id?: string
          p_course_duration_weeks?: number
          p_course_structure: Json
          p_course_title: string
          p_employee_id: string
          p_employee_name?: string
          p_employee_profile?: Json
          p_learning_path?: Json
          p_prioritized_gaps?: Json
          p_research_strategy?: Json
          p_session_id?: string
          p_status?: string
          p_total_modules?: number
        }
        Returns: string
      }
      store_quality_assessment: {
        Args: {
          p_accuracy_score?: number
          p_clarity_score?: number
          p_company_id?: string
          p_completeness_score?: number
          p_content_id: string
          p_critical_issues?: string[]
          p_engagement_score?: number
          p_overall_score: number
          p_passed?: boolean
          p_personalization_score?: number
          p_quality_feedback?: string
          p_requires_revision?: boolean
          p_section_scores?: Json
          p_sections_needing_work?: string[]
        }
        Returns: string
      }
      store_research_results: {
        Args: {
          p_company_id?: string
          p_content_library?: Json
          p_module_mappings?: Json
          p_plan_id: string
          p_research_findings: Json
          p_search_queries?: string[]
          p_session_id?: string
          p_sources_analyzed?: string[]
          p_status?: string
          p_total_sources?: number
          p_total_topics?: number
        }
        Returns: string
      }
      timeout_stale_jobs: {
        Args: { p_pending_after?: string; p_stale_after?: string }
        Returns: number
      }
      toggle_shot_image_favorite: {
        Args: { p_image_id: string; p_project_id?: string }
        Returns: boolean
      }
      update_asset_progress: {
        Args: {
          p_analysis?: Json
          p_asset_id: string
          p_confidence_score?: number
          p_emoji?: string
          p_error_message?: string
          p_message?: string
          p_message_type?: string
          p_model_used?: string
          p_processing_time_ms?: number
          p_progress?: number
          p_quality_score?: number
          p_query_id?: string
          p_status?: string
          p_worker_id?: string
        }
        Returns: undefined
      }
      update_content_status: {
        Args: { p_company_id?: string; p_content_id: string; p_status: string }
        Returns: {
          assessments: string | null
          case_studies: string | null
          company_id: string
          content_id: string
          core_content: string | null
          created_at: string
          employee_name: string | null
          introduction: string | null
          module_name: string
          module_spec: NonNullable<Json>
          practical_applications: string | null
          priority_level: string
          research_context: NonNullable<Json>
          revision_count: number
          search_vector: unknown
          section_word_counts: Json | null
          session_id: string | null
          status: string
          total_word_count: number | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "cm_module_content"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      update_element_status: {
        Args: {
          p_element_id: string
          p_error_message?: string
          p_job_id?: string
          p_local_path?: string
          p_status: string
        }
        Returns: undefined
      }
      update_job_progress: {
        Args: {
          p_current_step?: Database["public"]["Enums"]["processing_step"]
          p_job_id: string
          p_progress: number
        }
        Returns: undefined
      }
      update_job_status: {
        Args: {
          p_error_code?: string
          p_error_message?: string
          p_job_id: string
          p_status: Database["public"]["Enums"]["job_status"]
        }
        Returns: undefined
      }
      update_module_section: {
        Args: {
          p_company_id?: string
          p_content_id: string
          p_section_content: string
          p_section_name: string
        }
        Returns: {
          assessments: string | null
          case_studies: string | null
          company_id: string
          content_id: string
          core_content: string | null
          created_at: string
          employee_name: string | null
          introduction: string | null
          module_name: string
          module_spec: NonNullable<Json>
          practical_applications: string | null
          priority_level: string
          research_context: NonNullable<Json>
          revision_count: number
          search_vector: unknown
          section_word_counts: Json | null
          session_id: string | null
          status: string
          total_word_count: number | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "cm_module_content"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      update_module_sections: {
        Args: { p_company_id?: string; p_content_id: string; p_sections: Json }
        Returns: {
          assessments: string | null
          case_studies: string | null
          company_id: string
          content_id: string
          core_content: string | null
          created_at: string
          employee_name: string | null
          introduction: string | null
          module_name: string
          module_spec: NonNullable<Json>
          practical_applications: string | null
          priority_level: string
          research_context: NonNullable<Json>
          revision_count: number
          search_vector: unknown
          section_word_counts: Json | null
          session_id: string | null
          status: string
          total_word_count: number | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "cm_module_content"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      update_project_scene: {
        Args: {
          p_description?: string
          p_project_id?: string
          p_scene_id: string
          p_scene_number?: number
          p_title?: string
        }
        Returns: undefined
      }
      update_redesign_project: {
        Args: {
          p_project_id: string
          p_prompt?: string
          p_prompt_planner_data?: Json
          p_title?: string
        }
        Returns: undefined
      }
      update_redesign_status: {
        Args: { p_project_id: string; p_status: string }
        Returns: undefined
      }
      update_scene_shot: {
        Args: {
          p_description?: string
          p_initial_prompt?: string
          p_project_id?: string
          p_shot_id: string
          p_shot_number?: number
        }
        Returns: undefined
      }
      update_session_status: {
        Args: {
          p_company_id?: string
          p_current_stage?: string
          p_processing_duration_seconds?: number
          p_progress_percentage?: number
          p_session_id: string
          p_status?: string
        }
        Returns: {
          audio_files_generated: number
          company_id: string
          completed_at: string | null
          content_id: string
          content_sections: string[]
          current_stage: string | null
          employee_name: string | null
          generation_config: NonNullable<Json>
          module_name: string
          processing_duration_seconds: number | null
          progress_percentage: number
          session_id: string
          session_type: string
          slides_generated: number
          started_at: string
          status: string
          total_assets_generated: number
          video_files_generated: number
        }
        SetofOptions: {
          from: "*"
          to: "mm_multimedia_sessions"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      update_shot_image: {
        Args: {
          p_image_id: string
          p_image_storage_id?: string
          p_image_url?: string
          p_is_favorite?: boolean
          p_iteration_prompt?: string
          p_metadata?: Json
          p_project_id?: string
          p_replicate_image_id?: string
          p_status?: string
        }
        Returns: undefined
      }
      update_shot_image_status: {
        Args: {
          p_image_id: string
          p_image_url?: string
          p_project_id?: string
          p_status: string
        }
        Returns: undefined
      }
      update_storyboard_animation: {
        Args: {
          p_animated_video_url?: string
          p_animation_status: string
          p_project_id?: string
          p_replicate_video_id?: string
          p_selection_id: string
        }
        Returns: undefined
      }
    }
    Enums: {
      element_type: "video" | "image" | "audio" | "text" | "overlay"
      fit_mode: "auto" | "contain" | "cover" | "fill" | "stretch"
      job_status:
        | "pending"
        | "processing"
        | "completed"
        | "failed"
        | "cancelled"
        | "timeout"
      processing_step:
        | "validation"
        | "download"
        | "processing"
        | "composition"
        | "encoding"
        | "upload"
        | "cleanup"
      response_type: "immediate" | "async"
      storage_operation: "upload" | "download" | "delete" | "access"
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {
      element_type: ["video", "image", "audio", "text", "overlay"],
      fit_mode: ["auto", "contain", "cover", "fill", "stretch"],
      job_status: [
        "pending",
        "processing",
        "completed",
        "failed",
        "cancelled",
        "timeout",
      ],
      processing_step: [
        "validation",
        "download",
        "processing",
        "composition",
        "encoding",
        "upload",
        "cleanup",
      ],
      response_type: ["immediate", "async"],
      storage_operation: ["upload", "download", "delete", "access"],
    },
  },
} as const
