/**
 * The tables of MLflow's SQLite tracking store that `xlens export --mlflow <file>.db` creates but leaves
 * empty (model registry, logged models, datasets and inputs, traces, assessments, scorers, evaluation
 * datasets, webhooks, jobs, secrets): MLflow's server queries several of them when it lists runs
 * (`inputs`, `datasets`, `logged_models`) and its schema check expects every table of the revision the
 * database is stamped with, so a store holding only the tables written would not open in MLflow's UI.
 *
 * Source: the schema MLflow records of its SQLite store after all migrations,
 * https://github.com/mlflow/mlflow/blob/024a2fcdba9c4dcc44030f01402e8ff613ad506f/tests/db/schemas/sqlite.sql
 * (revision `1b49d398cd23`); `test/fixtures/mlflow_schema/sqlite.sql` holds that file and a test
 * compares every table created here with it.
 */

/** The tables created empty, in creation order. */
export const MLFLOW_EMPTY_TABLES = [
  'entity_associations',
  'evaluation_datasets',
  'input_tags',
  'inputs',
  'jobs',
  'registered_models',
  'secrets',
  'webhooks',
  'datasets',
  'evaluation_dataset_records',
  'evaluation_dataset_tags',
  'logged_models',
  'model_versions',
  'registered_model_aliases',
  'registered_model_tags',
  'scorers',
  'secrets_bindings',
  'trace_info',
  'webhook_events',
  'assessments',
  'logged_model_metrics',
  'logged_model_params',
  'logged_model_tags',
  'model_version_tags',
  'scorer_versions',
  'spans',
  'trace_request_metadata',
  'trace_tags',
] as const;

