-- A cutover's promotion restore records the pre-cutover backup it is protected by (for the audit event).
ALTER TABLE restore ADD COLUMN pre_cutover_backup_id uuid;
CREATE UNIQUE INDEX restore_cutover ON restore (project_id, correlation_id) WHERE source_kind = 'preview';
