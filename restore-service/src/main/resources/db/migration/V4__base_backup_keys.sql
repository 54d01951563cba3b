-- Where each base backup lives, so a PITR restore can start from it.
ALTER TABLE known_base_backup ADD COLUMN object_key text;
