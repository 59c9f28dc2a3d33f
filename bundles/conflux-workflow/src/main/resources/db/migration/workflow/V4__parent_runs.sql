-- A child run names its parent run and the parent's step that waits for it: the engine resumes
-- that step when the child ends, also after a restart, and cancels a cancelled parent's children.
ALTER TABLE wf_run ADD COLUMN parent_run_id VARCHAR(36);
ALTER TABLE wf_run ADD COLUMN parent_step VARCHAR(80);
CREATE INDEX wf_run_parent ON wf_run (parent_run_id);
