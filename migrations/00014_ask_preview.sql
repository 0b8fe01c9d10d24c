-- A question in Ask is a model (and embedding) call too: its outbound preview is recorded like the others.
ALTER TABLE session_outbound_previews DROP CONSTRAINT session_outbound_previews_purpose_check;
ALTER TABLE session_outbound_previews ADD CONSTRAINT session_outbound_previews_purpose_check
  CHECK (purpose IN ('suggest', 'summary', 'reply', 'briefing', 'embed', 'ask'));