/** `CREATE TABLE` statements of {@link MLFLOW_EMPTY_TABLES}. */
export const MLFLOW_EMPTY_TABLES_SQL = `
CREATE TABLE entity_associations (
  association_id VARCHAR(36) NOT NULL,
  source_type VARCHAR(36) NOT NULL,
  source_id VARCHAR(36) NOT NULL,
  destination_type VARCHAR(36) NOT NULL,
  destination_id VARCHAR(36) NOT NULL,
  created_time BIGINT,
  CONSTRAINT entity_associations_pk PRIMARY KEY (source_type, source_id, destination_type, destination_id)
);
CREATE TABLE evaluation_datasets (
  dataset_id VARCHAR(36) NOT NULL,
  name VARCHAR(255) NOT NULL,
  schema TEXT,
  profile TEXT,
  digest VARCHAR(64),
  created_time BIGINT,
  last_update_time BIGINT,
  created_by VARCHAR(255),
  last_updated_by VARCHAR(255),
  CONSTRAINT evaluation_datasets_pk PRIMARY KEY (dataset_id)
);
CREATE TABLE input_tags (
  input_uuid VARCHAR(36) NOT NULL,
  name VARCHAR(255) NOT NULL,
  value VARCHAR(500) NOT NULL,
  CONSTRAINT input_tags_pk PRIMARY KEY (input_uuid, name)
);
CREATE TABLE inputs (
  input_uuid VARCHAR(36) NOT NULL,
  source_type VARCHAR(36) NOT NULL,
  source_id VARCHAR(36) NOT NULL,
  destination_type VARCHAR(36) NOT NULL,
  destination_id VARCHAR(36) NOT NULL,
  step BIGINT DEFAULT '0' NOT NULL,
  CONSTRAINT inputs_pk PRIMARY KEY (source_type, source_id, destination_type, destination_id)
);
CREATE TABLE jobs (
  id VARCHAR(36) NOT NULL,
  creation_time BIGINT NOT NULL,
  function_fullname VARCHAR(500) NOT NULL,
  params TEXT NOT NULL,
  timeout FLOAT,
  status INTEGER NOT NULL,
  result TEXT,
  retry_count INTEGER NOT NULL,
  last_update_time BIGINT NOT NULL,
  CONSTRAINT jobs_pk PRIMARY KEY (id)
);
CREATE TABLE registered_models (
  name VARCHAR(256) NOT NULL,
  creation_time BIGINT,
  last_updated_time BIGINT,
  description VARCHAR(5000),
  CONSTRAINT registered_model_pk PRIMARY KEY (name),
  UNIQUE (name)
);
CREATE TABLE secrets (
  secret_id VARCHAR(36) NOT NULL,
  secret_name VARCHAR(255) NOT NULL,
  encrypted_value BLOB NOT NULL,
  wrapped_dek BLOB NOT NULL,
  kek_version INTEGER NOT NULL,
  masked_value VARCHAR(100) NOT NULL,
  is_shared BOOLEAN NOT NULL,
  state VARCHAR(36) NOT NULL,
  created_by VARCHAR(255),
  created_at BIGINT NOT NULL,
  last_updated_by VARCHAR(255),
  last_updated_at BIGINT NOT NULL,
  CONSTRAINT secrets_pk PRIMARY KEY (secret_id)
);
CREATE TABLE webhooks (
  webhook_id VARCHAR(256) NOT NULL,
  name VARCHAR(256) NOT NULL,
  description VARCHAR(1000),
  url VARCHAR(500) NOT NULL,
  status VARCHAR(20) DEFAULT 'ACTIVE' NOT NULL,
  secret VARCHAR(1000),
  creation_timestamp BIGINT,
  last_updated_timestamp BIGINT,
  deleted_timestamp BIGINT,
  CONSTRAINT webhook_pk PRIMARY KEY (webhook_id)
);
CREATE TABLE datasets (
  dataset_uuid VARCHAR(36) NOT NULL,
  experiment_id INTEGER NOT NULL,
  name VARCHAR(500) NOT NULL,
  digest VARCHAR(36) NOT NULL,
  dataset_source_type VARCHAR(36) NOT NULL,
  dataset_source TEXT NOT NULL,
  dataset_schema TEXT,
  dataset_profile TEXT,
  CONSTRAINT dataset_pk PRIMARY KEY (experiment_id, name, digest),
  CONSTRAINT fk_datasets_experiment_id_experiments FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE
);
CREATE TABLE evaluation_dataset_records (
  dataset_record_id VARCHAR(36) NOT NULL,
  dataset_id VARCHAR(36) NOT NULL,
  inputs JSON NOT NULL,
  expectations JSON,
  tags JSON,
  source JSON,
  source_id VARCHAR(36),
  source_type VARCHAR(255),
  created_time BIGINT,
  last_update_time BIGINT,
  created_by VARCHAR(255),
  last_updated_by VARCHAR(255),
  input_hash VARCHAR(64) NOT NULL,
  outputs JSON,
  CONSTRAINT evaluation_dataset_records_pk PRIMARY KEY (dataset_record_id),
  CONSTRAINT fk_evaluation_dataset_records_dataset_id FOREIGN KEY (dataset_id) REFERENCES evaluation_datasets (dataset_id) ON DELETE CASCADE,
  CONSTRAINT unique_dataset_input UNIQUE (dataset_id, input_hash)
);
CREATE TABLE evaluation_dataset_tags (
  dataset_id VARCHAR(36) NOT NULL,
  key VARCHAR(255) NOT NULL,
  value VARCHAR(5000),
  CONSTRAINT evaluation_dataset_tags_pk PRIMARY KEY (dataset_id, key),
  CONSTRAINT fk_evaluation_dataset_tags_dataset_id FOREIGN KEY (dataset_id) REFERENCES evaluation_datasets (dataset_id) ON DELETE CASCADE
);
CREATE TABLE logged_models (
  model_id VARCHAR(36) NOT NULL,
  experiment_id INTEGER NOT NULL,
  name VARCHAR(500) NOT NULL,
  artifact_location VARCHAR(1000) NOT NULL,
  creation_timestamp_ms BIGINT NOT NULL,
  last_updated_timestamp_ms BIGINT NOT NULL,
  status INTEGER NOT NULL,
  lifecycle_stage VARCHAR(32),
  model_type VARCHAR(500),
  source_run_id VARCHAR(32),
  status_message VARCHAR(1000),
  CONSTRAINT logged_models_pk PRIMARY KEY (model_id),
  CONSTRAINT fk_logged_models_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE,
  CONSTRAINT logged_models_lifecycle_stage_check CHECK (lifecycle_stage IN ('active', 'deleted'))
);
CREATE TABLE model_versions (
  name VARCHAR(256) NOT NULL,
  version INTEGER NOT NULL,
  creation_time BIGINT,
  last_updated_time BIGINT,
  description VARCHAR(5000),
  user_id VARCHAR(256),
  current_stage VARCHAR(20),
  source VARCHAR(500),
  run_id VARCHAR(32),
  status VARCHAR(20),
  status_message VARCHAR(500),
  run_link VARCHAR(500),
  storage_location VARCHAR(500),
  CONSTRAINT model_version_pk PRIMARY KEY (name, version),
  FOREIGN KEY (name) REFERENCES registered_models (name) ON UPDATE CASCADE
);
CREATE TABLE registered_model_aliases (
  alias VARCHAR(256) NOT NULL,
  version INTEGER NOT NULL,
  name VARCHAR(256) NOT NULL,
  CONSTRAINT registered_model_alias_pk PRIMARY KEY (name, alias),
  CONSTRAINT registered_model_alias_name_fkey FOREIGN KEY (name) REFERENCES registered_models (name) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE TABLE registered_model_tags (
  key VARCHAR(250) NOT NULL,
  value VARCHAR(5000),
  name VARCHAR(256) NOT NULL,
  CONSTRAINT registered_model_tag_pk PRIMARY KEY (key, name),
  FOREIGN KEY (name) REFERENCES registered_models (name) ON UPDATE CASCADE
);
CREATE TABLE scorers (
  experiment_id INTEGER NOT NULL,
  scorer_name VARCHAR(256) NOT NULL,
  scorer_id VARCHAR(36) NOT NULL,
  CONSTRAINT scorer_pk PRIMARY KEY (scorer_id),
  CONSTRAINT fk_scorers_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE
);
CREATE TABLE secrets_bindings (
  binding_id VARCHAR(36) NOT NULL,
  secret_id VARCHAR(36) NOT NULL,
  resource_type VARCHAR(50) NOT NULL,
  resource_id VARCHAR(255) NOT NULL,
  field_name VARCHAR(255) NOT NULL,
  created_at BIGINT NOT NULL,
  created_by VARCHAR(255),
  last_updated_at BIGINT NOT NULL,
  last_updated_by VARCHAR(255),
  CONSTRAINT secrets_bindings_pk PRIMARY KEY (binding_id),
  CONSTRAINT fk_secrets_bindings_secret_id FOREIGN KEY (secret_id) REFERENCES secrets (secret_id) ON DELETE CASCADE,
  CONSTRAINT unique_binding_per_resource UNIQUE (resource_type, resource_id, field_name)
);
CREATE TABLE trace_info (
  request_id VARCHAR(50) NOT NULL,
  experiment_id INTEGER NOT NULL,
  timestamp_ms BIGINT NOT NULL,
  execution_time_ms BIGINT,
  status VARCHAR(50) NOT NULL,
  client_request_id VARCHAR(50),
  request_preview VARCHAR(1000),
  response_preview VARCHAR(1000),
  CONSTRAINT trace_info_pk PRIMARY KEY (request_id),
  CONSTRAINT fk_trace_info_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)
);
CREATE TABLE webhook_events (
  webhook_id VARCHAR(256) NOT NULL,
  entity VARCHAR(50) NOT NULL,
  action VARCHAR(50) NOT NULL,
  CONSTRAINT webhook_event_pk PRIMARY KEY (webhook_id, entity, action),
  FOREIGN KEY (webhook_id) REFERENCES webhooks (webhook_id) ON DELETE CASCADE
);
CREATE TABLE assessments (
  assessment_id VARCHAR(50) NOT NULL,
  trace_id VARCHAR(50) NOT NULL,
  name VARCHAR(250) NOT NULL,
  assessment_type VARCHAR(20) NOT NULL,
  value TEXT NOT NULL,
  error TEXT,
  created_timestamp BIGINT NOT NULL,
  last_updated_timestamp BIGINT NOT NULL,
  source_type VARCHAR(50) NOT NULL,
  source_id VARCHAR(250),
  run_id VARCHAR(32),
  span_id VARCHAR(50),
  rationale TEXT,
  overrides VARCHAR(50),
  valid BOOLEAN NOT NULL,
  assessment_metadata TEXT,
  CONSTRAINT assessments_pk PRIMARY KEY (assessment_id),
  CONSTRAINT fk_assessments_trace_id FOREIGN KEY (trace_id) REFERENCES trace_info (request_id) ON DELETE CASCADE
);
CREATE TABLE logged_model_metrics (
  model_id VARCHAR(36) NOT NULL,
  metric_name VARCHAR(500) NOT NULL,
  metric_timestamp_ms BIGINT NOT NULL,
  metric_step BIGINT NOT NULL,
  metric_value FLOAT,
  experiment_id INTEGER NOT NULL,
  run_id VARCHAR(32) NOT NULL,
  dataset_uuid VARCHAR(36),
  dataset_name VARCHAR(500),
  dataset_digest VARCHAR(36),
  CONSTRAINT logged_model_metrics_pk PRIMARY KEY (model_id, metric_name, metric_timestamp_ms, metric_step, run_id),
  CONSTRAINT fk_logged_model_metrics_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id),
  CONSTRAINT fk_logged_model_metrics_model_id FOREIGN KEY (model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE,
  CONSTRAINT fk_logged_model_metrics_run_id FOREIGN KEY (run_id) REFERENCES runs (run_uuid) ON DELETE CASCADE
);
CREATE TABLE logged_model_params (
  model_id VARCHAR(36) NOT NULL,
  experiment_id INTEGER NOT NULL,
  param_key VARCHAR(255) NOT NULL,
  param_value TEXT NOT NULL,
  CONSTRAINT logged_model_params_pk PRIMARY KEY (model_id, param_key),
  CONSTRAINT fk_logged_model_params_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id),
  CONSTRAINT fk_logged_model_params_model_id FOREIGN KEY (model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE
);
CREATE TABLE logged_model_tags (
  model_id VARCHAR(36) NOT NULL,
  experiment_id INTEGER NOT NULL,
  tag_key VARCHAR(255) NOT NULL,
  tag_value TEXT NOT NULL,
  CONSTRAINT logged_model_tags_pk PRIMARY KEY (model_id, tag_key),
  CONSTRAINT fk_logged_model_tags_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id),
  CONSTRAINT fk_logged_model_tags_model_id FOREIGN KEY (model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE
);
CREATE TABLE model_version_tags (
  key VARCHAR(250) NOT NULL,
  value TEXT,
  name VARCHAR(256) NOT NULL,
  version INTEGER NOT NULL,
  CONSTRAINT model_version_tag_pk PRIMARY KEY (key, name, version),
  FOREIGN KEY (name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE
);
CREATE TABLE scorer_versions (
  scorer_id VARCHAR(36) NOT NULL,
  scorer_version INTEGER NOT NULL,
  serialized_scorer TEXT NOT NULL,
  creation_time BIGINT,
  CONSTRAINT scorer_version_pk PRIMARY KEY (scorer_id, scorer_version),
  CONSTRAINT fk_scorer_versions_scorer_id FOREIGN KEY (scorer_id) REFERENCES scorers (scorer_id) ON DELETE CASCADE
);
CREATE TABLE spans (
  trace_id VARCHAR(50) NOT NULL,
  experiment_id INTEGER NOT NULL,
  span_id VARCHAR(50) NOT NULL,
  parent_span_id VARCHAR(50),
  name TEXT,
  type VARCHAR(500),
  status VARCHAR(50) NOT NULL,
  start_time_unix_nano BIGINT NOT NULL,
  end_time_unix_nano BIGINT,
  duration_ns BIGINT GENERATED ALWAYS AS (end_time_unix_nano - start_time_unix_nano) STORED,
  content TEXT NOT NULL,
  CONSTRAINT spans_pk PRIMARY KEY (trace_id, span_id),
  CONSTRAINT fk_spans_trace_id FOREIGN KEY (trace_id) REFERENCES trace_info (request_id) ON DELETE CASCADE,
  CONSTRAINT fk_spans_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)
);
CREATE TABLE trace_request_metadata (
  key VARCHAR(250) NOT NULL,
  value VARCHAR(8000),
  request_id VARCHAR(50) NOT NULL,
  CONSTRAINT trace_request_metadata_pk PRIMARY KEY (key, request_id),
  CONSTRAINT fk_trace_request_metadata_request_id FOREIGN KEY (request_id) REFERENCES trace_info (request_id) ON DELETE CASCADE
);
CREATE TABLE trace_tags (
  key VARCHAR(250) NOT NULL,
  value VARCHAR(8000),
  request_id VARCHAR(50) NOT NULL,
  CONSTRAINT trace_tag_pk PRIMARY KEY (key, request_id),
  CONSTRAINT fk_trace_tags_request_id FOREIGN KEY (request_id) REFERENCES trace_info (request_id) ON DELETE CASCADE
);
`;
