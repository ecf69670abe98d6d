-- V2: what users see of the host-decided cache, per step, and a run's export receipts.
ALTER TABLE steps ADD COLUMN cache TEXT;      -- (projected) hit | miss | off: the last attempt's cache decision
ALTER TABLE steps ADD COLUMN cache_key TEXT;  -- (projected) the key it was decided for (absent when off)
