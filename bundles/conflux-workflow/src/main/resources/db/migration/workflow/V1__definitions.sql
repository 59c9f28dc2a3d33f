-- Workflow definitions: every deployed version is kept, so runs keep the version they started with.
CREATE TABLE wf_workflow (
    workflow_id     VARCHAR(64)  NOT NULL PRIMARY KEY,
    current_version INT          NOT NULL,
    deployed        BOOLEAN      NOT NULL
);

CREATE TABLE wf_definition (
    workflow_id  VARCHAR(64)   NOT NULL,
    version      INT           NOT NULL,
    source       TEXT          NOT NULL,
    source_hash  CHAR(64)      NOT NULL,
    description  VARCHAR(2000) NOT NULL,
    step_count   INT           NOT NULL,
    origin       VARCHAR(500)  NOT NULL,
    deployed_at  TIMESTAMP     NOT NULL,
    PRIMARY KEY (workflow_id, version)
);
