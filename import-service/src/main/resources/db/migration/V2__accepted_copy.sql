-- The frozen copy of an uploaded dump that the worker loads: the upload itself stays writable through its presigned
-- URL until that expires. Imports accepted before this column existed keep it null and load the upload's own key.
ALTER TABLE import_job ADD COLUMN accepted_key text;
