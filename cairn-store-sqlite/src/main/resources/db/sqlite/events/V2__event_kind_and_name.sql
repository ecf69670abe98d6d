-- V2: each event's kind ('kernel' or 'domain') and name (the kernel event's variant, or the domain
-- event's name), so readers select events without decoding bodies (resume reads kernel events
-- only). Rows written before V2 get theirs from their bodies.
ALTER TABLE events ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN name TEXT NOT NULL DEFAULT '';

UPDATE events
SET kind = CASE WHEN json_type(body, '$.Kernel') IS NOT NULL THEN 'kernel' ELSE 'domain' END,
    name = CASE
        WHEN json_type(body, '$.Kernel') IS NOT NULL THEN (SELECT key FROM json_each(body, '$.Kernel') LIMIT 1)
        ELSE json_extract(body, '$.Domain.name')
    END;
