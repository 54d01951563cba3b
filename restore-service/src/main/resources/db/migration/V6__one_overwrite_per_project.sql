-- At most one queued or running overwrite (of production or of a preview) per project requested through the API:
-- the API's check-then-insert let concurrent requests through (9 of 50 in the fault suite). Cutover promotions
-- (source_kind 'preview') are left to the worker's exclusive project lock, as before: refusing their row here
-- would leave the cutover without an answer.
CREATE UNIQUE INDEX restore_one_overwrite ON restore (project_id)
    WHERE target_kind <> 'new_preview' AND source_kind <> 'preview' AND status IN ('PENDING', 'RUNNING');
