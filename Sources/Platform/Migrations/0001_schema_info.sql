-- Marker migration: the migrations table itself is created by the migrator.
COMMENT ON SCHEMA public IS 'MediaDaemon';
