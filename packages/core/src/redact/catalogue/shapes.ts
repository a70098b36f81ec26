/**
 * Regex sources shared by formats and by the engine: no anchors, flags or groups, so that each
 * user can embed them (`pat-na1-${UUID_SOURCE}`) or anchor them.
 */

/** A UUID in its canonical lower-case form, 8-4-4-4-12 hex digits. */
export const UUID_SOURCE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
