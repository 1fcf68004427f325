/** The demo's feeds and posts (data/demo/posts.yaml), validated. */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';

const feedSchema = z.object({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  format: z.enum(['rss', 'atom', 'json']),
  weight: z.number().default(1),
});

const postSchema = z.object({
  feed: z.string(),
  at: z.string().transform((s, ctx) => {
    const ms = Date.parse(s);
    if (Number.isNaN(ms)) ctx.addIssue({ code: 'custom', message: `not an ISO time: ${s}` });
    return ms;
  }),
  link: z.string().url(),
  title: z.string(),
  html: z.string(),
});

export const demoScriptSchema = z.object({ feeds: z.array(feedSchema), posts: z.array(postSchema) });
export type DemoScript = z.infer<typeof demoScriptSchema>;
export type DemoFeed = DemoScript['feeds'][number];
export type DemoPost = DemoScript['posts'][number];

export async function loadDemoScript(file: string): Promise<DemoScript> {
  return demoScriptSchema.parse(parse(await readFile(file, 'utf8')));
}
