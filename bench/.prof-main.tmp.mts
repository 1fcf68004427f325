import { benchFeedPollCycle } from '/work/main/bench/feed-poll-cycle.ts';
await benchFeedPollCycle({ emit: (r) => console.log(JSON.stringify(r).slice(0, 300)), note: (m) => console.error(m) }, { feeds: 1000, budgetMs: 1 });
