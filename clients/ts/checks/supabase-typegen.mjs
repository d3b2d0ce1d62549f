// What Supabase's own generator (@supabase/postgrest-typegen, behind `supabase gen types typescript`) makes of
// a database: `node checks/supabase-typegen.mjs postgresql://... > supabase.ts`. tests/clients compares it
// with `dreamcut-db types typescript` on the same database (they must be equal, byte for byte).
import pg from "pg"
import { generateTypescript, introspect, sortGeneratorMetadata } from "@supabase/postgrest-typegen"

const url = process.argv[2]
if (!url) {
  console.error("usage: node checks/supabase-typegen.mjs DATABASE_URL")
  process.exit(2)
}
const pool = new pg.Pool({ connectionString: url })
try {
  const metadata = await introspect(pool, { includedSchemas: ["public"] })
  // As the Supabase CLI asks for it: relationships say whether they are one-to-one.
  process.stdout.write(await generateTypescript(sortGeneratorMetadata(metadata), { detectOneToOneRelationships: true }))
} finally {
  await pool.end()
}
