/**
 * Refusals (issue #6): an alert the chat platform refuses outright (a 400) counts
 * against that alert only. `refusals` is the part of `attempts` that were such
 * refusals, so the destination's failure streak and an alert's refusal cap each
 * count what concerns them.
 */
export default `
  ALTER TABLE deliveries ADD COLUMN refusals INTEGER NOT NULL DEFAULT 0;
  `;
