-- V3: the outputs a cache hit served, so a step that ran no task still shows what it produced.
ALTER TABLE steps ADD COLUMN cache_outputs TEXT; -- (projected) JSON array of OutputArtifact, on a hit
