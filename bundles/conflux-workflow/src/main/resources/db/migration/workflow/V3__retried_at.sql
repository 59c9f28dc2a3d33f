-- When a run was last retried: its run timeout counts from then, also after a restart.
ALTER TABLE wf_run ADD COLUMN retried_at TIMESTAMP;
